import Boards
import Controller
import Foundation
import HAL
import Scheduler
import Station
import Testing

@testable import Composition

/// A drone link that does each order at once (the simulated drones of the simulation
/// issue fly for real): enough to show the wiring end to end.
private final class InstantDrone: DroneLink {
  let drone: DroneID
  var telemetryNow: DroneTelemetry
  var orders: [DroneOrder] = []
  init(drone: DroneID, dock: ModuleID) {
    self.drone = drone
    telemetryNow = DroneTelemetry(module: dock, batteryWh: 90, docked: true)
  }
  func send(_ order: DroneOrder) throws(DroneLinkError) {
    orders.append(order)
    switch order {
    case .goTo(let module):
      telemetryNow.module = module
      telemetryNow.docked = false
    case .scan(let target, _):
      telemetryNow.scanCount += 1
      telemetryNow.lastScan = ScanReport(target: target, finding: .none, note: "instant")
    case .returnToDock: telemetryNow.docked = true
    case .hold: break
    }
  }
  func telemetry() throws(DroneLinkError) -> DroneTelemetry { telemetryNow }
}

/// The test station with one seal in node2, due soon (90 h of a 100 h interval ago).
private func oneSealStation() -> StationDescription {
  var station = TestStation.make()
  station.batches = [BatchID(unchecked: "b"): .init(supplier: "s", flags: [])]
  station.targets = [
    .init(
      id: TargetID(unchecked: "seal-1"), kind: .seal, module: TestStation.node2, hatch: TestStation.hatch1,
      intervalH: 100, batch: BatchID(unchecked: "b"), lastInspectedHAgo: 90, lastFinding: .none)
  ]
  return station
}

@Suite struct SchedulerWiringTests {
  @Test("the scheduler in the planner group flies a drone through the arbiter: commands from autonomy, scan events")
  func plannerGroupDrivesADrone() throws {
    let station = oneSealStation()
    let board = try BoardLoader.load(path: SimBoardBringUpTests.boardsDirectory + "/sim.yaml")
    let backend = try SimBackend(board: board)
    let running = try RunningBoard(board: board, backend: backend, options: .init(sensorProfile: .loop))
    let recorder = EventRecorder()
    let drone = InstantDrone(drone: TestStation.d1, dock: TestStation.node1)
    let assembly = try ControllerAssembly(
      board: running, station: station, configuration: .standard(), consumer: recorder,
      droneLinks: [TestStation.d1: drone])
    let fleet = try assembly.addInspectionScheduler()
    let clock = backend.virtualClock
    assembly.executive.run(until: clock.now().advanced(by: .seconds(20)))
    assembly.executive.events.flush()
    #expect(drone.orders.contains(.goTo(TestStation.node2)))
    #expect(drone.orders.contains { if case .scan = $0 { true } else { false } })
    #expect(fleet.scansRecorded == 1)
    let commands = recorder.records(.commandAccepted).filter { $0.event.principal == .autonomy }
    #expect(commands.contains { $0.event.command == .droneArm })
    #expect(commands.contains { $0.event.command == .droneOrder })
    #expect(recorder.records(.scanStarted).first?.subject.target == TargetID(unchecked: "seal-1"))
    #expect(recorder.records(.scanDone).first?.event.value == 0)
    #expect(!recorder.records(.droneState).isEmpty)
  }
}

/// A crew `stop_all_drones` is persisted with the schedule: after a restart the drones
/// stay stopped, by the crew, until the crew's `scan_resume`.
@Suite struct DroneStopRestartTests {
  /// One controller run on the database at `path`: a fresh board, the scheduler restored
  /// from the database, `commands` submitted first, then `seconds` on the virtual clock.
  private static func run(
    path: String, commands: [CommandRequest], seconds: Int64, rulesCheck: ((AuthorityRules) -> Void)? = nil
  ) throws -> (orders: [DroneOrder], saved: PersistedSchedule) {
    let board = try BoardLoader.load(path: SimBoardBringUpTests.boardsDirectory + "/sim.yaml")
    let backend = try SimBackend(board: board)
    let running = try RunningBoard(board: board, backend: backend, options: .init(sensorProfile: .loop))
    let drone = InstantDrone(drone: TestStation.d1, dock: TestStation.node1)
    let assembly = try ControllerAssembly(
      board: running, station: oneSealStation(), configuration: .standard(), consumer: EventRecorder(),
      droneLinks: [TestStation.d1: drone])
    let store = try ScheduleStore(path: path)
    let writer = ScheduleWriter(store: store)
    _ = try assembly.addInspectionScheduler(writer: writer, saved: try store.load())
    if let rules = assembly.authority as? AuthorityRules { rulesCheck?(rules) }
    for command in commands { _ = assembly.arbiter.submit(command) }
    let clock = backend.virtualClock
    assembly.executive.run(until: clock.now().advanced(by: .seconds(seconds)))
    assembly.executive.events.flush()
    _ = writer.drainOnce()
    return (drone.orders, try store.snapshot())
  }

  @Test("a crew stop survives a restart: no flight, ground cannot resume, the crew's scan_resume ends it")
  func crewStopSurvivesARestart() throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
      "cloak-drone-stop-\(UInt64.random(in: 0...UInt64.max))")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    let path = directory.appendingPathComponent("schedule.sqlite").path

    // Run 1: the crew stops the drones before anything flies; ground stops them too.
    let first = try Self.run(
      path: path,
      commands: [
        CommandRequest(id: 1, principal: .crewConsole, command: .stopAllDrones),
        CommandRequest(id: 2, principal: .ground, command: .stopAllDrones),
      ], seconds: 20)
    #expect(!first.orders.contains(.goTo(TestStation.node2)))
    #expect(first.saved.dronesStoppedBy == .crewConsole, "a ground stop does not replace the crew's")
    #expect(first.saved.paused)

    // Run 2 (restart): still stopped by the crew; ground under a lease may not resume;
    // autonomy does not fly the due seal.
    var groundResume: StaticString?
    let second = try Self.run(path: path, commands: [], seconds: 20) { rules in
      #expect(rules.dronesStoppedBy == .crewConsole)
      let now = MonotonicInstant(nanoseconds: 1)
      rules.accepted(CommandRequest(id: 3, principal: .ground, command: .leaseTake(seconds: 600)), now: now)
      groundResume = rules.deny(
        CommandRequest(id: 4, principal: .ground, command: .scanResume), safeMode: false, now: now)
      rules.accepted(CommandRequest(id: 5, principal: .ground, command: .leaseEnd), now: now)
    }
    #expect(groundResume != nil, "ground resumed a crew stop")
    #expect(second.orders.isEmpty, "a drone flew after the restart: \(second.orders)")
    #expect(second.saved.dronesStoppedBy == .crewConsole)

    // Run 3 (restart): the crew resumes; the drone flies; the stop is gone from the database.
    let third = try Self.run(
      path: path, commands: [CommandRequest(id: 6, principal: .crewConsole, command: .scanResume)], seconds: 20)
    #expect(third.orders.contains(.goTo(TestStation.node2)))
    #expect(third.saved.dronesStoppedBy == nil)
    #expect(!third.saved.paused)
  }
}
