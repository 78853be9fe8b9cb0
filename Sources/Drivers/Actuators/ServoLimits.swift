import HAL

/// A servo or ESC channel's limits, as a board file declares them.
public struct ServoLimits: Hashable, Sendable {
  /// The shortest and longest pulse the device accepts (commonly 1000...2000 us).
  public var range: ClosedRange<Duration>
  /// The resting pulse: a servo's centre, an ESC's idle/stop.
  public var neutral: Duration
  /// Largest change of pulse width per second (nil: no limit).
  public var maxSlewPerSecond: Duration?
  /// Drone motors: only `neutral` may be output until ``ServoActuator/arm()``.
  public var requiresArming: Bool
  /// What ``ServoActuator/safe()`` outputs: `.pulse(neutral)` or `.off`.
  public var safeValue: SafeValue

  public init(
    range: ClosedRange<Duration> = .microseconds(1000) ... .microseconds(2000),
    neutral: Duration = .microseconds(1500), maxSlewPerSecond: Duration? = nil, requiresArming: Bool = false,
    safeValue: SafeValue = .off
  ) {
    self.range = range
    self.neutral = neutral
    self.maxSlewPerSecond = maxSlewPerSecond
    self.requiresArming = requiresArming
    self.safeValue = safeValue
  }

  /// A typical ESC: 1000...2000 us, idle 1000 us, arming required, off when safe.
  public static let esc = ServoLimits(
    neutral: .microseconds(1000), maxSlewPerSecond: .microseconds(2000), requiresArming: true, safeValue: .off)

  /// Checks the limits are consistent with each other and with `period`.
  public func validate(period: Duration) -> String? {
    guard range.lowerBound > .zero else { return "minimum pulse must be positive" }
    guard range.upperBound < period else { return "maximum pulse \(range.upperBound) not below period \(period)" }
    guard range.contains(neutral) else { return "neutral \(neutral) outside \(range)" }
    if let slew = maxSlewPerSecond, slew <= .zero { return "slew limit must be positive" }
    switch safeValue {
    case .off: return nil
    case .pulse(let width): return range.contains(width) ? nil : "safe pulse \(width) outside \(range)"
    case .level, .hold: return "safe value must be a pulse or off"
    }
  }
}
