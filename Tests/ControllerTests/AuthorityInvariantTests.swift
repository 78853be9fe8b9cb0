import Controller
import Drivers
import HAL
import MockHAL
import Station
import Testing

/// The project's seeded generator (SplitMix64): every sequence is reproducible.
typealias SplitMix64 = SeededRandom

private final class Out: GPIOOutputLine {
  let id: GPIOLineID
  private(set) var lastValue = false
  init(_ name: String) { id = GPIOLineID(chip: "test", line: name) }
  func set(_ value: Bool) throws(GPIOError) { lastValue = value }
  func release() {}
}

private final class In: GPIOInputLine {
  let id: GPIOLineID
  var current = false
  init(_ name: String) { id = GPIOLineID(chip: "test", line: name) }
  func value() throws(GPIOError) -> Bool { current }
  func waitForEdge(timeout: Duration) throws(GPIOError) -> GPIOEdgeEvent? { nil }
  func release() {}
}

/// One generated station with its controller's command path: the real arbiter, the
/// real authority rules, real hatch and servo members over fake lines and simulated
/// PWM channels, and a tiny hatch physics (a driven hatch reaches its sensor on the next
/// cycle unless it is jammed).
private final class Rig {
  let station: StationDescription
  let graph: StationGraph
  let clock = VirtualClock()
  let recorder = EventRecorder()
  let events: EventSink
  let latch: SafetyLatch
  let rules: AuthorityRules
  let crewLocation: CrewLocation
  let arbiter: CommandArbiter
  var members: [any SafeStateActuator] = []
  var applied: [UInt64] = []
  var hatchLines: [(open: Out, close: Out, openSensor: In, closedSensor: In, jammed: Bool)] = []
  var armLines: [Out] = []
  var channels: [SimulatedPWMChannel] = []
  let power = Out("power")
  let overrideSwitch = In("override")
  var now = MonotonicInstant.zero
  var nextID: UInt64 = 1

