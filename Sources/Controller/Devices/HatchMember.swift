import Drivers
import HAL

/// A hatch (two drive lines, two position sensors) as a rate-group member, through the
/// drivers' ``HatchActuator``, so the controller cannot drive both directions at once,
/// keep driving past a reached position or past the move timeout.
///
/// The command is a target position (`.open` or `.closed`); a move starts once per
/// newly published target and is checked every cycle. Safe state: hold (both drive
/// lines off, never a reflexive close). As for every output member, a target published
/// before the last safe state is inert afterwards (decision 0714). Bus contract: one
/// read of each position sensor per cycle while moving, drive-line writes only when a
/// move starts or stops.
public final class HatchMember: SafeStateActuator, @unchecked Sendable {
  public let name: String
  public let hatch: HatchActuator
  private let command: Snapshot<HatchActuator.Position?>
  private let events: EventSink
  private let source: EventSource
  private var versionAtSafe: UInt64?  // nil: no safe state yet
  private var handledVersion: UInt64?

  public init(hatch: HatchActuator, command: Snapshot<HatchActuator.Position?>, events: EventSink) {
    self.name = hatch.name
    self.hatch = hatch
    self.command = command
    self.events = events
    self.source = events.registerSource(hatch.name)
  }

  public func run(_ tick: TickContext) {
    let version = command.version
    if version != versionAtSafe, version != handledVersion, let target = command.read() {
      handledVersion = version
      do throws(ActuatorError) { try hatch.move(to: target, now: tick.deadline) } catch {
        events.emit(.error, .actuatorFailed, source: source)
      }
    }
    do throws(ActuatorError) { try hatch.update(now: tick.deadline) } catch {
      events.emit(.error, .actuatorFailed, source: source)
    }
  }

  public func applySafeState() -> Bool {
    versionAtSafe = command.version
    handledVersion = command.version
    do throws(ActuatorError) {
      try hatch.safe()
      return true
    } catch {
      return false
    }
  }
}
