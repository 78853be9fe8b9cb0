import Controller
import Foundation
import HAL
import Station
import Testing

@testable import Scheduler

/// Crew activity keeps drones out of a module: the command, the authority rules, the
/// planner's keep-out, the drones' routes around it, its end and expiry, a restart.
@Suite struct CrewActivityTests {
  static let airlock = ModuleID(unchecked: "airlock")

  static func start(_ module: ModuleID, seconds: Double = Command.crewActivityDefaultS, id: UInt64 = 1)
    -> CommandRequest
  {
    CommandRequest(id: id, principal: .crewConsole, command: .crewActivityStart(module, seconds: seconds))
  }

  @Test("crew_activity_start and _end parse once: module, optional duration (default 2 h, at most 12 h)")
  func parsing() throws {
    #expect(
      try Command.parse(name: "crew_activity_start", arguments: ["module": "hab", "duration": "90m"])
        == .crewActivityStart(ModuleID(unchecked: "hab"), seconds: 5_400))
    #expect(
      try Command.parse(name: "crew_activity_start", arguments: ["module": "hab"])
        == .crewActivityStart(ModuleID(unchecked: "hab"), seconds: 7_200))
    #expect(
      try Command.parse(name: "crew_activity_end", arguments: ["module": "hab"])
        == .crewActivityEnd(ModuleID(unchecked: "hab")))
    for command in [Command.crewActivityStart(Self.airlock, seconds: 600), .crewActivityEnd(Self.airlock)] {
      #expect(try Command.parse(name: command.kind.description, arguments: command.arguments) == command)
    }
    #expect(throws: CommandParseError.self) {
      try Command.parse(name: "crew_activity_start", arguments: ["module": "hab", "duration": "13h"])
    }
    #expect(throws: CommandParseError.self) {
      try Command.parse(name: "crew_activity_start", arguments: ["module": "hab", "duration": "0s"])
    }
    #expect(throws: CommandParseError.self) { try Command.parse(name: "crew_activity_end", arguments: [:]) }
  }

  @Test("the crew start an activity at any time; only the crew end one; ground starts one under its lease")
  func authority() throws {
    let rules = AuthorityRules(station: try Stations.demo(), events: nil)
    let now = MonotonicInstant(nanoseconds: 1_000_000_000)
    func deny(_ principal: Principal, _ command: Command) -> StaticString? {
      rules.deny(CommandRequest(id: 1, principal: principal, command: command), safeMode: false, now: now)
    }
    let start = Command.crewActivityStart(Self.airlock, seconds: 600)
    let end = Command.crewActivityEnd(Self.airlock)
    #expect(deny(.crewConsole, start) == nil)
    #expect(deny(.crewConsole, end) == nil)
    #expect(deny(.autonomy, start) != nil)
    #expect(deny(.autonomy, end) != nil)
    #expect(deny(.ground, start) != nil)  // no lease
    #expect(deny(.localOperator, end) != nil)
    rules.accepted(CommandRequest(id: 2, principal: .ground, command: .leaseTake(seconds: 600)), now: now)
    #expect(deny(.ground, start) == nil)
    #expect(deny(.ground, end) != nil)
    // Ground holds control: the crew still start and end their own activity.
    #expect(deny(.crewConsole, start) == nil)
    #expect(deny(.crewPanel, end) == nil)
  }

  /// Where each drone was at each tick, and every module it was ordered to.
  final class Track {
    var visited: [ModuleID: [Double]] = [:]
    /// Each drone's modules in order (a change per step).
    var paths: [DroneID: [ModuleID]] = [:]
    func record(_ harness: FleetHarness) {
      for fake in harness.fakes {
        visited[fake.module, default: []].append(harness.now)
        if paths[fake.drone]?.last != fake.module { paths[fake.drone, default: []].append(fake.module) }
      }
    }
  }

  @Test("no drone enters or is routed through a module with crew activity; its scans wait and resume after the end")
  func keepOutAndResume() throws {
    let station = try Stations.demo()
    let harness = FleetHarness(station: station)
    let planner = harness.fleet.planner
    let m = try #require(planner.moduleIndex(Self.airlock))
    // The airlock's weld is due now, and the airlock is the short way from node1 to node3.
    let weld = try #require(planner.targetIndex(TargetID(unchecked: "weld-airlock-seam")))
    _ = harness.scanCommands.push(Self.start(Self.airlock, seconds: 4 * 3_600))
    _ = harness.scanCommands.push(
      CommandRequest(id: 2, principal: .crewConsole, command: .scanRequeue(station.targets[weld].id)))
    let track = Track()
    harness.run(4 * 3_600 - 10) { track.record(harness) }
    #expect(planner.crewActivity[m])
    #expect(track.visited[Self.airlock] == nil, "a drone was in the airlock at \(track.visited[Self.airlock] ?? [])")
    for fake in harness.fakes {
      #expect(!fake.orders.contains { $0.order == .goTo(Self.airlock) }, "\(fake.drone) sent to the airlock")
      // Scans elsewhere went on.
    }
    #expect(harness.fakes.contains { !$0.completed.isEmpty })
    // The fake drone jumps straight to whatever module it is sent to: each move being to
    // a neighbour shows the drones were ordered one module at a time along the
    // planner's path (which avoids the airlock), not to far destinations.
    let graph = StationGraph(station)
    for (drone, path) in track.paths {
      for (a, b) in zip(path, path.dropFirst()) {
        let i = try #require(planner.moduleIndex(a))
        let j = try #require(planner.moduleIndex(b))
        #expect(
          graph.hatchEnds.contains { ($0.a == i && $0.b == j) || ($0.a == j && $0.b == i) },
          "\(drone) jumped \(a) -> \(b)")
      }
      #expect(path.count > 2, "\(drone) hardly moved: \(path)")
    }
    // Drones that went from node1's side to node3's went the long way round.
    #expect(
      harness.fakes.allSatisfy { !$0.completed.contains { station.targets[weld].id == $0.target } },
      "the airlock's weld was scanned during the activity")
    #expect(planner.requeued[weld])
    // The crew end it: the weld is scanned soon after.
    _ = harness.scanCommands.push(
      CommandRequest(id: 3, principal: .crewConsole, command: .crewActivityEnd(Self.airlock)))
    let ended = harness.now + 1
    harness.run(1_800)
    #expect(!planner.crewActivity[m])
    let scanned = harness.fakes.flatMap { $0.completed.filter { $0.target == station.targets[weld].id } }
    #expect(scanned.count == 1)
    #expect((scanned.first?.at ?? .infinity) > ended)
  }

  @Test("a drone in the module when the crew start work there is sent out of it")
  func droneInsideIsRecalled() throws {
    let station = try Stations.demo()
    let harness = FleetHarness(station: station)
    let weld = TargetID(unchecked: "weld-airlock-seam")
    _ = harness.scanCommands.push(CommandRequest(id: 1, principal: .crewConsole, command: .scanRequeue(weld)))
    var inside: FakeDrone?
    var waited = 0.0
    while inside == nil && waited < 3_600 {
      harness.run(1)
      waited += 1
      inside = harness.fakes.first { $0.module == Self.airlock && $0.scanning != nil }
    }
    let drone = try #require(inside)
    let ordersBefore = drone.orders.count
    _ = harness.scanCommands.push(Self.start(Self.airlock))
    harness.run(2)
    #expect(drone.orders.dropFirst(ordersBefore).contains { $0.order == .returnToDock })
    harness.run(60)
    #expect(drone.module != Self.airlock)
    #expect(!drone.completed.contains { $0.target == weld })
  }

  @Test("an activity nobody ended runs out at its end time; starting again moves the end")
  func expiry() throws {
    let harness = FleetHarness(station: try Stations.demo())
    let fleet = harness.fleet
    let m = try #require(fleet.planner.moduleIndex(Self.airlock))
    _ = harness.scanCommands.push(Self.start(Self.airlock, seconds: 600))
    harness.run(300)
    #expect(fleet.planner.crewActivity[m])
    _ = harness.scanCommands.push(Self.start(Self.airlock, seconds: 600, id: 2))
    harness.run(500)
    #expect(fleet.planner.crewActivity[m], "the second start moved the end to 900 s")
    harness.run(110)
    #expect(!fleet.planner.crewActivity[m])
    #expect(fleet.crewActivityUntilS[m] == -.infinity)
    // Default length without a duration: 2 h.
    let sent = harness.now
    _ = harness.scanCommands.push(
      CommandRequest(
        id: 3, principal: .crewConsole,
        command: try Command.parse(name: "crew_activity_start", arguments: ["module": "airlock"])))
    harness.run(1)
    #expect(fleet.crewActivityUntilS[m] == sent + 1 + 7_200)
  }

  @Test("a crew activity survives a controller restart until its end; one that ended meanwhile does not")
  func restart() throws {
    let station = try Stations.demo()
    let store = try ScheduleStore(path: PersistenceTests.temporaryPath("crew-activity"))
    let writer = ScheduleWriter(store: store)
    let before = FleetHarness(station: station, store: writer.channel)
    before.fleet.restore(try store.load(), now: 0)
    let hab = ModuleID(unchecked: "hab")
    _ = before.scanCommands.push(Self.start(Self.airlock, seconds: 3_600))
    _ = before.scanCommands.push(Self.start(hab, seconds: 120, id: 2))
    before.run(10)
    writer.drainOnce()
    #expect(try store.snapshot().crewActivity.count == 2)
    // Restarted 5 minutes later: the hab's ended meanwhile, the airlock's goes on.
    let saved = try store.load()
    let after = FleetHarness(station: station, fakes: before.fakes, store: writer.channel, start: 310)
    after.fleet.restore(saved, now: 310)
    let planner = after.fleet.planner
    #expect(planner.crewActivity[try #require(planner.moduleIndex(Self.airlock))])
    #expect(!planner.crewActivity[try #require(planner.moduleIndex(hab))])
    #expect(after.fleet.crewActivityUntilS[try #require(planner.moduleIndex(Self.airlock))] == 3_601)
    writer.drainOnce()
    #expect(try store.snapshot().crewActivity.keys.sorted { $0.rawValue < $1.rawValue } == [Self.airlock])
    after.run(3_400)
    writer.drainOnce()
    #expect(!planner.crewActivity[try #require(planner.moduleIndex(Self.airlock))])
    #expect(try store.snapshot().crewActivity.isEmpty)
  }
}

