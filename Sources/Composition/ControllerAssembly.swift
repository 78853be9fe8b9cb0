import Boards
import Controller
import Drivers
import HAL
import Station

/// Wires a ``RunningBoard`` and a station into the executive's rate groups:
/// - sensors group: one sampler per pressure sensor the station's modules name, its
///   events naming the sensor role and module;
/// - actuators group, in this order: the per-module stale-data monitor, the
///   ``CommandArbiter`` (the single writer of every actuator command), one
///   ``HatchMember`` per station hatch, one ``ServoMember`` per PWM output, one
///   ``GPIOActuator`` per other output (actuator power and the status light among
///   them);
///   and last the ``HatchPositionPublisher`` (the hatches' positions for other groups);
/// - leak group: the ``LeakWatch`` (the leak detector on the samplers' readings, its
///   segments from the published hatch positions), then the ``IsolationProcedure`` (the
///   guided isolation on its alarms, hatch moves through the arbiter as autonomy).
///
/// Commands reach the actuators only through ``submit(_:)``, judged by the authority
/// policy (``AuthorityRules`` unless a test gives another) and the arbiter's safe-mode
/// rules; the crew override switch (the station's `crew.override_role`) is read by the
/// arbiter every actuator cycle. the order snapshots the
/// members read are created here and handed to the arbiter alone. Used by `cloak run`,
/// `cloak sim` and `cloak bench loop`, so all run the controller's real rate groups.
public final class ControllerAssembly {
  public let board: RunningBoard
  public let station: StationDescription
  public let executive: Executive
  /// The single writer of actuator commands.
  public let arbiter: CommandArbiter
  /// Who may command what (default: ``AuthorityRules`` for the station).
  public let authority: any AuthorityPolicy
  /// Samplers by sensor role.
  public private(set) var samplers: [SensorRole: SensorSampler] = [:]
  /// The per-module stale-data monitor (modules in station order).
  public let staleDataMonitor: StaleDataMonitor
  /// Hatch members by station hatch id.
  public private(set) var hatches: [HatchID: HatchMember] = [:]
  /// PWM output members by role (drone thrust channels, servos).
  public private(set) var servos: [BoardRole: ServoMember] = [:]
  /// The live leak detector (leak group).
  public let leakWatch: LeakWatch
  /// The modules' alarm state and running loss rates (leak watch -> arbiter, state
  /// publisher) and the crew's acknowledgements (arbiter -> leak watch).
  public let alarms: ModuleAlarms
  /// The hatches' positions as the actuators group last read them (station hatch order).
  public let hatchPositions: HatchPositionPublisher
  /// Where the crew are (from the station file; a crew location report sets it again).
  public let crewLocation: CrewLocation
  /// The guided leak isolation (leak group).
  public let isolation: IsolationProcedure
  /// Each linked drone's telemetry as the arbiter last read it (drones given a link).
  public private(set) var droneTelemetry: [DroneID: Snapshot<DroneLinkReading>] = [:]

  /// The role of the relay feeding actuator power, switched by the arbiter.
  public static let powerEnableRole = "actuator.power_enable"
  /// The role of the status light, blinked by the arbiter.
  public static let statusLightRole = "status.led"

