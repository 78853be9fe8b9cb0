import HAL

/// The `PWMChannel` contract's range checks, shared by the PWM doubles.
enum PWMLimits {
  /// A period must be positive and not shorter than the current pulse width.
  static func checkPeriod(_ period: Duration, pulseWidth: Duration, channel: String) throws(PWMError) {
    guard period > .zero else {
      throw PWMError(.outOfRange, channel: channel, detail: "period \(period) is not positive")
    }
    guard pulseWidth <= period else {
      throw PWMError(
        .outOfRange, channel: channel, detail: "period \(period) is shorter than the pulse width \(pulseWidth)")
    }
  }

  /// A pulse width must be within `0...period`.
  static func checkPulse(_ width: Duration, period: Duration, channel: String) throws(PWMError) {
    guard width >= .zero, width <= period else {
      throw PWMError(.outOfRange, channel: channel, detail: "pulse width \(width) outside 0...\(period)")
    }
  }
}
