import HAL

/// A PWM channel double that checks every change against a ``TransactionScript``.
public final class ScriptedPWMChannel: PWMChannel, @unchecked Sendable {
  public let name: String
  public private(set) var period: Duration
  public private(set) var pulseWidth: Duration = .zero
  public private(set) var isEnabled = false
  private let script: TransactionScript

  public init(name: String, script: TransactionScript, period: Duration = .milliseconds(20)) {
    self.name = name
    self.script = script
    self.period = period
  }

  public func setPeriod(_ period: Duration) throws(PWMError) {
    try check(.pwmPeriod(channel: name, period))
    self.period = period
  }

  public func setPulseWidth(_ width: Duration) throws(PWMError) {
    try check(.pwmPulse(channel: name, width))
    pulseWidth = width
  }

  public func setEnabled(_ enabled: Bool) throws(PWMError) {
    try check(.pwmEnable(channel: name, enabled))
    isEnabled = enabled
  }

  private func check(_ actual: Interaction) throws(PWMError) {
    guard script.consume(actual, from: "pwm \(name)") != nil else {
      throw PWMError(.io(errno: 0), channel: name, detail: "not in the script: \(actual)")
    }
  }
}
