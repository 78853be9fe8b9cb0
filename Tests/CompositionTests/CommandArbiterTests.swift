import Boards
import Controller
import Emulators
import HAL
import MockHAL
import Station
import Testing

@testable import Composition

/// A policy that refuses everything from ground (tests the authority seam).
private final class NoGround: AuthorityPolicy {
  func deny(_ request: CommandRequest, safeMode: Bool, now: MonotonicInstant) -> StaticString? {
    request.principal == .ground ? "ground may not command here" : nil
  }
}

/// Commands end to end through the one path: queue, policy, arbiter, actuator, response
/// and event (issue 8).
@Suite struct CommandArbiterTests {
  func assemble(authority: any AuthorityPolicy = PermissiveLocalPolicy()) throws -> (
    ControllerAssembly, SimBackend, EventRecorder
  ) {
    let board = try BoardLoader.load(path: SimBoardBringUpTests.boardsDirectory + "/sim.yaml")
    let backend = try SimBackend(board: board)
    let running = try RunningBoard(board: board, backend: backend, options: .init(sensorProfile: .loop))
    let recorder = EventRecorder()
    let assembly = try ControllerAssembly(
      board: running, station: TestStation.make(), configuration: .standard(), consumer: recorder,
      authority: { _ in authority })
    return (assembly, backend, recorder)
  }

  func responses(_ assembly: ControllerAssembly) -> [CommandResponse] {
    var out: [CommandResponse] = []
    while let response = assembly.arbiter.responses.pop() { out.append(response) }
    return out
  }

  func level(_ backend: SimBackend, _ assembly: ControllerAssembly, _ role: String) -> Bool? {
    guard let id = assembly.board.board.lines[role]?.id else { return nil }
    return backend.simulatedGPIO.level(of: id)?.logical
  }

  @Test("a hatch command travels queue, policy, arbiter, actuator, response and audited event")
  func endToEnd() throws {
    let (assembly, backend, recorder) = try assemble()
    let clock = backend.virtualClock
    assembly.executive.run(until: clock.now().advanced(by: .milliseconds(100)))
    #expect(level(backend, assembly, "actuator.power_enable") == false)
    assembly.send(.hatchOpen(TestStation.hatch1), by: .crewConsole, id: 41)
    // Nothing moves before the arbiter's next actuator cycle.
    #expect(level(backend, assembly, "hatch.node1.open") == false)
    assembly.executive.run(until: clock.now().advanced(by: .milliseconds(40)))
    #expect(responses(assembly) == [CommandResponse(requestID: 41, result: .ok)])
    #expect(level(backend, assembly, "hatch.node1.open") == true)
    #expect(level(backend, assembly, "hatch.node1.close") == false)
    #expect(level(backend, assembly, "actuator.power_enable") == true)
    assembly.executive.events.flush()
    let accepted = try #require(recorder.records(.commandAccepted).first)
    #expect(accepted.subject.hatch == TestStation.hatch1)
    #expect(accepted.event.principal == .crewConsole)
    #expect(accepted.event.requestID == 41)
    #expect(accepted.event.command == .hatchOpen)
    // The open sensor reports: the drive stops, power goes off, hatch_moved is recorded.
    let openSensor = try #require(assembly.board.board.lines["hatch.node1.open_sensor"]).id
    try backend.simulatedGPIO.drive(openSensor, physicalLevel: false)
    assembly.executive.run(until: clock.now().advanced(by: .milliseconds(100)))
    #expect(level(backend, assembly, "hatch.node1.open") == false)
    #expect(level(backend, assembly, "actuator.power_enable") == false)
    assembly.executive.events.flush()
    #expect(recorder.records(.hatchMoved).map(\.event.value) == [1])
    #expect(recorder.events(.actuatorPower).map(\.value) == [1, 0])
  }