  public init(
    board: RunningBoard, station: StationDescription, configuration: ExecutiveConfiguration,
    consumer: any EventConsumer, wallClock: (any WallClock)? = nil, policy: DeviceFaultPolicy = DeviceFaultPolicy(),
    authority: ((EventSink) -> any AuthorityPolicy)? = nil, serviceWatchdog: (any Watchdog)? = nil,
    droneLinks: [DroneID: any DroneLink] = [:], isolation: IsolationConfiguration = IsolationConfiguration()
  ) throws(ExecutiveConfigurationError) {
    self.board = board
    self.station = station
    let executive = try Executive(
      configuration: configuration, clock: board.clock, wallClock: wallClock, consumer: consumer,
      watchdog: WatchdogGroup.combine(board.watchdog, serviceWatchdog))
    self.executive = executive
    let events = executive.events
    try executive.add(TickCounter(), to: "base")

    // Sensors: the station's modules, in station order.
    var watched: [StaleDataMonitor.WatchedModule] = []
    for module in station.modules {
      var readings: [Snapshot<SamplerReading>] = []
      for role in module.sensors {
        guard let sensor = board.pressureSensors[role.rawValue] else {
          throw ExecutiveConfigurationError(
            field: "station.modules.\(module.id).sensors",
            problem: "sensor '\(role)' is not a pressure sensor on board \(board.board.name)")
        }
        let sampler = SensorSampler(
          sensor: PressureSensorAdapter(sensor: sensor, clock: board.clock), policy: policy, events: events,
          subject: EventSubject(module: module.id, sensor: role))
        samplers[role] = sampler
        try executive.add(sampler, to: "sensors")
        readings.append(sampler.subscribe())
      }
      watched.append(.init(id: module.id, readings: readings))
    }
    let sensorPeriod = Self.period(of: "sensors", in: configuration)
    staleDataMonitor = StaleDataMonitor(
      modules: watched, policy: station.blindPolicy,
      staleAfter: Self.staleAfter(sensorPeriod: sensorPeriod, policy: policy), latch: executive.safety,
      events: events)

    // Actuator members (added after the monitor and the arbiter, below).
    var members: [any RateGroupMember] = []
    var hatchEntries: [CommandArbiter.HatchEntry] = []
    for hatch in station.hatches {
      guard let open = board.outputs[hatch.openRole.rawValue], let close = board.outputs[hatch.closeRole.rawValue],
        let openSensor = board.inputs[hatch.openSensorRole.rawValue],
        let closedSensor = board.inputs[hatch.closedSensorRole.rawValue]
      else {
        throw ExecutiveConfigurationError(
          field: "station.hatches.\(hatch.id)",
          problem: "board \(board.board.name) lacks one of \(hatch.role).open/close/open_sensor/closed_sensor")
      }
      let actuator = HatchActuator(
        name: hatch.role.rawValue, driveOpen: open, driveClose: close, openSensor: openSensor,
        closedSensor: closedSensor, moveTimeout: Self.moveTimeout(travelSeconds: hatch.travelS))
      let order = Snapshot<Stamped<HatchOrder>?>(nil)
      let member = HatchMember(hatch: actuator, order: order, events: events, subject: EventSubject(hatch: hatch.id))
      hatches[hatch.id] = member
      hatchEntries.append(.init(id: hatch.id, member: member, order: order))
      members.append(member)
    }
    var armRequests: [String: Snapshot<Bool?>] = [:]
    var outputEntries: [CommandArbiter.OutputEntry] = []
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
      let pulse = Snapshot<Duration?>(nil)
      let arm: Snapshot<Bool?>
      if let line = spec.arming {
        arm = armRequests[line] ?? Snapshot<Bool?>(nil)
        armRequests[line] = arm
      } else {
        arm = Snapshot<Bool?>(nil)
      }
      let outputRole = BoardRole(unchecked: role)
      let member = ServoMember(
        servo: servo, command: pulse, armCommand: arm, events: events,
        subject: EventSubject(
          drone: station.drones.first { $0.thrustRoles.contains(outputRole) }?.id, output: outputRole))
      servos[outputRole] = member
      outputEntries.append(.init(role: outputRole, member: member, pulse: pulse))
      members.append(member)
    }
    var droneEntries: [CommandArbiter.DroneEntry] = []
    let servosByRole = servos
    for drone in station.drones {
      guard let arm = armRequests[drone.armRole.rawValue] else {
        throw ExecutiveConfigurationError(
          field: "station.drones.\(drone.id).arm_role",
          problem: "no PWM output on board \(board.board.name) is armed by '\(drone.armRole)'")
      }
      let link = droneLinks[drone.id]
      let telemetry = link.map { _ in Snapshot(DroneLinkReading(telemetry: nil, failure: nil, sequence: 0)) }
      if let telemetry { droneTelemetry[drone.id] = telemetry }
      droneEntries.append(
        .init(
          id: drone.id, arm: arm, thrust: drone.thrustRoles.compactMap { servosByRole[$0] }, link: link,
          telemetry: telemetry))
    }
    // Lines owned elsewhere: hatch drives (their HatchMember), arming lines (their
    // servos, so nothing raises them behind the interlock's back), output-enable lines
    // (their PWM controller's driver: decision 0007).
    var owned = Set(station.hatches.flatMap { [$0.openRole.rawValue, $0.closeRole.rawValue] })
    owned.formUnion(board.board.pwmOutputs.values.compactMap(\.arming))
    owned.formUnion(board.board.i2cDevices.values.compactMap(\.outputEnableRole))
    var powerCommand: Snapshot<Stamped<Bool>?>?
    var statusCommand: Snapshot<Stamped<Bool>?>?
    for (role, line) in board.outputs.sorted(by: { $0.key < $1.key }) where !owned.contains(role) {
      guard let spec = board.board.lines[role], let safe = spec.safe else { continue }
      let command = Snapshot<Stamped<Bool>?>(nil)
      if role == Self.powerEnableRole { powerCommand = command }
      if role == Self.statusLightRole { statusCommand = command }
      members.append(
        GPIOActuator(
          line: line, safeValue: safe == .hold ? .level(false) : safe, command: command, events: events,
          role: BoardRole(parsing: role), actsWhileSafe: role == Self.powerEnableRole))
    }
    let authorityPolicy = authority?(events) ?? AuthorityRules(station: station, events: events)
    self.authority = authorityPolicy
    let crewLocation = CrewLocation(station: station)
    self.crewLocation = crewLocation
    let interlock = CrewInterlock(plan: IsolationPlan(station: station), crew: crewLocation)
    let alarms = ModuleAlarms(modules: station.modules.map(\.id))
    self.alarms = alarms
    let arbiter = CommandArbiter(
      hatches: hatchEntries, drones: droneEntries, outputs: outputEntries, powerCommand: powerCommand,
      statusCommand: statusCommand, policy: authorityPolicy, latch: executive.safety, events: events,
      overrideSwitch: board.inputs[station.crew.overrideRole.rawValue], targets: station.targets.map(\.id),
      modules: station.modules.map(\.id), interlock: interlock, alarms: alarms)
    self.arbiter = arbiter
    try executive.add(staleDataMonitor, to: "actuators")
    try executive.add(arbiter, to: "actuators")
    for member in members { try executive.add(member, to: "actuators") }
    hatchPositions = HatchPositionPublisher(hatches: hatchEntries.map(\.member))
    try executive.add(hatchPositions, to: "actuators")

