import HAL

/// A simulated PWM output that records every change with its virtual time.
///
/// Enforces the `PWMChannel` contract: a pulse width outside `0...period`, or a
/// period that is not positive or is shorter than the current pulse, throws
/// `.outOfRange` and changes nothing. With `fixedPeriod` it behaves like a PCA9685
/// channel, whose period is shared by the chip: any other period throws `.unsupported`.
/// ``injectFault(_:count:)`` makes the next calls fail (for example `.bus(...)` as a
/// PCA9685 channel would on an I2C error). Confined to one thread (decision 0100).
public final class SimulatedPWMChannel: PWMChannel, @unchecked Sendable {
  /// One accepted change.
  public struct Change: Hashable, Sendable {
    public enum Setting: Hashable, Sendable {
      case period(Duration)
      case pulseWidth(Duration)
      case enabled(Bool)
    }
    public var time: MonotonicInstant
    public var setting: Setting

    public init(time: MonotonicInstant, setting: Setting) {
      self.time = time
      self.setting = setting
    }
  }

  public let name: String
  public private(set) var period: Duration
  public private(set) var pulseWidth: Duration = .zero
  public private(set) var isEnabled = false
  /// Every accepted change, oldest first (rejected and failed calls are not in it).
  public private(set) var history: [Change] = []
  private let clock: any MonotonicClock
  private let fixedPeriod: Bool
  private var faults: [PWMError.Kind] = []

  /// A disabled channel with `period` and a zero pulse width.
  public init(name: String, clock: any MonotonicClock, period: Duration = .milliseconds(20), fixedPeriod: Bool = false)
  {
    self.name = name
    self.clock = clock
    self.period = period
    self.fixedPeriod = fixedPeriod
  }

  /// The fraction of each period the output is high: zero while disabled.
  public var dutyCycle: Double {
    guard isEnabled, period > .zero else { return 0 }
    return pulseWidth.secondsDouble / period.secondsDouble
  }

  /// Makes the next `count` setter calls throw `kind` without changing anything.
  public func injectFault(_ kind: PWMError.Kind, count: Int = 1) {
    faults.append(contentsOf: repeatElement(kind, count: max(0, count)))
  }

  public func setPeriod(_ period: Duration) throws(PWMError) {
    try takeFault()
    if fixedPeriod, period != self.period {
      throw PWMError(
        .unsupported, channel: name, detail: "period is fixed at \(self.period) (shared by the chip)")
    }
    try PWMLimits.checkPeriod(period, pulseWidth: pulseWidth, channel: name)
    self.period = period
    record(.period(period))
  }

  public func setPulseWidth(_ width: Duration) throws(PWMError) {
    try takeFault()
    try PWMLimits.checkPulse(width, period: period, channel: name)
    pulseWidth = width
    record(.pulseWidth(width))
  }

  public func setEnabled(_ enabled: Bool) throws(PWMError) {
    try takeFault()
    isEnabled = enabled
    record(.enabled(enabled))
  }

  private func takeFault() throws(PWMError) {
    guard !faults.isEmpty else { return }
    throw PWMError(faults.removeFirst(), channel: name, detail: "injected fault")
  }

  private func record(_ setting: Change.Setting) {
    history.append(Change(time: clock.now(), setting: setting))
  }
}