  @Test(
    "the arbiter refuses an autonomy closure that would cut the crew off; closures in one cycle are judged together")
  func crewInterlock() throws {
    let (assembly, backend, recorder) = try assemble()
    let clock = backend.virtualClock
    for role in ["hatch.node1.open_sensor", "hatch.node2.open_sensor"] {
      try backend.simulatedGPIO.drive(try #require(assembly.board.board.lines[role]).id, physicalLevel: false)
    }
    assembly.executive.run(until: clock.now().advanced(by: .milliseconds(100)))
    // The crew in node2: its way home to node1 (the return vehicle) is either hatch.
    assembly.crewLocation.set([TestStation.node2])
    assembly.send(.hatchClose(TestStation.hatch1), by: .autonomy, id: 1)
    assembly.send(.hatchClose(TestStation.hatch2), by: .autonomy, id: 2)
    assembly.executive.run(until: clock.now().advanced(by: .milliseconds(40)))
    #expect(responses(assembly).map(\.rejection) == [nil, .authority])
    #expect(level(backend, assembly, "hatch.node1.close") == true)
    #expect(level(backend, assembly, "hatch.node2.close") == false)
    // The crew may close its own module's hatch; the interlock guards autonomy only.
    assembly.send(.hatchClose(TestStation.hatch2), by: .crewConsole, id: 3)
    assembly.executive.run(until: clock.now().advanced(by: .milliseconds(40)))
    #expect(responses(assembly).map(\.rejection) == [nil])
    // Back in the return vehicle, nobody is behind either hatch.
    assembly.crewLocation.set([TestStation.node1])
    assembly.send(.hatchOpen(TestStation.hatch2), by: .crewConsole, id: 4)
    assembly.executive.run(until: clock.now().advanced(by: .milliseconds(40)))
    assembly.send(.hatchClose(TestStation.hatch2), by: .autonomy, id: 5)
    assembly.executive.run(until: clock.now().advanced(by: .milliseconds(40)))
    #expect(responses(assembly).map(\.rejection) == [nil, nil])
    assembly.executive.events.flush()
    let refused = recorder.records(.commandRejected)
    #expect(refused.count == 1)
    #expect(refused.first?.subject.hatch == TestStation.hatch2)
    #expect(refused.first?.event.principal == .autonomy)
  }

  @Test("each rejection has its code and leaves the actuators alone")
  func rejections() throws {
    let (assembly, backend, recorder) = try assemble(authority: NoGround())
    let clock = backend.virtualClock
    let pca = try #require(backend.pwmModels["pwm.main"])
    assembly.send(.hatchOpen(HatchID(unchecked: "nowhere")), id: 1)
    assembly.send(.actuatorPulse(TestStation.role("drone.d1.motor1"), microseconds: 2500), id: 2)
    assembly.send(.actuatorPulse(TestStation.role("drone.d9.motor1"), microseconds: 1500), id: 3)
    assembly.send(.droneArm(DroneID(unchecked: "d9")), id: 4)
    assembly.send(.droneArm(TestStation.d1), by: .ground, id: 5)
    assembly.executive.run(until: clock.now().advanced(by: .milliseconds(100)))
    let all = responses(assembly)
    let codes = all.map { ($0.requestID, $0.rejection) }
    #expect(codes.map(\.0) == [1, 2, 3, 4, 5])
    #expect(codes.map(\.1) == [.validation, .validation, .validation, .validation, .authority])
    // An id the station has not got is said as such (a link names the value by it).
    #expect(all.map(\.unknownID) == [.hatch, nil, .pwmOutput, .drone, nil])
    #expect(level(backend, assembly, "hatch.node1.open") == false)
    #expect(level(backend, assembly, "drone.d1.arm") == false)
    #expect(pca.pulseWidth(channel: 0) == .zero)
    assembly.executive.events.flush()
    #expect(
      recorder.events(.commandRejected).map(\.rejection) == [
        .validation, .validation, .validation, .validation, .authority,
      ])
    #expect(recorder.events(.commandAccepted).isEmpty)
  }

