import HAL
import Station

/// A GPIO output (valve solenoid, actuator power, status light) as a rate-group member
/// with a safe state. Its command snapshot is written only by the ``CommandArbiter``.
/// With `actsWhileSafe` (actuator power), a command published after the last safe state
/// also acts while safe mode is latched: the arbiter uses it to power a crew hatch move.
/// Bus contract: at most one line-value ioctl per cycle.
public final class GPIOActuator: SafeStateActuator, @unchecked Sendable {
  public let name: String
  public let eventSubject: EventSubject?
  private let line: any GPIOOutputLine
  private let safeValue: SafeValue
  private let command: Snapshot<Bool?>
  private let events: EventSink
  private let source: EventSource
  // Command version at the last safe state: only later commands act, so leaving safe
  // mode never re-energises a drive (a hatch, a valve) commanded before it.
  private var versionAtSafe: UInt64?  // nil: no safe state yet

  private let actsWhileSafe: Bool

  /// `role` names the output in events (default: the line's id).
  public init(
    line: any GPIOOutputLine, safeValue: SafeValue, command: Snapshot<Bool?>, events: EventSink,
    role: BoardRole? = nil, actsWhileSafe: Bool = false
  ) {
    self.name = role?.rawValue ?? line.id.description
    self.line = line
    self.safeValue = safeValue
    self.command = command
    self.events = events
    self.actsWhileSafe = actsWhileSafe
    let subject = role.map { EventSubject(output: $0) } ?? EventSubject(component: line.id.description)
    self.eventSubject = subject
    self.source = events.register(subject)
  }

  public func runWhileSafe(_ tick: TickContext) { if actsWhileSafe { run(tick) } }

  public func run(_ tick: TickContext) {
    guard command.version != versionAtSafe, let wanted = command.read(), wanted != line.lastValue else { return }
    do throws(GPIOError) { try line.set(wanted) } catch { events.emit(.error, .actuatorFailed, source: source) }
  }

  public func applySafeState() -> Bool {
    versionAtSafe = command.version
    guard case .level(let level) = safeValue else { return true }
    do throws(GPIOError) {
      try line.set(level)
      return true
    } catch {
      return false
    }
  }
}
