import Boards
import Drivers
import HAL

/// A board brought up from its board file: every line requested, every bus opened,
/// every device driver created, every output at its safe value.
///
/// Bring-up order is chosen for safety: GPIO outputs first, each requested at its
/// declared safe value (so the kill path holds the actuators off before anything else
/// happens), then inputs, buses, PWM controllers (all channels off), PWM outputs at their
/// safe values, then sensors. A sensor that does not come up is recorded in
/// ``problems`` and left out (the controller runs on with what remains); a line, bus or
/// PWM output that cannot be had stops the bring-up with a ``CompositionError``.
public final class RunningBoard {
  public let board: BoardDescription
  public let backend: any HardwareBackend
  public var clock: any MonotonicClock { backend.clock }
  public private(set) var outputs: [String: any GPIOOutputLine] = [:]
  public private(set) var inputs: [String: any GPIOInputLine] = [:]
  public private(set) var buses: [String: any I2CBus] = [:]
  public private(set) var pwmControllers: [String: PCA9685] = [:]
  public private(set) var pwmChannels: [String: any PWMChannel] = [:]
  public private(set) var pressureSensors: [String: any PressureSensor] = [:]
  public private(set) var watchdog: (any Watchdog)?
  /// Devices that did not come up (left out of the running board).
  public private(set) var problems: [CompositionError] = []

  /// Options for bring-up.
  public struct Options: Sendable {
    /// Initialise the pressure sensors (reset, calibration) during bring-up.
    public var initialiseSensors = true
    /// Open the board's watchdog (it starts counting when opened).
    public var openWatchdog = false
    /// Sensor settings: the drivers' defaults (best resolution, for bench reads) or the
    /// loop's (a conversion fits one 100 Hz sensors period).
    public var sensorProfile: SensorProfile = .resolution
    public init(initialiseSensors: Bool = true, openWatchdog: Bool = false, sensorProfile: SensorProfile = .resolution)
    {
      self.initialiseSensors = initialiseSensors
      self.openWatchdog = openWatchdog
      self.sensorProfile = sensorProfile
    }
  }

  /// How the pressure sensors are configured.
  public enum SensorProfile: Sendable {
    /// The drivers' defaults: BMP280 x2/x16 with IIR filter (43 ms), MS5611 OSR 4096.
    case resolution
    /// Fits the controller's 100 Hz sensors group: BMP280 x1/x2, no filter (8.7 ms);
    /// MS5611 OSR 1024 (2 x 2.3 ms).
    case loop
  }

  public init(board: BoardDescription, backend: any HardwareBackend, options: Options = .init())
    throws(CompositionError)
  {
    self.board = board
    self.backend = backend
    do {
      try requestLines()
      try openBuses()
      try bringUpPWM()
      if options.initialiseSensors { bringUpSensors(options) } else { createSensors(options) }
      if options.openWatchdog { watchdog = try backend.watchdog(board.watchdog) }
    } catch {
      _ = applySafeState()
      release()
      throw error
    }
  }

  private func requestLines() throws(CompositionError) {
    let consumer = "cloak"
    // Kill-path lines first, so actuator power and PWM outputs are held off first.
    let killRoles = Set(board.killPath.map(\.role))
    let ordered = board.lines.values.sorted {
      (killRoles.contains($0.role) ? 0 : 1, $0.role) < (killRoles.contains($1.role) ? 0 : 1, $1.role)
    }
    for spec in ordered {
      do {
        if let config = spec.outputConfig {
          outputs[spec.role] = try backend.gpio.requestOutput(spec.id, config: config, consumer: consumer)
        } else if let config = spec.inputConfig {
          inputs[spec.role] = try backend.gpio.requestInput(spec.id, config: config, consumer: consumer)
        }
      } catch {
        throw CompositionError(role: spec.role, .gpio(error))
      }
    }
  }

  private func openBuses() throws(CompositionError) {
    for (name, spec) in board.i2cBuses.sorted(by: { $0.key < $1.key }) {
      buses[name] = try backend.i2cBus(spec)
    }
  }

  private func bringUpPWM() throws(CompositionError) {
    for (role, device) in Self.pwmBringUpOrder(board) {
      guard let bus = buses[device.bus] else { continue }
      let chip = PCA9685(
        bus: bus, address: device.address,
        oscillator: Frequency(hertz: Double(device.oscillatorHz ?? Int(PCA9685Timing.nominalOscillator.hertz))),
        outputEnable: device.outputEnableRole.flatMap { outputs[$0] }, allCall: device.allCall == .enabled)
      do {
        try chip.initialise(frequency: Frequency(hertz: Double(device.pwmFrequencyHz ?? 50)), clock: clock)
      } catch {
        throw CompositionError(role: role, .pwm(error))
      }
      pwmControllers[role] = chip
    }
    for (role, spec) in board.pwmOutputs.sorted(by: { $0.key < $1.key }) {
      let channel: any PWMChannel
      switch spec.source {
      case .pca9685(let device, let index):
        guard let chip = pwmControllers[device] else {
          throw CompositionError(role: role, .unsupported("PWM controller '\(device)' did not come up"))
        }
        do { channel = try chip.channel(index) } catch { throw CompositionError(role: role, .pwm(error)) }
      case .sysfs(let node, let index, let period):
        channel = try backend.sysfsPWM(deviceTreeNode: node, channel: index, period: period, role: role)
      }
      pwmChannels[role] = channel
      if let failure = Self.applySafe(spec.safe, to: channel) {
        throw CompositionError(role: role, .pwm(failure))
      }
    }
  }

