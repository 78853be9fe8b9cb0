import Boards
import Drivers
import Emulators
import HAL
import MockHAL

/// The `sim` backend: simulated GPIO chips, simulated I2C buses with a register-level
/// emulator at every device the board file declares, simulated sysfs PWM, and the
/// virtual clock. Deterministic: same board, same behaviour.
///
/// The devices run on the clock given (the virtual clock by default; the real clock for
/// `cloak bench loop`, which needs real time). Simulated GPIO always keeps its own
/// virtual timeline: on the real clock its edge timestamps are not real times.
public final class SimBackend: HardwareBackend {
  public let clock: any MonotonicClock
  /// The GPIO timeline (the board's clock when that is virtual).
  public let virtualClock: VirtualClock
  public let simulatedGPIO: SimulatedGPIO
  public private(set) var buses: [String: SimulatedI2CBus] = [:]
  /// The pressure-sensor emulators by device role, for the simulation to drive.
  public private(set) var pressureModels: [String: any PressureSensorModel] = [:]
  /// The PCA9685 emulators by device role (they report the pulses they generate).
  public private(set) var pwmModels: [String: PCA9685Emulator] = [:]
  public private(set) var sysfsChannels: [String: SimulatedPWMChannel] = [:]
  public let mockWatchdog: MockWatchdog

  public var gpio: any GPIOController { simulatedGPIO }

  /// Throws when an emulator cannot sit where the board file puts it (a BMP280 at 0x4c:
  /// the emulators enforce their chip's address pins, as the real chips do).
  public init(board: BoardDescription, clock: any MonotonicClock = VirtualClock()) throws(CompositionError) {
    self.clock = clock
    virtualClock = (clock as? VirtualClock) ?? VirtualClock()
    simulatedGPIO = SimulatedGPIO(clock: virtualClock)
    // On the real clock the GPIO timeline is not real time: keep no history (it would
    // only grow, and growing allocates inside the actuators group).
    if !(clock is VirtualClock) { simulatedGPIO.historyLimit = 0 }
    mockWatchdog = MockWatchdog(clock: clock)
    for (label, chip) in board.gpioChips.sorted(by: { $0.key < $1.key }) {
      let named = board.lines.values.filter { $0.id.chip == label }.map(\.id.line).sorted()
      simulatedGPIO.addChip(label: label, lines: chip.lineNames ?? named)
    }
    for (name, _) in board.i2cBuses.sorted(by: { $0.key < $1.key }) {
      let bus = SimulatedI2CBus(name: "sim:\(name)")
      bus.recordsTransactions = false
      buses[name] = bus
    }
    for (role, device) in board.i2cDevices.sorted(by: { $0.key < $1.key }) {
      guard let bus = buses[device.bus] else { continue }
      do throws(I2CError) {
        switch device.kind {
        case .bmp280, .bme280:
          let model = BMP280Emulator(kind: device.kind == .bme280 ? .bme280 : .bmp280, clock: clock)
          try bus.attach(model, at: device.address)
          pressureModels[role] = model
        case .ms5611:
          let model = MS5611Emulator(clock: clock)
          try bus.attach(model, at: device.address)
          pressureModels[role] = model
        case .pca9685:
          // The declared oscillator is the calibration of the chip's internal one; no
          // clock is wired to EXTCLK on a simulated board.
          let oscillator = Frequency(hertz: Double(device.oscillatorHz ?? Int(PCA9685Timing.nominalOscillator.hertz)))
          let model = PCA9685Emulator(clock: clock, oscillator: oscillator)
          try bus.attach(model, at: device.address)
          pwmModels[role] = model
        }
      } catch {
        throw CompositionError(role: role, .i2c(error))
      }
    }
  }

  public func i2cBus(_ spec: I2CBusSpec) throws(CompositionError) -> any I2CBus {
    guard let bus = buses[spec.name] else {
      throw CompositionError(role: spec.name, .unsupported("the sim backend has no bus '\(spec.name)'"))
    }
    // On the real clock the rate groups run on several threads: serialise each bus as
    // the Linux backend does. On the virtual clock everything runs on one thread.
    return clock is VirtualClock ? bus : SerializedI2CBus(bus)
  }

  public func sysfsPWM(deviceTreeNode: String, channel: Int, period: Duration, role: String) throws(CompositionError)
    -> any PWMChannel
  {
    let simulated = SimulatedPWMChannel(
      name: "sim:\(deviceTreeNode)/pwm\(channel)", clock: virtualClock, period: period)
    sysfsChannels[role] = simulated
    return simulated
  }

  public func watchdog(_ spec: WatchdogSpec) throws(CompositionError) -> (any Watchdog)? {
    if case .none = spec { return nil }
    return mockWatchdog
  }
}
