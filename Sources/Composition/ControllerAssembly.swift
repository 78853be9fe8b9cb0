import Boards
import Controller
import Drivers
import HAL

/// Wires a ``RunningBoard`` into the executive's rate groups: one sampler per pressure
/// sensor (sensors group), the stale-data monitor, one member per hatch and one
/// actuator per other output (actuators group, monitor first), the leak-rate estimator
/// (leak group) and the status blinker (planner group). Used by `cloak run` and `cloak bench loop`, so both run the
/// controller's real rate groups against the same board.
public final class ControllerAssembly {
  public let board: RunningBoard
  public let executive: Executive
  /// Samplers by sensor role.
  public private(set) var samplers: [String: SensorSampler] = [:]
  /// Commanded pulse width per PWM output role (nil: nothing commanded yet).
  public private(set) var pwmCommands: [String: Snapshot<Duration?>] = [:]
  /// Commanded level per GPIO output role (arming lines excepted: see ``armCommands``).
  public private(set) var lineCommands: [String: Snapshot<Bool?>] = [:]
  /// Arm request per arming line role (e.g. `drone.d1.arm`), shared by its outputs.
  public private(set) var armCommands: [String: Snapshot<Bool?>] = [:]
  /// Target position per hatch (`node1` for the `hatch.node1.*` roles), through
  /// ``HatchMember``; the hatch's drive lines are not in ``lineCommands``.
  public private(set) var hatchCommands: [String: Snapshot<HatchActuator.Position?>] = [:]
  public let leakEstimator: LeakRateEstimator

  public init(
    board: RunningBoard, configuration: ExecutiveConfiguration, consumer: any EventConsumer,
    wallClock: (any WallClock)? = nil, policy: DeviceFaultPolicy = DeviceFaultPolicy(),
    minimumFreshSensors: Int = 1, hatchMoveTimeout: Duration = .seconds(30),
    serviceWatchdog: (any Watchdog)? = nil
  ) throws(ExecutiveConfigurationError) {
    self.board = board
    // The service manager's watchdog (ServiceNotification) is stroked on the same
    // health path as the board's.
    let executive = try Executive(
      configuration: configuration, clock: board.clock, wallClock: wallClock, consumer: consumer,
      watchdog: WatchdogGroup.combine(board.watchdog, serviceWatchdog))
    self.executive = executive
    try executive.add(TickCounter(), to: "base")

    for (role, sensor) in board.pressureSensors.sorted(by: { $0.key < $1.key }) {
      let sampler = SensorSampler(
        sensor: PressureSensorAdapter(sensor: sensor, clock: board.clock), policy: policy, events: executive.events)
      samplers[role] = sampler
      try executive.add(sampler, to: "sensors")
    }
    let ordered = samplers.sorted { $0.key < $1.key }.map(\.value)
    let sensorPeriod = Self.period(of: "sensors", in: configuration)
    let monitor = StaleDataMonitor(
      readings: ordered.map { $0.subscribe() }, minimumFresh: min(minimumFreshSensors, ordered.count),
      staleAfter: Self.staleAfter(sensorPeriod: sensorPeriod, policy: policy), latch: executive.safety,
      events: executive.events)
    try executive.add(monitor, to: "actuators")

    for (role, channel) in board.pwmChannels.sorted(by: { $0.key < $1.key }) {
      guard let spec = board.board.pwmOutputs[role] else { continue }
      let servo: ServoActuator
      do {
        servo = try ServoActuator(
          name: role, channel: channel, limits: Self.limits(spec),
          powerEnable: spec.arming.flatMap { board.outputs[$0] })
      } catch {
        throw ExecutiveConfigurationError(field: "pwm.outputs.\(role)", problem: error.description)
      }
      let command = Snapshot<Duration?>(nil)
      let arm: Snapshot<Bool?>
      if let line = spec.arming {
        arm = armCommands[line] ?? Snapshot<Bool?>(nil)
        armCommands[line] = arm
      } else {
        arm = Snapshot<Bool?>(nil)
      }
      pwmCommands[role] = command
      try executive.add(
        ServoMember(servo: servo, command: command, armCommand: arm, events: executive.events), to: "actuators")
    }
    // Hatch drive lines belong to their HatchMember: one direction at a time, stopped
    // at the position sensor or the move timeout (decision 0715).
    var hatchLines: Set<String> = []
    for hatch in Self.hatches(in: board) {
      let command = Snapshot<HatchActuator.Position?>(nil)
      hatchCommands[hatch.name] = command
      hatchLines.formUnion(hatch.roles)
      let actuator = HatchActuator(
        name: "hatch.\(hatch.name)", driveOpen: hatch.open, driveClose: hatch.close, openSensor: hatch.openSensor,
        closedSensor: hatch.closedSensor, moveTimeout: hatchMoveTimeout)
      try executive.add(HatchMember(hatch: actuator, command: command, events: executive.events), to: "actuators")
    }
    // Arming lines belong to their servos (armed through ServoMember), not to a plain
    // GPIO actuator that could raise them behind the interlock's back.
    let armingLines = Set(board.board.pwmOutputs.values.compactMap(\.arming))
    // A PWM controller's output-enable line is its kill path: the driver owns it (see
    // below), and no GPIO actuator may drop it in safe mode, which would take away the
    // servos' safe pulses; process death still releases it to its pull resistor.
    let outputEnableLines = Set(board.board.i2cDevices.values.compactMap(\.outputEnableRole))
    for (role, line) in board.outputs.sorted(by: { $0.key < $1.key })
    where !armingLines.contains(role) && !hatchLines.contains(role) && !outputEnableLines.contains(role) {
      guard let spec = board.board.lines[role], let safe = spec.safe else { continue }
      let command = Snapshot<Bool?>(nil)
      lineCommands[role] = command
      try executive.add(
        GPIOActuator(
          line: line, safeValue: safe == .hold ? .level(false) : safe, command: command,
          events: executive.events),
        to: "actuators")
    }
    // The leak group's estimator reads every sampler; its valve command goes nowhere
    // until a board declares a vent valve role.
    leakEstimator = LeakRateEstimator(readings: ordered.map { $0.subscribe() }, valveCommand: Snapshot(nil))
    try executive.add(leakEstimator, to: "leak")
    if let led = lineCommands["status.led"] {
      try executive.add(StatusBlinker(command: led), to: "planner")
    }
    // Every channel is at its safe value now (ESCs off, servos at their safe pulse), so
    // the PWM controllers' outputs may be enabled: from here on the per-channel safe
    // values are what safe mode drives.
    for (role, chip) in board.pwmControllers.sorted(by: { $0.key < $1.key }) {
      do { try chip.setOutputsEnabled(true) } catch {
        throw ExecutiveConfigurationError(field: "i2c.devices.\(role).output_enable", problem: error.description)
      }
    }
  }

