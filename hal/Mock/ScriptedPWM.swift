import HAL

/// A PWM channel double that checks every change against a ``TransactionScript``.
///
/// The `PWMChannel` contract is enforced before the script is consulted (a width
/// longer than the period, a negative width or a non-positive period throws
/// `.outOfRange` and consumes nothing), so a scripted test also catches contract
/// violations.
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
    try PWMLimits.checkPeriod(period, pulseWidth: pulseWidth, channel: name)
    try check(.pwmPeriod(channel: name, period))
    self.period = period
  }

  public func setPulseWidth(_ width: Duration) throws(PWMError) {
    try PWMLimits.checkPulse(width, period: period, channel: name)
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