  init(seed: UInt64, random: inout SplitMix64) {
    let moduleCount = 3 + random.below(6)
    var modules: [StationDescription.Module] = []
    for index in 0..<moduleCount {
      modules.append(
        .init(
          id: ModuleID(unchecked: "m\(index)"), volumeM3: 50, nominalTemperatureC: 22,
          positionM: [Double(index), 0, 0], sensors: [], returnVehicle: false))
    }
    modules[random.below(moduleCount)].returnVehicle = true
    var hatches: [StationDescription.Hatch] = []
    for index in 1..<moduleCount {  // a random tree, then a few extra hatches
      hatches.append(
        .init(
          id: HatchID(unchecked: "h\(hatches.count)"), between: [modules[random.below(index)].id, modules[index].id],
          role: BoardRole(unchecked: "hatch.h\(hatches.count)"), travelS: 5))
    }
    for _ in 0..<random.below(3) {
      let a = random.below(moduleCount)
      let b = (a + 1 + random.below(moduleCount - 1)) % moduleCount
      hatches.append(
        .init(
          id: HatchID(unchecked: "h\(hatches.count)"), between: [modules[a].id, modules[b].id],
          role: BoardRole(unchecked: "hatch.h\(hatches.count)"), travelS: 5))
    }
    let crew = (0..<(1 + random.below(3))).map { _ in modules[random.below(moduleCount)].id }
    let drones = (0..<(1 + random.below(3))).map { index in
      StationDescription.Drone(
        id: DroneID(unchecked: "d\(index)"), dock: modules[0].id, armRole: BoardRole(unchecked: "drone.d\(index).arm"),
        thrustRoles: [BoardRole(unchecked: "drone.d\(index).motor1")], batteryWh: 50, speedMS: 0.5,
        scanS: [.seal: 60, .weld: 60])
    }
    station = StationDescription(
      name: "generated-\(seed)", file: "<generated>", modules: modules, hatches: hatches,
      crew: .init(modules: crew, overrideRole: BoardRole(unchecked: "crew.override_switch")), batches: [:],
      targets: [], drones: drones)
    graph = StationGraph(station)
    events = EventSink(capacity: 1_024, clock: clock, wallClock: OffsetWallClock(clock: clock), consumer: recorder)
    latch = SafetyLatch(sink: events)
    rules = AuthorityRules(station: station, events: events)
    var hatchEntries: [CommandArbiter.HatchEntry] = []
    for hatch in hatches {
      let lines = (Out("\(hatch.id).open"), Out("\(hatch.id).close"), In("\(hatch.id).os"), In("\(hatch.id).cs"))
      hatchLines.append((lines.0, lines.1, lines.2, lines.3, random.chance(0.3)))
      let actuator = HatchActuator(
        name: hatch.id.rawValue, driveOpen: lines.0, driveClose: lines.1, openSensor: lines.2, closedSensor: lines.3,
        moveTimeout: .seconds(9))
      let order = Snapshot<Stamped<HatchOrder>?>(nil)
      let member = HatchMember(hatch: actuator, order: order, events: events)
      members.append(member)
      hatchEntries.append(.init(id: hatch.id, member: member, order: order))
    }
    var droneEntries: [CommandArbiter.DroneEntry] = []
    var outputs: [CommandArbiter.OutputEntry] = []
    for drone in drones {
      let arm = Out("\(drone.id).arm")
      armLines.append(arm)
      let channel = SimulatedPWMChannel(name: "\(drone.id).motor1", clock: clock)
      channels.append(channel)
      let armRequest = Snapshot<Bool?>(nil)
      let pulse = Snapshot<Duration?>(nil)
      guard let servo = try? ServoActuator(name: "\(drone.id).motor1", channel: channel, limits: .esc, powerEnable: arm)
      else { fatalError("test rig: ESC limits are valid") }
      let member = ServoMember(servo: servo, command: pulse, armCommand: armRequest, events: events)
      members.append(member)
      droneEntries.append(.init(id: drone.id, arm: armRequest, thrust: [member]))
      outputs.append(.init(role: drone.thrustRoles[0], member: member, pulse: pulse))
    }
    let powerCommand = Snapshot<Stamped<Bool>?>(nil)
    members.append(
      GPIOActuator(line: power, safeValue: .level(false), command: powerCommand, events: events, actsWhileSafe: true))
    crewLocation = CrewLocation(station: station)
    arbiter = CommandArbiter(
      hatches: hatchEntries, drones: droneEntries, outputs: outputs, powerCommand: powerCommand, statusCommand: nil,
      policy: rules, latch: latch, events: events, overrideSwitch: overrideSwitch,
      modules: station.modules.map(\.id),
      interlock: CrewInterlock(plan: IsolationPlan(station: station), crew: crewLocation))
    applied = Array(repeating: 0, count: members.count)
  }

  /// One actuator cycle at `now`, run as the executive's group runner does.
  func cycle() {
    var tick = TickContext(
      baseTick: 0, cycle: 0, deadline: now, period: .milliseconds(20), safeMode: latch.isLatched,
      safeGeneration: latch.generation)
    arbiter.run(tick)
    for (index, member) in members.enumerated() {
      tick.safeMode = latch.isLatched
      tick.safeGeneration = latch.generation
      if latch.isLatched {
        if applied[index] != latch.generation {
          if member.applySafeState() { applied[index] = latch.generation }
        } else {
          member.runWhileSafe(tick)
        }
      } else {
        member.run(tick)
      }
    }
    // Hatch physics: a driven hatch that is not jammed reaches its sensor.
    for lines in hatchLines where !lines.jammed && power.lastValue {
      if lines.open.lastValue {
        lines.openSensor.current = true
        lines.closedSensor.current = false
      } else if lines.close.lastValue {
        lines.closedSensor.current = true
        lines.openSensor.current = false
      }
    }
    _ = events.drain()
  }

