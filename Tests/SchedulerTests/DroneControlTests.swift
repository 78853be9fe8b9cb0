import Controller
import HAL
import MockHAL
import Station
import Testing

@testable import Scheduler

/// The drone state machine against a fake DroneLink (the simulated drones come with
/// the simulation issue).
@Suite struct DroneControlTests {
  /// A one-drone, two-target station on the demo's first modules.
  static func small(intervalH: Double = 2) -> StationDescription {
    let station = Stations.generated(
      seed: 5, maxModules: 4, maxTargets: 4, maxDrones: 1, intervalH: intervalH...intervalH)
    return station
  }

  @Test("a mission: preflight arms, transit, scan_started, scan_done with the finding, return, disarm at the dock")
  func fullMission() throws {
    let harness = FleetHarness(station: Self.small())
    let fake = harness.fakes[0]
    fake.finding = .minor
    var states: [DroneControlState] = []
    harness.run(12_000) { states.append(harness.fleet.controllers[0].state) }
    // Only the arbiter's commands moved it, all from autonomy.
    #expect(harness.arbiter.requests.allSatisfy { $0.principal == .autonomy })
    let kinds = harness.arbiter.requests.map(\.command.kind)
    #expect(kinds.first == .droneArm)
    #expect(kinds.contains(.droneOrder))
    #expect(kinds.contains(.droneDisarm))
    #expect(!fake.completed.isEmpty)
    // Each state of the mission was visited in order.
    var order: [DroneControlState] = []
    for state in states where order.last != state { order.append(state) }
    #expect(order.first == .preflight)
    #expect(order.contains(.transit) && order.contains(.scanning) && order.contains(.returning))
    #expect(order.contains(.docked))
    let t = try #require(harness.fleet.planner.targetIndex(fake.completed[0].target))
    #expect(harness.fleet.planner.lastFinding[t] == .minor)
    #expect(harness.fleet.scansRecorded == UInt64(fake.completed.count))
    // Request ids are unique.
    #expect(Set(harness.arbiter.requests.map(\.id)).count == harness.arbiter.requests.count)
  }

  @Test("a transit that does not arrive times out into hold, holds for the configured time, then returns")
  func transitTimeoutHoldsThenReturns() {
    var control = DroneControlConfiguration()
    control.holdS = 50
    let harness = FleetHarness(station: Self.small(), control: control)
    let fake = harness.fakes[0]
    fake.hopS = 100_000  // never arrives
    var changes: [(DroneControlState, Double)] = []
    harness.run(20_000) {
      let state = harness.fleet.controllers[0].state
      if changes.last?.0 != state { changes.append((state, harness.now)) }
    }
    let holdIndex = changes.firstIndex { $0.0 == .hold } ?? changes.count
    let hold = holdIndex < changes.count ? changes[holdIndex].1 : .infinity
    let back = changes[min(holdIndex + 1, changes.count - 1)].1
    #expect(holdIndex + 1 < changes.count && changes[holdIndex + 1].0 == .returning)
    #expect(hold.isFinite)
    #expect(back - hold >= 50 && back - hold <= 52, "held \(back - hold) s")
    #expect(fake.orders.contains { $0.order == .hold })
  }

  @Test("a drone fault: hold at once, escalate to return after the hold time")
  func faultFailsafe() {
    var control = DroneControlConfiguration()
    control.holdS = 30
    let harness = FleetHarness(station: Self.small(), control: control)
    let fake = harness.fakes[0]
    fake.hopS = 100_000  // stays in transit, off the dock
    var waited = 0
    while harness.fleet.controllers[0].state != .transit && waited < 20_000 {
      harness.run(1)
      waited += 1
    }
    #expect(
      harness.fleet.controllers[0].state == .transit,
      "\(harness.arbiter.requests.map { "\($0.command)" }) \(fake.orders)")
    fake.fault = "lost propulsion"
    harness.run(2)
    #expect(harness.fleet.controllers[0].state == .fault)
    #expect(fake.orders.last?.order == .hold)
    let returnsBefore = fake.orders.filter { $0.order == .returnToDock }.count
    fake.fault = nil
    harness.run(35)
    #expect(
      fake.orders.filter { $0.order == .returnToDock }.count == returnsBefore + 1,
      "\(fake.orders.map { "\($0.at) \($0.order)" })")
  }

  @Test("a lost link holds the drone in flight; no telemetry on the dock is a fault")
  func linkLoss() {
    let harness = FleetHarness(station: Self.small())
    let fake = harness.fakes[0]
    harness.run(25)
    let flying = harness.fleet.controllers[0].state
    #expect(flying == .transit || flying == .scanning)
    fake.linkDown = true
    harness.run(8)
    #expect(harness.fleet.controllers[0].state == .hold)
  }

  @Test("scan_skip cancels the drone's mission; scan_pause stops new missions; requeue makes a target due")
  func operatorCommands() throws {
    let harness = FleetHarness(station: Self.small())
    harness.run(5)
    let planner = harness.fleet.planner
    let held = try #require(planner.claimedBy.firstIndex { $0 >= 0 })
    let id = planner.station.targets[held].id
    _ = harness.scanCommands.push(CommandRequest(id: 1, principal: .crewConsole, command: .scanSkip(id)))
    _ = harness.scanCommands.push(CommandRequest(id: 2, principal: .crewConsole, command: .scanPause))
    harness.run(1)
    #expect(planner.claimedBy[held] < 0)
    #expect(planner.skippedUntilS[held] > harness.now)
    #expect(planner.paused)
    harness.run(600)
    #expect(harness.fakes[0].completed.isEmpty)
    _ = harness.scanCommands.push(CommandRequest(id: 3, principal: .ground, command: .scanRequeue(id)))
    _ = harness.scanCommands.push(CommandRequest(id: 4, principal: .ground, command: .scanResume))
    harness.run(1)
    #expect(planner.requeued[held] || planner.claimedBy[held] >= 0)
    harness.run(1_200)
    #expect(harness.fakes[0].completed.contains { $0.target == id })
  }
}

