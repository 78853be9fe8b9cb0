import HAL

/// A PWM output (valve servo, drone line ESC) as a rate-group member with a safe state.
///
/// Each cycle it applies the newest commanded pulse width from `command` (written by a
/// slower group or the command link) if it changed. Bus contract: at most one
/// ``PWMChannel/setPulseWidth(_:)`` per cycle (one register write on a PCA9685).
public final class PWMActuator: SafeStateActuator, @unchecked Sendable {
  public let name: String
  private let channel: any PWMChannel
  private let safeValue: SafeValue
  private let command: Snapshot<Duration?>
  private let events: EventSink
  private let source: EventSource
  private var applied: Duration?
  // Command version at the last safe state: only later commands act (no resume on
  // leaving safe mode).
  private var versionAtSafe: UInt64?  // nil: no safe state yet

  public init(
    channel: any PWMChannel, safeValue: SafeValue, command: Snapshot<Duration?>, events: EventSink
  ) {
    self.name = channel.name
    self.channel = channel
    self.safeValue = safeValue
    self.command = command
    self.events = events
    self.source = events.registerSource(channel.name)
  }

  public func run(_ tick: TickContext) {
    guard command.version != versionAtSafe, let wanted = command.read(), wanted != applied else { return }
    do throws(PWMError) {
      if !channel.isEnabled { try channel.setEnabled(true) }
      try channel.setPulseWidth(wanted)
      applied = wanted
    } catch {
      events.emit(.error, .actuatorFailed, source: source)
    }
  }

  public func applySafeState() -> Bool {
    applied = nil
    versionAtSafe = command.version
    do throws(PWMError) {
      switch safeValue {
      case .pulse(let width):
        try channel.setPulseWidth(width)
        if !channel.isEnabled { try channel.setEnabled(true) }
      case .off: try channel.setEnabled(false)
      case .hold: break
      case .level(let level): try channel.setEnabled(level)
      }
      return true
    } catch {
      return false
    }
  }
}

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
    guard case .level(let level) = safeValue else { return true }
    do throws(GPIOError) {
      try line.set(level)
      return true
    } catch {
      return false
    }
  }
}