  /// Whether every crew module reaches a return-vehicle module through hatches not at
  /// their closed stop.
  func crewJoined() -> Bool {
    let passable = hatchLines.map { !$0.closedSensor.current }
    return IsolationPlan(station: station).crewJoinedToReturnVehicle(
      open: passable, crew: crewLocation.indices(crewLocation.bits))
  }

  func send(_ command: Command, by principal: Principal) -> UInt64 {
    let id = nextID
    nextID += 1
    _ = arbiter.submit(CommandRequest(id: id, principal: principal, command: command))
    return id
  }

  func responses() -> [UInt64: CommandResponse] {
    var out: [UInt64: CommandResponse] = [:]
    while let response = arbiter.responses.pop() { out[response.requestID] = response }
    return out
  }

  /// Sends `command`, runs one cycle 20 ms later, and returns its response (the other
  /// responses of that cycle are dropped).
  func answer(_ command: Command, by principal: Principal) -> CommandResponse? {
    let id = send(command, by: principal)
    now = now.advanced(by: .milliseconds(20))
    cycle()
    return responses()[id]
  }

  func randomCommand(_ random: inout SplitMix64) -> Command {
    let hatch = station.hatches[random.below(station.hatches.count)].id
    let drone = station.drones[random.below(station.drones.count)].id
    let module = station.modules[random.below(station.modules.count)].id
    switch random.below(20) {
    case 0: return .enterSafeMode
    case 1: return .clearSafeMode
    case 2: return .hatchOpen(hatch)
    case 3: return .hatchClose(hatch)
    case 4: return .hatchStop(hatch)
    case 5: return .hatchClearFault(hatch)
    case 6: return .droneArm(drone)
    case 7: return .droneDisarm(drone)
    case 8: return .actuatorPulse(station.drones[0].thrustRoles[0], microseconds: 1000 + random.below(1200))
    case 9: return .stopAllDrones
    case 10: return .controlRequest
    case 11: return .controlGrab
    case 12: return .controlRelease
    case 13: return .leaseTake(seconds: Double(1 + random.below(3_600)))
    case 14: return .leaseEnd
    case 15: return .isolationApprove
    case 16: return .isolationAbort
    case 17: return .crewActivityStart(module, seconds: Double(1 + random.below(7_200)))
    case 18: return .crewActivityEnd(module)
    default: return .hatchClose(HatchID(unchecked: "no-such-hatch"))
    }
  }
}

/// The authority invariant (docs/authority.md), as a property over generated stations
/// and random multi-principal command sequences with faults (jammed hatches and their
/// timeouts, the override switch, leases expiring, floods from other principals).
@Suite("Authority: the crew can never be locked out")
struct AuthorityInvariantTests {
  static let principals: [Principal] = [.ground, .ground, .autonomy, .localOperator, .crewConsole, .crewPanel]

