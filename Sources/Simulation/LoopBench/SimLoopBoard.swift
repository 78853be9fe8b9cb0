import Controller
import Drivers
import Emulators
import HAL
import MockHAL

/// The controller's rate groups on the `sim` board, for `cloak bench loop` and the
/// simulation: two BMP280s (the drivers' BMP280 driver against the BMP280 emulator on a
/// simulated I2C bus) in the sensors group, the stale-data monitor and two PWM outputs
/// (actuators group), the leak-rate estimator (leak group) and a planner stand-in
/// (planner group), plus a base-tick member.
///
/// The sensors use x1 temperature / x2 pressure oversampling (8.7 ms conversion) so a
/// conversion started on one 100 Hz cycle is ready on the next.
public final class SimLoopBoard: @unchecked Sendable {
  public let executive: Executive
  public let bus: SimulatedI2CBus
  public let chips: [BMP280Emulator]
  /// The sensors' settings (conversion time fits one 100 Hz period).
  public static let sensorSettings = BMP280Settings(temperature: .x1, pressure: .x2, filter: .off)
  /// The PWM outputs: channels of the drivers' PCA9685 driver against the PCA9685
  /// emulator on their own simulated bus (used only by the actuators thread).
  public let ventValve: any PWMChannel
  public let droneLine: any PWMChannel
  public let pwmBus: SimulatedI2CBus
  public let pwmChip: PCA9685Emulator
  public let samplers: [SensorSampler]

  /// Builds the board and registers every member with a new executive.
  public init(
    configuration: ExecutiveConfiguration, clock: any MonotonicClock, wallClock: (any WallClock)? = nil,
    consumer: any EventConsumer, watchdog: (any Watchdog)? = nil
  ) throws(ExecutiveConfigurationError) {
    let executive = try Executive(
      configuration: configuration, clock: clock, wallClock: wallClock, consumer: consumer, watchdog: watchdog)
    self.executive = executive
    let bus = SimulatedI2CBus(name: "sim-i2c")
    bus.recordsTransactions = false
    self.bus = bus
    chips = [BMP280Emulator(kind: .bmp280, clock: clock), BMP280Emulator(kind: .bmp280, clock: clock)]
    bus.attach(chips[0], at: 0x76)
    bus.attach(chips[1], at: 0x77)
    let policy = DeviceFaultPolicy(retries: 1, staleAfterPeriods: 3, excludeAfterPeriods: 10, reinitEveryPeriods: 50)
    samplers = [0x76, 0x77].map { (address: UInt8) in
      let driver = BMP280(bus: bus, address: address, kind: .bmp280, settings: Self.sensorSettings)
      return SensorSampler(
        sensor: PressureSensorAdapter(sensor: driver, clock: clock), policy: policy, events: executive.events)
    }
    for sampler in samplers { sampler.initialise() }
    let sensorPeriod = Self.period(of: "sensors", in: configuration)
    let monitor = StaleDataMonitor(
      readings: samplers.map { $0.subscribe() }, minimumFresh: 1, staleAfter: sensorPeriod * 3,
      latch: executive.safety, events: executive.events)
    let pwmBus = SimulatedI2CBus(name: "sim-i2c-pwm")
    pwmBus.recordsTransactions = false
    self.pwmBus = pwmBus
    pwmChip = PCA9685Emulator(clock: clock)
    pwmBus.attach(pwmChip, at: 0x40)
    let pca9685 = PCA9685(bus: pwmBus, address: 0x40)
    let channels: (any PWMChannel, any PWMChannel)
    do {
      try pca9685.initialise(frequency: Frequency(hertz: 50), clock: clock)
      channels = (try pca9685.channel(0), try pca9685.channel(1))
    } catch {
      throw ExecutiveConfigurationError(field: "sim board pca9685", problem: "\(error)")
    }
    ventValve = channels.0
    droneLine = channels.1
    let ventCommand = Snapshot<Duration?>(nil)
    let lineCommand = Snapshot<Duration?>(nil)
    let estimator = LeakRateEstimator(readings: samplers.map { $0.subscribe() }, valveCommand: ventCommand)

    try executive.add(TickCounter(), to: "base")
    for sampler in samplers { try executive.add(sampler, to: "sensors") }
    try executive.add(monitor, to: "actuators")
    try executive.add(
      PWMActuator(
        channel: ventValve, safeValue: .pulse(.microseconds(1_500)), command: ventCommand, events: executive.events),
      to: "actuators")
    try executive.add(
      PWMActuator(channel: droneLine, safeValue: .off, command: lineCommand, events: executive.events),
      to: "actuators")
    try executive.add(estimator, to: "leak")
    try executive.add(PlannerStandIn(lineCommand: lineCommand), to: "planner")
  }

  private static func period(of group: String, in configuration: ExecutiveConfiguration) -> Duration {
    let base = configuration.basePeriod ?? .milliseconds(1)
    let divisor = configuration.groups.first { $0.name == group }?.divisor ?? 10
    return base * divisor
  }
}