/// A drone that faults before its mission gets under way is not sent again in a tight
/// loop: it stays on its dock for a back-off that doubles with each fault.
@Suite struct FaultBackoffTests {
  @Test("a drone blocked on leaving its dock is grounded with a back-off, not re-sent every few seconds")
  func blockedDroneBacksOff() throws {
    // The demo's due targets are all outside the drones' dock modules.
    let harness = FleetHarness(station: try Stations.demo())
    for fake in harness.fakes { fake.blockedFromDock = true }
    let drones = harness.fakes.count
    var faults = Array(repeating: 0, count: drones)
    var last = Array(repeating: DroneControlState.docked, count: drones)
    harness.run(1_800) {
      for (d, controller) in harness.fleet.controllers.enumerated() {
        if controller.state == .fault && last[d] != .fault { faults[d] += 1 }
        last[d] = controller.state
      }
    }
    // Back-off 300 s, 600 s, 1200 s: at most 3 trips each in 30 minutes (before: one
    // every ~4 s, about 450).
    #expect(faults.reduce(0, +) >= drones, "\(faults) faults")
    #expect(faults.allSatisfy { $0 <= 3 }, "\(faults) faults")
    for fake in harness.fakes {
      let arms = harness.arbiter.requests.filter { $0.command == .droneArm(fake.drone) }.count
      #expect(arms <= 3, "\(fake.drone): \(arms) arms in 30 min")
    }
    #expect(harness.fleet.controllers.allSatisfy { $0.groundedUntilS > harness.now })
    // Cleared: once the back-off ends the drones fly and scan again, and the count resets.
    for fake in harness.fakes { fake.blockedFromDock = false }
    harness.run(3_600 * 2)
    #expect(harness.fakes.allSatisfy { !$0.completed.isEmpty })
    #expect(harness.fleet.controllers.contains { $0.faultsSinceScan == 0 })
  }
}