  @Test("latched safe mode: drones and autonomy refused, the crew still moves a hatch with power")
  func crewHatchInSafeMode() throws {
    let (assembly, backend, recorder) = try assemble()
    let clock = backend.virtualClock
    assembly.send(.enterSafeMode, id: 1)
    assembly.executive.run(until: clock.now().advanced(by: .milliseconds(100)))
    #expect(assembly.executive.safety.isLatched)
    _ = responses(assembly)
    assembly.send(.droneArm(TestStation.d1), id: 2)
    assembly.send(.hatchClose(TestStation.hatch1), by: .autonomy, id: 3)
    assembly.send(.hatchClose(TestStation.hatch1), by: .crewPanel, id: 4)
    assembly.executive.run(until: clock.now().advanced(by: .milliseconds(100)))
    // The crew's queue is served first: 2 and 4 (crew), then 3 (autonomy).
    let answers = responses(assembly)
    #expect(answers.map(\.requestID) == [2, 4, 3])
    #expect(answers.map(\.rejection) == [.execution, nil, .execution])
    #expect(level(backend, assembly, "drone.d1.arm") == false)
    #expect(level(backend, assembly, "hatch.node1.close") == true)
    #expect(level(backend, assembly, "actuator.power_enable") == true)
    #expect(assembly.executive.safety.isLatched)
    // A hatch fault in safe mode: the crew clears it and moves the hatch again.
    assembly.executive.run(until: clock.now().advanced(by: .seconds(15)))
    #expect(assembly.hatches[TestStation.hatch1]?.hatch.fault != nil)
    #expect(level(backend, assembly, "actuator.power_enable") == false)
    assembly.send(.hatchOpen(TestStation.hatch1), by: .crewConsole, id: 5)
    assembly.send(.hatchClearFault(TestStation.hatch1), by: .crewConsole, id: 6)
    assembly.send(.hatchOpen(TestStation.hatch1), by: .crewConsole, id: 7)
    assembly.executive.run(until: clock.now().advanced(by: .milliseconds(100)))
    #expect(responses(assembly).map(\.rejection) == [.execution, nil, nil])
    #expect(level(backend, assembly, "hatch.node1.open") == true)
    assembly.executive.events.flush()
    #expect(recorder.events(.hatchFault).count == 1)
  }

  @Test("a full command queue answers busy at once and counts it")
  func busy() throws {
    let (assembly, _, recorder) = try assemble()
    var immediate: [CommandResponse] = []
    for id in 0..<200 {
      if let response = assembly.submit(
        CommandRequest(id: UInt64(id), principal: .localOperator, command: .hatchStop(TestStation.hatch1)))
      {
        immediate.append(response)
      }
    }
    #expect(!immediate.isEmpty)
    #expect(immediate.allSatisfy { $0.rejection == .busy })
    #expect(assembly.arbiter.busyRefusals == UInt64(immediate.count))
    assembly.executive.events.flush()
    #expect(recorder.events(.commandRejected).filter { $0.rejection == .busy }.count == immediate.count)
  }

  @Test("commands parse from their name and arguments, the one parser; errors name the argument")
  func parsing() throws {
    #expect(
      try Command.parse(name: "hatch_open", arguments: ["hatch": "n1-n2"]) == .hatchOpen(HatchID(unchecked: "n1-n2")))
    #expect(
      try Command.parse(name: "actuator_pulse", arguments: ["output": "drone.d1.motor1", "pulse_us": "1500"])
        == .actuatorPulse(TestStation.role("drone.d1.motor1"), microseconds: 1500))
    for command in [Command.clearSafeMode, .droneArm(TestStation.d1), .hatchClearFault(TestStation.hatch2)] {
      #expect(try Command.parse(name: command.kind.description, arguments: command.arguments) == command)
    }
    #expect(throws: CommandParseError.self) { try Command.parse(name: "open_everything", arguments: [:]) }
    #expect(throws: CommandParseError("hatch_open needs 'hatch'")) {
      try Command.parse(name: "hatch_open", arguments: [:])
    }
    #expect(throws: CommandParseError.self) { try Command.parse(name: "drone_arm", arguments: ["drone": "D1!"]) }
  }
}