  /// Initialises every sensor through its sampler (a failure excludes that sensor and
  /// the fault policy takes over). Sensors brought up by ``RunningBoard`` need not be.
  public func initialiseSamplers() {
    for sampler in samplers.values { sampler.initialise() }
  }

  /// A hatch with both drive lines and both position sensors on the running board.
  struct HatchLines {
    var name: String
    var open: any GPIOOutputLine
    var close: any GPIOOutputLine
    var openSensor: any GPIOInputLine
    var closedSensor: any GPIOInputLine
    var roles: [String] { ["open", "close"].map { "hatch.\(name).\($0)" } }
  }

  /// Every hatch X with `hatch.X.open`, `hatch.X.close` (outputs) and
  /// `hatch.X.open_sensor`, `hatch.X.closed_sensor` (inputs), in name order.
  static func hatches(in board: RunningBoard) -> [HatchLines] {
    let names = board.outputs.keys.compactMap { role -> String? in
      guard role.hasPrefix("hatch."), role.hasSuffix(".close") else { return nil }
      return String(role.dropFirst("hatch.".count).dropLast(".close".count))
    }
    return names.sorted().compactMap { name in
      let prefix = "hatch.\(name)."
      guard let open = board.outputs[prefix + "open"], let close = board.outputs[prefix + "close"],
        let openSensor = board.inputs[prefix + "open_sensor"],
        let closedSensor = board.inputs[prefix + "closed_sensor"]
      else { return nil }
      return HatchLines(name: name, open: open, close: close, openSensor: openSensor, closedSensor: closedSensor)
    }
  }

  /// The drivers' servo limits from a board file's PWM output.
  public static func limits(_ spec: PWMOutputSpec) -> ServoLimits {
    ServoLimits(
      range: spec.minPulse...spec.maxPulse, neutral: spec.neutralPulse, maxSlewPerSecond: nil,
      requiresArming: spec.arming != nil || spec.kind == .esc, safeValue: spec.safe)
  }

  /// How long a sensor may go without a fresh reading: `staleAfterPeriods + 1` sensor
  /// periods. The policy's fields are public and settable past its clamping init, so
  /// they are clamped again here: a huge value saturates instead of trapping.
  static func staleAfter(sensorPeriod: Duration, policy: DeviceFaultPolicy) -> Duration {
    let periods = min(max(policy.staleAfterPeriods, 1), DeviceFaultPolicy.maximumPeriods)
    return sensorPeriod * (periods + 1)
  }

  static func period(of group: String, in configuration: ExecutiveConfiguration) -> Duration {
    let base = configuration.basePeriod ?? .milliseconds(1)
    let divisor = configuration.groups.first { $0.name == group }?.divisor ?? 10
    return base * divisor
  }
}

/// The planner group's visible heartbeat: toggles the status LED each planner cycle.
public final class StatusBlinker: RateGroupMember, @unchecked Sendable {
  public let name = "status-blinker"
  private let command: Snapshot<Bool?>
  private var lit = false

  public init(command: Snapshot<Bool?>) { self.command = command }

  public func run(_ tick: TickContext) {
    lit.toggle()
    command.publish(lit)
  }
}