  @Test("whatever anyone sent, the crew can stop the drones, safe the actuators and open its way home")
  func crewNeverLockedOut() throws {
    var failures: [String] = []
    for seed in UInt64(1)...2_000 {
      var random = SplitMix64(seed: seed)
      let rig = Rig(seed: seed, random: &random)
      for _ in 0..<(5 + random.below(60)) {
        switch random.below(10) {
        case 0: rig.overrideSwitch.current.toggle()
        case 1: rig.now = rig.now.advanced(by: .seconds(Int64(1 + random.below(1_200))))
        case 2:  // a flood from one principal
          let principal = Self.principals[random.below(4)]
          for _ in 0..<100 { _ = rig.send(rig.randomCommand(&random), by: principal) }
        default:
          _ = rig.send(rig.randomCommand(&random), by: Self.principals[random.below(Self.principals.count)])
        }
        rig.now = rig.now.advanced(by: .milliseconds(20))
        rig.cycle()
        _ = rig.responses()
      }
      // The crew acts now, from wherever it is.
      let crewPrincipal: Principal = random.chance(0.5) ? .crewConsole : .crewPanel
      var asked: [UInt64] = [rig.send(.stopAllDrones, by: crewPrincipal), rig.send(.enterSafeMode, by: crewPrincipal)]
      let home = rig.station.modules.firstIndex(where: \.returnVehicle) ?? 0
      var way: Set<Int> = []
      for module in rig.station.crew.modules {
        guard let index = rig.station.modules.firstIndex(where: { $0.id == module }),
          let path = rig.graph.path(
            from: index, to: home, usable: Array(repeating: true, count: rig.station.hatches.count))
        else { continue }
        way.formUnion(path)
      }
      for hatch in way.sorted() {
        asked.append(rig.send(.hatchClearFault(rig.station.hatches[hatch].id), by: crewPrincipal))
        asked.append(rig.send(.hatchOpen(rig.station.hatches[hatch].id), by: crewPrincipal))
      }
      var answers: [UInt64: CommandResponse] = [:]
      for _ in 0..<((asked.count + 7) / 8 + 1) {
        rig.now = rig.now.advanced(by: .milliseconds(20))
        rig.cycle()
        answers.merge(rig.responses()) { $1 }
      }
      let refused = asked.filter { answers[$0]?.result != .ok }
      if !refused.isEmpty {
        failures.append("seed \(seed): refused \(refused.map { answers[$0]?.description ?? "no answer" })")
      }
      if rig.armLines.contains(where: \.lastValue) || rig.channels.contains(where: \.isEnabled) {
        failures.append("seed \(seed): a drone is still armed or under thrust")
      }
      if !rig.latch.isLatched { failures.append("seed \(seed): not in safe mode") }
      for hatch in way where !rig.hatchLines[hatch].jammed {
        if !rig.hatchLines[hatch].openSensor.current { failures.append("seed \(seed): hatch \(hatch) not open") }
      }
      for hatch in way where rig.hatchLines[hatch].jammed {
        // A jammed hatch cannot move, but the controller drives it open, with power.
        if !(rig.hatchLines[hatch].open.lastValue && rig.power.lastValue) {
          failures.append("seed \(seed): jammed hatch \(hatch) not driven open")
        }
      }
      if failures.count > 5 { break }
    }
    #expect(failures.isEmpty, "\(failures.prefix(5))")
  }

  @Test("no autonomy hatch closure cuts the crew off from the return vehicle, whatever else is sent, jams and moves")
  func autonomyNeverCutsTheCrewOff() {
    var failures: [String] = []
    var refusedByInterlock = 0
    for seed in UInt64(1)...1_000 {
      var random = SplitMix64(seed: seed)
      let rig = Rig(seed: seed, random: &random)
      for lines in rig.hatchLines { lines.openSensor.current = true }
      let modules = rig.station.modules.map(\.id)
      var seenEvents = 0
      var otherClosureCycles = 0
      for _ in 0..<(20 + random.below(80)) {
        var moved = false
        switch random.below(12) {
        case 0:  // the crew move (a location report)
          rig.crewLocation.set((0..<(1 + random.below(3))).map { _ in modules[random.below(modules.count)] })
          moved = true
        case 1: rig.now = rig.now.advanced(by: .seconds(Int64(1 + random.below(20))))
        case 2, 3:
          _ = rig.send(rig.randomCommand(&random), by: Self.principals[random.below(Self.principals.count)])
        case 4, 5:
          _ = rig.send(.hatchOpen(rig.station.hatches[random.below(rig.station.hatches.count)].id), by: .autonomy)
        default:  // bursts of autonomy closures, judged in one cycle
          for _ in 0..<(1 + random.below(3)) {
            _ = rig.send(.hatchClose(rig.station.hatches[random.below(rig.station.hatches.count)].id), by: .autonomy)
          }
        }
        let before = rig.crewJoined()
        rig.now = rig.now.advanced(by: .milliseconds(20))
        rig.cycle()
        refusedByInterlock += rig.responses().values.filter { $0.rejection == .authority }.count
        // Only closures by others (crew, ground: not interlocked) or a move may leave
        // someone without a way home; a hatch reaches its stop within a cycle of its order.
        rig.events.flush()
        let othersClosed = rig.recorder.events[seenEvents...].contains {
          $0.event.code == .commandAccepted && $0.event.command == .hatchClose && $0.event.principal != .autonomy
        }
        seenEvents = rig.recorder.events.count
        if othersClosed { otherClosureCycles = 2 } else { otherClosureCycles = max(otherClosureCycles - 1, 0) }
        if before, !moved, otherClosureCycles == 0, !rig.crewJoined() {
          failures.append("seed \(seed): crew cut off from the return vehicle after an autonomy closure")
          break
        }
      }
      if failures.count > 5 { break }
    }
    #expect(failures.isEmpty, "\(failures.prefix(5))")
    #expect(refusedByInterlock > 100, "the interlock refused only \(refusedByInterlock) commands: the test is too weak")
  }