  /// The PCA9685s in the order bring-up initialises them: every chip not at the LED All
  /// Call address first (each clears MODE1.ALLCALL in its first write when the board
  /// says `all_call: disabled`), then the chips at it, so nothing is written to 0x70
  /// while another PCA9685 that should not would still acknowledge it. Role order
  /// within each group.
  static func pwmBringUpOrder(_ board: BoardDescription) -> [(String, I2CDeviceSpec)] {
    board.i2cDevices.filter { $0.value.kind == .pca9685 }.sorted {
      let lhs = $0.value.address == PCA9685.allCallAddress ? 1 : 0
      let rhs = $1.value.address == PCA9685.allCallAddress ? 1 : 0
      return (lhs, $0.key) < (rhs, $1.key)
    }.map { ($0.key, $0.value) }
  }

  private func createSensors(_ options: Options) {
    for (role, device) in board.i2cDevices.sorted(by: { $0.key < $1.key }) {
      guard let kind = PressureSensorKind(rawValue: device.kind.rawValue), let bus = buses[device.bus] else {
        continue
      }
      switch (kind, options.sensorProfile) {
      case (.bmp280, .loop), (.bme280, .loop):
        let settings = BMP280Settings(temperature: .x1, pressure: .x2, filter: .off)
        pressureSensors[role] = BMP280(
          bus: bus, address: device.address, kind: kind == .bme280 ? .bme280 : .bmp280, settings: settings)
      case (.ms5611, .loop):
        pressureSensors[role] = MS5611(bus: bus, address: device.address, osr: .osr1024)
      default:
        pressureSensors[role] = makePressureSensor(kind: kind, bus: bus, address: device.address)
      }
    }
  }

  private func bringUpSensors(_ options: Options) {
    createSensors(options)
    for (role, sensor) in pressureSensors.sorted(by: { $0.key < $1.key }) {
      do {
        try sensor.initialise(clock: clock)
      } catch {
        problems.append(CompositionError(role: role, .sensor(error)))
        pressureSensors[role] = nil
      }
    }
  }

  /// Puts every output at its board-declared safe value: GPIO outputs at their safe
  /// level (hatch drives inactive, which holds the hatch where it is), PWM outputs at
  /// their safe pulse or off (`hold` is off: nothing to hold across a restart), and so
  /// a PWM controller's output-enable line, a GPIO output, at its safe level. Channels
  /// no board output uses are left as bring-up put them (all off); the controllers get
  /// no ALL_LED_OFF here, which would override a safe pulse. Tries every output even when
  /// one fails, and returns the failures (empty: all safe).
  @discardableResult
  public func applySafeState() -> [CompositionError] {
    var failures: [CompositionError] = []
    for (role, spec) in board.pwmOutputs.sorted(by: { $0.key < $1.key }) {
      guard let channel = pwmChannels[role] else { continue }
      if let failure = Self.applySafe(spec.safe, to: channel) {
        failures.append(CompositionError(role: role, .pwm(failure)))
      }
    }
    for (role, line) in outputs.sorted(by: { $0.key < $1.key }) {
      guard let spec = board.lines[role] else { continue }
      do { try line.set(spec.safeLevel) } catch { failures.append(CompositionError(role: role, .gpio(error))) }
    }
    return failures
  }

  /// After a start that failed with the watchdog open: disarms it (the magic close on
  /// `/dev/watchdog`) so the failed start does not reboot the board, and returns what to
  /// tell the user (``WatchdogAbandonment``): disarmed, or, with `nowayout`, that the
  /// board will reset and within how long. Nil when no watchdog is open.
  public func abandonWatchdog() -> String? {
    guard let open = watchdog else { return nil }
    let left = open.timeLeft
    let disarmed: Bool
    do {
      try open.disarm()
      disarmed = true
    } catch  where error.kind == .closed {
      watchdog = nil
      return nil
    } catch {
      disarmed = false
    }
    watchdog = nil
    return "watchdog \(open.name): "
      + WatchdogAbandonment.message(nowayout: open.nowayout, disarmed: disarmed, within: left)
  }

  /// Gives every line back. The kill path's pull resistors then hold the actuators safe.
  public func release() {
    for line in outputs.values { line.release() }
    for line in inputs.values { line.release() }
  }

  /// Applies `safe` to a PWM channel through the one reading of a safe value
  /// (``SafeValue/pwmOutput``): a pulse, or no pulses for `off` and `hold`. A GPIO level
  /// is not a PWM safe value (validation refuses it): the channel is switched off and the
  /// value reported.
  static func applySafe(_ safe: SafeValue, to channel: any PWMChannel) -> PWMError? {
    do {
      switch safe.pwmOutput {
      case .pulse(let width):
        try channel.setPulseWidth(width)
        try channel.setEnabled(true)
      case .off:
        try channel.setPulseWidth(.zero)
        try channel.setEnabled(false)
      case nil:
        try channel.setPulseWidth(.zero)
        try channel.setEnabled(false)
        return PWMError(.unsupported, channel: channel.name, detail: "\(safe) is not a PWM safe value")
      }
      return nil
    } catch {
      return error
    }
  }
}