/// The arbiter holds the drone links: `drone_order` goes over the link, telemetry comes
/// back on a snapshot, scan commands are validated and handed to the scheduler.
@Suite struct ArbiterDroneLinkTests {
  final class Sink: EventConsumer {
    var events: [(Event, EventSubject)] = []
    func consume(_ event: Event, subject: EventSubject) { events.append((event, subject)) }
  }

  @Test("drone_order over the link, telemetry published, scan commands forwarded, unknown target rejected")
  func arbiterForwards() throws {
    let clock = VirtualClock()
    let sink = Sink()
    let events = EventSink(capacity: 256, clock: clock, wallClock: OffsetWallClock(clock: clock), consumer: sink)
    let latch = SafetyLatch(sink: events)
    let d1 = DroneID(unchecked: "d1")
    let fake = FakeDrone(drone: d1, dock: ModuleID(unchecked: "node1"), batteryWh: 90)
    let telemetry = Snapshot(DroneLinkReading(telemetry: nil, failure: nil, sequence: 0))
    let target = TargetID(unchecked: "seal-a")
    let arbiter = CommandArbiter(
      hatches: [], drones: [.init(id: d1, arm: Snapshot<Bool?>(nil), thrust: [], link: fake, telemetry: telemetry)],
      outputs: [], powerCommand: nil, statusCommand: nil, policy: PermissiveLocalPolicy(), latch: latch,
      events: events, targets: [target])
    func tick(_ n: UInt64) -> TickContext {
      TickContext(
        baseTick: n, cycle: n, deadline: MonotonicInstant(nanoseconds: Int64(n) * 1_000_000_000), period: .seconds(1),
        safeMode: latch.isLatched)
    }
    #expect(
      arbiter.submit(
        CommandRequest(id: 1, principal: .autonomy, command: .droneOrder(d1, .goTo(ModuleID(unchecked: "lab"))))) == nil
    )
    #expect(arbiter.submit(CommandRequest(id: 2, principal: .crewConsole, command: .scanSkip(target))) == nil)
    #expect(
      arbiter.submit(CommandRequest(id: 3, principal: .crewConsole, command: .scanSkip(TargetID(unchecked: "nope"))))
        == nil)
    arbiter.run(tick(1))
    var responses: [CommandResponse] = []
    while let response = arbiter.responses.pop() { responses.append(response) }
    // The crew's queue is served first (2, 3), then autonomy's (1).
    #expect(responses.map(\.requestID) == [2, 3, 1])
    #expect(responses.map(\.rejection) == [nil, .validation, nil])
    #expect(fake.orders.map(\.order) == [.goTo(ModuleID(unchecked: "lab"))])
    #expect(telemetry.read().telemetry?.enRouteTo == ModuleID(unchecked: "lab"))
    #expect(arbiter.scanCommands.pop()?.command == .scanSkip(target))
    // In safe mode only hold and return_to_dock go out.
    _ = latch.trip(.crewCommand)
    _ = arbiter.submit(
      CommandRequest(id: 4, principal: .autonomy, command: .droneOrder(d1, .goTo(ModuleID(unchecked: "hab")))))
    _ = arbiter.submit(CommandRequest(id: 5, principal: .autonomy, command: .droneOrder(d1, .hold)))
    arbiter.run(tick(2))
    responses = []
    while let response = arbiter.responses.pop() { responses.append(response) }
    #expect(responses.map(\.rejection) == [.execution, nil])
    #expect(fake.orders.last?.order == .hold)
    // A link failure is an execution rejection, and the telemetry snapshot says so.
    fake.linkDown = true
    _ = arbiter.submit(CommandRequest(id: 6, principal: .autonomy, command: .droneOrder(d1, .hold)))
    arbiter.run(tick(3))
    #expect(arbiter.responses.pop()?.rejection == .execution)
    #expect(telemetry.read().failure?.drone == d1)
    events.flush()
    let accepted = sink.events.filter { $0.0.code == .commandAccepted }
    #expect(accepted.contains { $0.0.command == .scanSkip && $0.1.target == target })
  }

  @Test("every command kind parses back from its name and arguments")
  func parseRoundTrip() throws {
    let d1 = DroneID(unchecked: "d1")
    let commands: [Command] = [
      .droneOrder(d1, .goTo(ModuleID(unchecked: "lab"))),
      .droneOrder(d1, .scan(TargetID(unchecked: "t1"), seconds: 90)),
      .droneOrder(d1, .returnToDock), .droneOrder(d1, .hold), .scanPause, .scanResume,
      .scanSkip(TargetID(unchecked: "t1")), .scanRequeue(TargetID(unchecked: "t2")),
    ]
    for command in commands {
      #expect(try Command.parse(name: command.kind.description, arguments: command.arguments) == command)
    }
    #expect(throws: CommandParseError.self) {
      try Command.parse(name: "drone_order", arguments: ["drone": "d1", "order": "fly"])
    }
    #expect(throws: CommandParseError.self) { try Command.parse(name: "scan_skip", arguments: [:]) }
    #expect(
      CommandKind.allCases.map(\.description).drop { $0 != "drone_order" }.prefix(5) == [
        "drone_order", "scan_pause", "scan_resume", "scan_skip", "scan_requeue",
      ])
  }
}
