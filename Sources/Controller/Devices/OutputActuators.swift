import HAL

/// A GPIO output (valve solenoid, drone power line) as a rate-group member with a safe
/// state. Bus contract: at most one line-value ioctl per cycle.
public final class GPIOActuator: SafeStateActuator, @unchecked Sendable {
  public let name: String
  private let line: any GPIOOutputLine
  private let safeValue: SafeValue
  private let command: Snapshot<Bool?>
  private let events: EventSink
  private let source: EventSource
  // Command version at the last safe state: only later commands act, so leaving safe
  // mode never re-energises a drive (a hatch, a valve) commanded before it.
  private var versionAtSafe: UInt64?  // nil: no safe state yet

  public init(line: any GPIOOutputLine, safeValue: SafeValue, command: Snapshot<Bool?>, events: EventSink) {
    self.name = line.id.description
    self.line = line
    self.safeValue = safeValue
    self.command = command
    self.events = events
    self.source = events.registerSource(line.id.description)
  }

  public func run(_ tick: TickContext) {
    guard command.version != versionAtSafe, let wanted = command.read(), wanted != line.lastValue else { return }
    do throws(GPIOError) { try line.set(wanted) } catch { events.emit(.error, .actuatorFailed, source: source) }
  }

  public func applySafeState() -> Bool {
    versionAtSafe = command.version
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
