import Boards
import Controller
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

@Suite struct SchedulerWiringTests {
  @Test("the scheduler in the planner group flies a drone through the arbiter: commands from autonomy, scan events")
  func plannerGroupDrivesADrone() throws {
    var station = TestStation.make()
    station.batches = [BatchID(unchecked: "b"): .init(supplier: "s", flags: [])]
    station.targets = [
      .init(
        id: TargetID(unchecked: "seal-1"), kind: .seal, module: TestStation.node2, hatch: TestStation.hatch1,
        intervalH: 100, batch: BatchID(unchecked: "b"), lastInspectedHAgo: 90, lastFinding: .none)
    ]
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