  @Test("only the crew approves or aborts an isolation; abort is a crew safety command, even in safe mode")
  func isolationCommands() throws {
    var random = SplitMix64(seed: 5)
    let rig = Rig(seed: 5, random: &random)
    for principal in [Principal.ground, .autonomy, .localOperator] {
      #expect(rig.answer(.isolationApprove, by: principal)?.rejection == .authority)
      #expect(rig.answer(.isolationAbort, by: principal)?.rejection == .authority)
    }
    // Nothing to act on (no procedure has published anything): the crew are told so.
    #expect(rig.answer(.isolationApprove, by: .crewConsole)?.rejection == .execution)
    #expect(rig.answer(.isolationAbort, by: .crewConsole)?.rejection == .execution)
    #expect(rig.arbiter.isolationCommands.pop() == nil)
    // An isolation proposed: from here on both have something to act on.
    rig.arbiter.isolationReadiness.publish(canApprove: true, canAbort: true)
    #expect(rig.answer(.isolationApprove, by: .crewConsole)?.result == .ok)
    #expect(rig.arbiter.isolationCommands.pop()?.command == .isolationApprove)
    // Ground holds control: the crew may still abort, not approve.
    #expect(rig.answer(.leaseTake(seconds: 600), by: .ground)?.result == .ok)
    #expect(rig.answer(.isolationApprove, by: .crewPanel)?.rejection == .authority)
    #expect(rig.answer(.isolationAbort, by: .crewPanel)?.result == .ok)
    #expect(rig.answer(.enterSafeMode, by: .crewConsole)?.result == .ok)
    #expect(rig.answer(.isolationAbort, by: .crewConsole)?.result == .ok)
    #expect(rig.answer(.controlGrab, by: .crewConsole)?.result == .ok)
    #expect(rig.answer(.isolationApprove, by: .crewConsole)?.rejection == .execution)
    #expect(rig.arbiter.isolationCommands.pop()?.command == .isolationAbort)
    #expect(rig.arbiter.isolationCommands.pop()?.command == .isolationAbort)
    #expect(rig.arbiter.isolationCommands.pop() == nil)
    for command in [Command.isolationApprove, .isolationAbort] {
      #expect(try Command.parse(name: command.kind.description, arguments: command.arguments) == command)
    }
  }

