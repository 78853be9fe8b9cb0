import Drivers
import HAL

/// A servo, ESC or valve output as a rate-group member, through the drivers'
/// ``ServoActuator`` so the controller cannot bypass its range limits, slew limit or
/// arming interlock: a command beyond neutral while disarmed is refused (an
/// `actuatorFailed` event) and the output stays where it was.
///
/// Arming is itself a command (``armCommand``), so only the slower groups or the command
/// link decide it; a disarm command and safe mode take the output to its safe value
/// and cut its power. After that, only commands (arm and pulse) published later act:
/// clearing safe mode or re-arming never resumes an earlier pulse (decision 0714).
/// Bus contract: at most one pulse-width write per cycle (one 5-byte register write on
/// a PCA9685), plus the arming line when it changes.
public final class ServoMember: SafeStateActuator, @unchecked Sendable {
  public let name: String
  public let eventSubject: EventSubject?
  public let servo: ServoActuator
  private let command: Snapshot<Duration?>
  private let armCommand: Snapshot<Bool?>
  private let events: EventSink
  private let source: EventSource
  private var accepted: Duration?
  private var refused: Duration?
  // Command versions at the last safe state: only commands published after it act, so
  // leaving safe mode (or re-arming) never resumes a pulse or re-arms by itself.
  private var commandVersionAtSafe: UInt64?  // nil: no safe state yet
  private var armVersionAtSafe: UInt64?

  /// `subject` names the output (and its drone) in events; by default the servo's name.
  public init(
    servo: ServoActuator, command: Snapshot<Duration?>, armCommand: Snapshot<Bool?>, events: EventSink,
    subject: EventSubject? = nil
  ) {
    self.name = servo.name
    self.servo = servo
    self.command = command
    self.armCommand = armCommand
    self.events = events
    let subject = subject ?? EventSubject(component: servo.name)
    self.eventSubject = subject
    self.source = events.register(subject)
  }

  /// Whether the output is armed.
  public var isArmed: Bool { servo.isArmed }

  public func run(_ tick: TickContext) {
    let armIsNew = armCommand.version != armVersionAtSafe
    switch armCommand.read() {
    case true? where armIsNew && !servo.isArmed && !tick.safeMode:
      do throws(ActuatorError) { try servo.arm() } catch { events.emit(.error, .actuatorFailed, source: source) }
    case false? where servo.isArmed:
      // A disarm command takes the output to its safe value and cuts its power at once
      // (as safe mode does); a pulse commanded while armed is not resumed on re-arming.
      if !applySafeState() { events.emit(.error, .actuatorFailed, source: source) }
    default:
      break
    }
    let commandIsNew = command.version != commandVersionAtSafe
    if commandIsNew, let wanted = command.read(), wanted != accepted, wanted != refused {
      do throws(ActuatorError) {
        try servo.command(wanted)
        accepted = wanted
        refused = nil
      } catch {
        // Reported once per refused value, not every cycle.
        refused = wanted
        events.emit(.error, .actuatorFailed, source: source, value: wanted.nanosecondsSaturated / 1_000)
      }
    }
    do throws(ActuatorError) { try servo.update(now: tick.deadline) } catch {
      events.emit(.error, .actuatorFailed, source: source)
    }
  }

  public func applySafeState() -> Bool {
    accepted = nil
    refused = nil
    commandVersionAtSafe = command.version
    armVersionAtSafe = armCommand.version
    do throws(ActuatorError) {
      try servo.safe()
      return true
    } catch {
      return false
    }
  }
}
