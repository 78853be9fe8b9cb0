import HAL

/// A PWM output double for the benchmark: keeps the values it is given and, unlike the
/// mock HAL's `SimulatedPWMChannel`, keeps no history (so it never allocates).
public final class BenchPWMChannel: PWMChannel, @unchecked Sendable {
  public let name: String
  public private(set) var period: Duration
  public private(set) var pulseWidth: Duration = .zero
  public private(set) var isEnabled = false
  /// Pulse-width changes so far.
  public private(set) var changes = 0

  public init(name: String, period: Duration = .milliseconds(20)) {
    self.name = name
    self.period = period
  }

  public func setPeriod(_ period: Duration) throws(PWMError) { self.period = period }

  public func setPulseWidth(_ width: Duration) throws(PWMError) {
    guard width <= period, width >= .zero else { throw PWMError(.outOfRange, channel: name) }
    pulseWidth = width
    changes += 1
  }

  public func setEnabled(_ enabled: Bool) throws(PWMError) { isEnabled = enabled }
}
