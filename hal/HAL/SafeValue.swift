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