  @Test("crew activity: the module must exist; the crew start it at any time (safe mode too), only the crew end it")
  func crewActivityCommands() throws {
    var random = SplitMix64(seed: 5)
    let rig = Rig(seed: 5, random: &random)
    let module = rig.station.modules[0].id
    let start = Command.crewActivityStart(module, seconds: 600)
    let end = Command.crewActivityEnd(module)
    #expect(
      rig.answer(.crewActivityStart(ModuleID(unchecked: "no-such-module"), seconds: 60), by: .crewConsole)?.rejection
        == .validation)
    for principal in [Principal.ground, .autonomy] {
      #expect(rig.answer(start, by: principal)?.rejection == .authority)
    }
    for principal in [Principal.ground, .autonomy, .localOperator] {
      #expect(rig.answer(end, by: principal)?.rejection == .authority)
    }
    #expect(rig.arbiter.scanCommands.pop() == nil)
    #expect(rig.answer(.leaseTake(seconds: 600), by: .ground)?.result == .ok)
    #expect(rig.answer(start, by: .ground)?.result == .ok)
    #expect(rig.answer(.enterSafeMode, by: .crewConsole)?.result == .ok)
    #expect(rig.answer(start, by: .crewPanel)?.result == .ok)
    #expect(rig.answer(end, by: .crewConsole)?.result == .ok)
    #expect(rig.arbiter.scanCommands.pop()?.command == start)
    #expect(rig.arbiter.scanCommands.pop()?.command == start)
    #expect(rig.arbiter.scanCommands.pop()?.command == end)
    #expect(rig.arbiter.scanCommands.pop() == nil)
  }

  @Test("ground commands only under a running lease; the override switch ends it and blocks a new one")
  func leaseAndOverride() {
    var random = SplitMix64(seed: 7)
    let rig = Rig(seed: 7, random: &random)
    let hatch = rig.station.hatches[0].id
    #expect(rig.answer(.hatchOpen(hatch), by: .ground)?.rejection == .authority)
    #expect(rig.answer(.leaseTake(seconds: 60), by: .ground)?.result == .ok)
    #expect(rig.rules.holder == .ground)
    #expect(rig.answer(.hatchStop(hatch), by: .ground)?.result == .ok)
    // The crew's non-safety commands wait for control; its safety commands do not.
    #expect(rig.answer(.clearSafeMode, by: .crewConsole)?.rejection == .authority)
    #expect(rig.answer(.stopAllDrones, by: .crewConsole)?.result == .ok)
    // The lease runs out: control returns to the crew, ground is refused.
    rig.now = rig.now.advanced(by: .seconds(61))
    rig.cycle()
    #expect(rig.rules.holder == .crew)
    #expect(rig.answer(.hatchStop(hatch), by: .ground)?.rejection == .authority)
    // A new lease, then the override switch: control to the crew within one cycle.
    #expect(rig.answer(.leaseTake(seconds: 600), by: .ground)?.result == .ok)
    rig.overrideSwitch.current = true
    rig.now = rig.now.advanced(by: .milliseconds(20))
    rig.cycle()
    #expect(rig.rules.holder == .crew)
    #expect(rig.answer(.leaseTake(seconds: 600), by: .ground)?.rejection == .authority)
    rig.overrideSwitch.current = false
    #expect(rig.answer(.leaseTake(seconds: 600), by: .ground)?.result == .ok)
    #expect(rig.answer(.controlGrab, by: .crewPanel)?.result == .ok)
    #expect(rig.rules.holder == .crew)
    rig.events.flush()
    #expect(rig.recorder.events(.crewOverride).map(\.value) == [1, 0])
    #expect(rig.recorder.events(.controlChanged).map(\.value).contains(2))
  }

  @Test("autonomy never takes control; a local operator works under the crew's")
  func autonomyAndOperator() {
    var random = SplitMix64(seed: 11)
    let rig = Rig(seed: 11, random: &random)
    for command in [Command.controlGrab, .controlRequest, .leaseTake(seconds: 10), .leaseEnd] {
      #expect(
        rig.rules.deny(CommandRequest(id: 1, principal: .autonomy, command: command), safeMode: false, now: .zero)
          != nil)
    }
    #expect(
      rig.rules.deny(
        CommandRequest(id: 1, principal: .localOperator, command: .stopAllDrones), safeMode: false, now: .zero) == nil)
    rig.rules.accepted(CommandRequest(id: 1, principal: .ground, command: .leaseTake(seconds: 60)), now: .zero)
    #expect(
      rig.rules.deny(
        CommandRequest(id: 2, principal: .localOperator, command: .stopAllDrones), safeMode: false, now: .zero) != nil)
    #expect(
      rig.rules.deny(CommandRequest(id: 3, principal: .autonomy, command: .stopAllDrones), safeMode: false, now: .zero)
        == nil)
  }
}
