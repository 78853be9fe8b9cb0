import Boards
import Drivers
import HAL

/// Why a board could not be assembled, naming the role (and so the board-file entry).
public struct CompositionError: Error, CustomStringConvertible {
  public enum Cause: Sendable {
    case gpio(GPIOError)
    case i2c(I2CError)
    case pwm(PWMError)
    case sensor(SensorError)
    case actuator(ActuatorError)
    case watchdog(WatchdogError)
    /// The backend cannot provide what the board asks for.
    case unsupported(String)
  }

  public var role: String
  public var cause: Cause

  public init(role: String, _ cause: Cause) {
    self.role = role
    self.cause = cause
  }

  public var description: String {
    let what: String
    switch cause {
    case .gpio(let error): what = error.description
    case .i2c(let error): what = error.description
    case .pwm(let error): what = error.description
    case .sensor(let error): what = error.description
    case .actuator(let error): what = error.description
    case .watchdog(let error): what = error.description
    case .unsupported(let text): what = text
    }
    return "role '\(role)': \(what)"
  }
}
