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
  /// What ``ServoActuator/safe()`` outputs, read by ``SafeValue/pwmOutput``: a pulse, or
  /// no pulses for `.off` and `.hold` (a PWM hatch actuator).
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

  /// One way the limits cannot work on a channel.
  public enum Problem: Hashable, Sendable, CustomStringConvertible {
    case minimumNotPositive
    /// The longest pulse is not below the period the channel really generates.
    case maximumNotBelowPeriod(maximum: Duration, period: Duration)
    case neutralOutsideRange(Duration)
    case slewNotPositive
    /// The safe value cannot be applied to a PWM output with this range
    /// (``SafeValue/pwmProblem(range:)``).
    case safeValue(String)

    public var description: String {
      switch self {
      case .minimumNotPositive: return "minimum pulse must be positive"
      case .maximumNotBelowPeriod(let maximum, let period):
        return "maximum pulse \(maximum.microsecondsDouble) us is not below the period \(period.microsecondsDouble) us"
      case .neutralOutsideRange(let neutral): return "neutral \(neutral.microsecondsDouble) us is outside the range"
      case .slewNotPositive: return "slew limit must be positive"
      case .safeValue(let text): return text
      }
    }
  }

  /// Every way the limits are inconsistent with each other or with `period` (empty:
  /// none). Board validation and ``ServoActuator/init(name:channel:limits:powerEnable:)``
  /// both call this, so a board that validates is one whose actuators can be built.
  public func problems(period: Duration) -> [Problem] {
    var found: [Problem] = []
    if range.lowerBound <= .zero { found.append(.minimumNotPositive) }
    if range.upperBound >= period { found.append(.maximumNotBelowPeriod(maximum: range.upperBound, period: period)) }
    if !range.contains(neutral) { found.append(.neutralOutsideRange(neutral)) }
    if let slew = maxSlewPerSecond, slew <= .zero { found.append(.slewNotPositive) }
    // The one reading of a safe value (HAL's SafeValue): hold is off, a level is refused.
    if let problem = safeValue.pwmProblem(range: range) { found.append(.safeValue(problem)) }
    return found
  }

  /// The first of ``problems(period:)`` as text, or nil when there is none.
  public func validate(period: Duration) -> String? {
    problems(period: period).first?.description
  }
}
