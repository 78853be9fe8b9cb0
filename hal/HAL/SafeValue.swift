/// What an output does when the controller goes to its safe state, and at start-up.
///
/// Every output role in a board file declares one. Outputs are requested at their
/// safe value, so nothing moves before it is commanded.
public enum SafeValue: Hashable, Sendable, CustomStringConvertible {
  /// A GPIO output at this logical level.
  case level(Bool)
  /// A PWM output generating this pulse width (a servo's neutral, an ESC's idle).
  case pulse(Duration)
  /// A PWM output switched off (no pulses: most ESCs then disarm).
  case off
  /// Hold position: the actuator is left as it is and never moved as a reflex. This
  /// is the hatches' safe action: a hatch closed by a reflex can cut the crew off from
  /// the return vehicle.
  case hold

  public var description: String {
    switch self {
    case .level(let value): return value ? "active" : "inactive"
    case .pulse(let width): return "pulse \(width.microsecondsDouble) us"
    case .off: return "off"
    case .hold: return "hold"
    }
  }
}

/// What a safe value asks of a PWM output.
public enum PWMSafeOutput: Hashable, Sendable {
  /// Generate this pulse width.
  case pulse(Duration)
  /// No pulses (channel disabled).
  case off
}

/// The one reading of a ``SafeValue`` for each kind of output. Board validation, bring-up
/// (`RunningBoard`), the drivers' actuators (`ServoActuator`, `ServoLimits`) and the
/// controller's output members all call these, so a value that validates is a value every
/// one of them applies the same way.
extension SafeValue {
  /// The logical level a GPIO output is driven to: `.level(v)` is `v`; `.hold` is
  /// inactive (a hatch drive stopped, so the hatch holds where it is). Nil for the PWM
  /// values `.off` and `.pulse`, which no GPIO output can take.
  public var gpioLevel: Bool? {
    switch self {
    case .level(let value): return value
    case .hold: return false
    case .off, .pulse: return nil
    }
  }

  /// What a PWM output does: `.pulse(w)` generates `w`; `.off` and `.hold` generate no
  /// pulses (a PWM-driven hatch actuator is then driven nowhere and holds where it is).
  /// Nil for `.level`, which is not a PWM safe value.
  public var pwmOutput: PWMSafeOutput? {
    switch self {
    case .pulse(let width): return .pulse(width)
    case .off, .hold: return .off
    case .level: return nil
    }
  }

  /// Why this cannot be the safe value of a PWM output whose pulses must stay within
  /// `range`, or nil when it can.
  public func pwmProblem(range: ClosedRange<Duration>) -> String? {
    switch pwmOutput {
    case nil: return "\(self) is a GPIO level, not a PWM safe value (off, hold or a pulse)"
    case .off: return nil
    case .pulse(let width):
      guard range.contains(width) else {
        return "safe pulse \(width.microsecondsDouble) us is outside "
          + "\(range.lowerBound.microsecondsDouble)...\(range.upperBound.microsecondsDouble) us"
      }
      return nil
    }
  }

  /// Why this cannot be the safe value of a GPIO output, or nil when it can.
  public var gpioProblem: String? {
    gpioLevel == nil ? "\(self) is a PWM safe value, not a GPIO level (active, inactive or hold)" : nil
  }
}
