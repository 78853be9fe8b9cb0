import HAL

/// A servo or ESC on a ``PWMChannel``, with range limits, a slew-rate limit and an
/// arming interlock.
///
/// Nothing is output until the first command (safe start). ``command(_:)`` only checks
/// and records the target; ``update(now:)`` (called each actuator tick) moves the
/// output toward it by at most the slew limit. Disarmed, the only accepted target is
/// neutral. ``safe()`` is immediate (no slew), disarms, and throws if any step failed.
public final class ServoActuator {
  public let name: String
  public let channel: any PWMChannel
  public let limits: ServoLimits
  /// The board's power-enable line for this actuator (logical true = powered).
  public let powerEnable: (any GPIOOutputLine)?
  public private(set) var isArmed = false
  /// The target last accepted (nil: none since start or safe()).
  public private(set) var target: Duration?
  /// The pulse currently output (nil: output off).
  public private(set) var output: Duration?
  private var lastUpdate: MonotonicInstant?

  public init(
    name: String, channel: any PWMChannel, limits: ServoLimits, powerEnable: (any GPIOOutputLine)? = nil
  ) throws(ActuatorError) {
    if let problem = limits.validate(period: channel.period) {
      throw ActuatorError(.invalidConfiguration, actuator: name, detail: problem)
    }
    self.name = name
    self.channel = channel
    self.limits = limits
    self.powerEnable = powerEnable
  }

  /// Allows pulses other than neutral and powers the actuator (power-enable line).
  public func arm() throws(ActuatorError) {
    if let powerEnable {
      do { try powerEnable.set(true) } catch { throw ActuatorError(.gpio(error), actuator: name) }
    }
    isArmed = true
  }

  /// Checks `pulse` against the range and the interlock and makes it the target.
  public func command(_ pulse: Duration) throws(ActuatorError) {
    guard limits.range.contains(pulse) else {
      throw ActuatorError(
        .outOfRange, actuator: name,
        detail: "\(us(pulse)) outside \(us(limits.range.lowerBound))...\(us(limits.range.upperBound))")
    }
    if limits.requiresArming && !isArmed && pulse != limits.neutral {
      throw ActuatorError(.notArmed, actuator: name, detail: "only neutral \(us(limits.neutral)) while disarmed")
    }
    target = pulse
  }

  /// Moves the output toward the target (by at most the slew limit since the last
  /// update). The first output after start or safe() starts from neutral.
  public func update(now: MonotonicInstant) throws(ActuatorError) {
    defer { lastUpdate = now }
    guard let target else { return }
    var next = target
    if let slew = limits.maxSlewPerSecond, let current = output {
      let elapsed = lastUpdate.map { max($0.duration(to: now), .zero) } ?? .zero
      // In saturated nanoseconds: `Duration * Double` traps past about 1.7e20 s.
      let nanos = (Double(slew.nanosecondsSaturated) * elapsed.secondsDouble).rounded()
      let step = Duration.nanoseconds(Int64(exactly: nanos) ?? .max)
      if target > current + step {
        next = current + step
      } else if target < current - step {
        next = current - step
      }
    } else if limits.maxSlewPerSecond != nil && output == nil {
      next = limits.neutral
    }
    guard next != output else { return }
    do {
      try channel.setPulseWidth(next)
      if !channel.isEnabled { try channel.setEnabled(true) }
    } catch { throw ActuatorError(.pwm(error), actuator: name) }
    output = next
  }

  /// Goes to the safe value at once, disarms and cuts power. Every step is attempted;
  /// the first failure is thrown, so a failed safe() is never silent.
  public func safe() throws(ActuatorError) {
    isArmed = false
    target = nil
    var first: ActuatorError?
    do {
      switch limits.safeValue.pwmOutput {
      case .pulse(let width):
        try channel.setPulseWidth(width)
        if !channel.isEnabled { try channel.setEnabled(true) }
        output = width
      case .off, nil:
        // nil (a GPIO level) never passes ServoLimits.validate; off is the safe reading.
        try channel.setEnabled(false)
        output = nil
      }
    } catch { first = ActuatorError(.pwm(error), actuator: name, detail: "safe()") }
    if let powerEnable {
      do { try powerEnable.set(false) } catch {
        first = first ?? ActuatorError(.gpio(error), actuator: name, detail: "safe()")
      }
    }
    if let first { throw first }
  }
}

/// `1500 us`: pulse widths in the unit servo people use.
private func us(_ duration: Duration) -> String {
  let value = duration.microsecondsDouble
  return value.rounded() == value ? "\(Int64(value)) us" : "\(value) us"
}
