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
  private let command: Snapshot<Stamped<Bool>?>
  private let events: EventSink
  private let source: EventSource
  private var handledVersion: UInt64 = 0

  private let actsWhileSafe: Bool

  /// `role` names the output in events (default: the line's id).
  public init(
    line: any GPIOOutputLine, safeValue: SafeValue, command: Snapshot<Stamped<Bool>?>, events: EventSink,
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
    // A command given before the last safe state (an older generation) is inert, so
    // leaving safe mode never re-energises an output commanded before it.
    let version = command.version
    guard version != handledVersion, let wanted = command.read() else { return }
    handledVersion = version
    guard wanted.generation == tick.safeGeneration, wanted.value != line.lastValue else { return }
    let level = wanted.value
    do throws(GPIOError) { try line.set(level) } catch { events.emit(.error, .actuatorFailed, source: source) }
  }

  public func applySafeState() -> Bool {
    // The one reading of a safe value (HAL's SafeValue.gpioLevel): hold is inactive.
    guard let level = safeValue.gpioLevel else { return false }
    do throws(GPIOError) {
      try line.set(level)
      return true
    } catch {
      return false
    }
  }
}
