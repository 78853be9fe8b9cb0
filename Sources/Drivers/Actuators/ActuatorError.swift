import HAL

/// An actuator failure, naming the actuator.
public struct ActuatorError: Error, Hashable, Sendable, CustomStringConvertible {
  public enum Kind: Hashable, Sendable {
    /// A pulse outside the configured range.
    case outOfRange
    /// A pulse other than neutral while disarmed.
    case notArmed
    /// The configuration is inconsistent (e.g. neutral outside the range).
    case invalidConfiguration
    /// The PWM output failed.
    case pwm(PWMError)
    /// A GPIO line failed.
    case gpio(GPIOError)
    /// The hatch/valve did not reach the commanded position within its timeout.
    case didNotReachPosition
    /// Both position sensors report at once.
    case sensorConflict
    /// A latched fault must be cleared before new motion.
    case faulted
  }

  public var kind: Kind
  public var actuator: String
  public var detail: String

  public init(_ kind: Kind, actuator: String, detail: String = "") {
    self.kind = kind
    self.actuator = actuator
    self.detail = detail
  }

  public var description: String {
    let what: String
    switch kind {
    case .outOfRange: what = "pulse out of range"
    case .notArmed: what = "not armed"
    case .invalidConfiguration: what = "invalid configuration"
    case .pwm(let e): what = "PWM error: \(e)"
    case .gpio(let e): what = "GPIO error: \(e)"
    case .didNotReachPosition: what = "did not reach position"
    case .sensorConflict: what = "position sensors disagree"
    case .faulted: what = "fault latched"
    }
    let suffix = detail.isEmpty ? "" : ": \(detail)"
    return "actuator \(actuator): \(what)\(suffix)"
  }
}