    let samplersByRole = samplers
    do {
      leakWatch = try LeakWatch(
        modules: station.modules.map { module in
          LeakWatch.Module(
            id: module.id, volumeCubicMetres: module.volumeM3,
            sensors: module.sensors.compactMap { role in
              samplersByRole[role].map { LeakWatch.Sensor(role: role, reading: $0.subscribe()) }
            })
        }, graph: StationGraph(station), positions: hatchPositions.positions, events: events, alarms: alarms)
    } catch {
      throw ExecutiveConfigurationError(field: "leak", problem: "\(error)")
    }
    try executive.add(leakWatch, to: "leak")
    let procedure = IsolationProcedure(
      station: station, plan: interlock.plan, detector: leakWatch.detector, positions: hatchPositions.positions,
      crew: crewLocation, submit: { arbiter.submit($0) }, commands: arbiter.isolationCommands,
      readiness: arbiter.isolationReadiness,
      crewOverride: { arbiter.crewOverrideActive },
      blindModules: { [staleDataMonitor] in staleDataMonitor.blindModules },
      latch: executive.safety, events: events,
      moveTimeouts: station.hatches.map {
        let timeout = Self.moveTimeout(travelSeconds: $0.travelS).components
        return Double(timeout.seconds) + Double(timeout.attoseconds) / 1e18
      },
      configuration: isolation)
    leakWatch.onLeakEvent = { procedure.note($0) }
    self.isolation = procedure
    try executive.add(procedure, to: "leak")
    // Every channel is at its safe value now (ESCs off, servos at their safe pulse), so
    // the PWM controllers' outputs may be enabled: from here on the per-channel safe
    // values are what safe mode drives.
    for (role, chip) in board.pwmControllers.sorted(by: { $0.key < $1.key }) {
      do { try chip.setOutputsEnabled(true) } catch {
        throw ExecutiveConfigurationError(field: "i2c.devices.\(role).output_enable", problem: error.description)
      }
    }
  }

  /// Sends `request` to the arbiter (any thread). `nil`: queued, the response comes on
  /// ``CommandArbiter/responses``; otherwise the immediate `busy` response.
  public func submit(_ request: CommandRequest) -> CommandResponse? { arbiter.submit(request) }

  /// Initialises every sensor through its sampler (a failure excludes that sensor and
  /// the fault policy takes over). Sensors brought up by ``RunningBoard`` need not be.
  public func initialiseSamplers() {
    for sampler in samplers.values { sampler.initialise() }
  }

  /// A hatch's move timeout from its full travel time: 1.5 x travel + 2 s (margin for
  /// a slow motor and the sensor's debounce), at least 3 s (decision 0813).
  public static func moveTimeout(travelSeconds: Double) -> Duration {
    let seconds = travelSeconds.isFinite ? max(travelSeconds * 1.5 + 2, 3) : 3
    return .milliseconds(Int64(min(seconds, 86_400) * 1_000))
  }

  /// The drivers' servo limits from a board file's PWM output: ``PWMOutputSpec/servoLimits``,
  /// the limits board validation checked. A loaded board always has them (validation
  /// refuses `min_us` not below `max_us`); the fallback, the single pulse `min_us`, only
  /// keeps a hand-built spec from trapping.
  public static func limits(_ spec: PWMOutputSpec) -> ServoLimits {
    spec.servoLimits
      ?? ServoLimits(range: spec.minPulse...spec.minPulse, neutral: spec.minPulse, safeValue: spec.safe)
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
