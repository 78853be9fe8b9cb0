import Boards
import Controller
import Foundation
import Station

@testable import Scheduler

/// The project's one seeded generator (SplitMix64), so every generated station is
/// reproducible from its seed (decision 1302).
typealias SeededGenerator = SeededRandom

enum Stations {
  /// The shipped demo station.
  static func demo() throws -> StationDescription {
    try StationLoader.load(path: repositoryRoot + "/stations/demo.yaml")
  }

  static var repositoryRoot: String {
    URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent().path
  }

  static func role(_ text: String) -> BoardRole { BoardRole(unchecked: text) }

  /// A random connected station: 3...`maxModules` modules on a random tree plus a few
  /// extra hatches, positions 5-12 m apart, seals on hatches and welds on shells with
  /// intervals of 2-48 h, some batches flagged, 1...`maxDrones` drones.
  static func generated(
    seed: UInt64, maxModules: Int = 10, maxTargets: Int = 60, maxDrones: Int = 4,
    intervalH: ClosedRange<Double> = 2...48
  ) -> StationDescription {
    var rng = SeededGenerator(seed: seed)
    let moduleCount = Int.random(in: 3...maxModules, using: &rng)
    var positions: [[Double]] = [[0, 0, 0]]
    var hatches: [StationDescription.Hatch] = []
    func mid(_ i: Int) -> ModuleID { ModuleID(unchecked: "m\(i)") }
    for i in 1..<moduleCount {
      let parent = Int.random(in: 0..<i, using: &rng)
      let p = positions[parent]
      positions.append([
        p[0] + Double.random(in: -12...12, using: &rng), p[1] + Double.random(in: -12...12, using: &rng), 0,
      ])
      hatches.append(
        .init(
          id: HatchID(unchecked: "h\(hatches.count)"), between: [mid(parent), mid(i)],
          role: role("hatch.h\(hatches.count)"), travelS: 8))
    }
    for _ in 0..<Int.random(in: 0...2, using: &rng) where moduleCount > 3 {
      let a = Int.random(in: 0..<moduleCount, using: &rng)
      var b = Int.random(in: 0..<moduleCount, using: &rng)
      if a == b { b = (a + 1) % moduleCount }
      hatches.append(
        .init(
          id: HatchID(unchecked: "h\(hatches.count)"), between: [mid(a), mid(b)], role: role("hatch.h\(hatches.count)"),
          travelS: 8))
    }
    let modules = (0..<moduleCount).map { i in
      StationDescription.Module(
        id: mid(i), volumeM3: 50, nominalTemperatureC: 22, positionM: positions[i],
        sensors: [role("pressure.m\(i).a"), role("pressure.m\(i).b")], returnVehicle: i == 0)
    }
    let batches: [BatchID: StationDescription.Batch] = [
      BatchID(unchecked: "plain"): .init(supplier: "a", flags: []),
      BatchID(unchecked: "nobid"): .init(supplier: "b", flags: ["no-bid"]),
      BatchID(unchecked: "falsified"): .init(supplier: "c", flags: ["no-bid", "falsified-records"]),
    ]
    let batchIDs = batches.keys.sorted()
    var targets: [StationDescription.Target] = []
    for i in 0..<Int.random(in: 3...maxTargets, using: &rng) {
      let seal = Bool.random(using: &rng) && !hatches.isEmpty
      let hatch = seal ? hatches[Int.random(in: 0..<hatches.count, using: &rng)] : nil
      let module =
        hatch?.between[Int.random(in: 0...1, using: &rng)] ?? mid(Int.random(in: 0..<moduleCount, using: &rng))
      let interval = Double.random(in: intervalH, using: &rng).rounded()
      targets.append(
        .init(
          id: TargetID(unchecked: "t\(i)"), kind: seal ? .seal : .weld, module: module, hatch: hatch?.id,
          intervalH: interval, batch: batchIDs[Int.random(in: 0..<batchIDs.count, using: &rng)],
          lastInspectedHAgo: Double.random(in: 0...(interval * 1.2), using: &rng).rounded(),
          lastFinding: StationDescription.Finding.allCases[Int.random(in: 0...2, using: &rng)]))
    }
    let drones = (0..<Int.random(in: 1...maxDrones, using: &rng)).map { d in
      StationDescription.Drone(
        id: DroneID(unchecked: "d\(d)"), dock: mid(Int.random(in: 0..<moduleCount, using: &rng)),
        armRole: role("drone.d\(d).arm"), thrustRoles: [role("drone.d\(d).motor1")],
        batteryWh: Double.random(in: 20...120, using: &rng).rounded(),
        speedMS: Double.random(in: 0.2...0.6, using: &rng),
        scanS: [.seal: 90, .weld: 240])
    }
    return StationDescription(
      name: "gen-\(seed)", file: "<generated \(seed)>", modules: modules, hatches: hatches,
      crew: .init(modules: [mid(0)], overrideRole: role("crew.override_switch")), batches: batches, targets: targets,
      drones: drones)
  }
}

/// A drone in tests: flies between modules in `hopS` per hatch (when armed), scans in
/// the time it is told, drains and recharges its battery, reports scans. Time is
/// driven by the test (``advance(to:)``).
final class FakeDrone: DroneLink {
  let drone: DroneID
  let dock: ModuleID
  var module: ModuleID
  var destination: ModuleID?
  var arriveAt = 0.0
  var armed = false
  var docked = true
  var batteryWh: Double
  let capacityWh: Double
  var scanning: TargetID?
  var scanEnd = 0.0
  var scanCount: UInt64 = 0
  var lastScan: ScanReport?
  var fault: String?
  var linkDown = false
  /// A path the planner thinks open is shut for the drone (the simulation's `blocked`):
  /// a `go_to` from the dock reports a fault and stays docked; any next order clears it.
  var blockedFromDock = false
  var now = 0.0
  var hopS = 20.0
  var finding: StationDescription.Finding = .none
  /// Every order received, with the time.
  var orders: [(at: Double, order: DroneOrder)] = []
  /// Every finished scan: target and end time (ground truth).
  var completed: [(target: TargetID, at: Double)] = []

  init(drone: DroneID, dock: ModuleID, batteryWh: Double) {
    self.drone = drone
    self.dock = dock
    module = dock
    self.batteryWh = batteryWh
    capacityWh = batteryWh
  }

  func send(_ order: DroneOrder) throws(DroneLinkError) {
    if linkDown { throw DroneLinkError(drone: drone, problem: "no answer") }
    orders.append((now, order))
    if blockedFromDock { fault = nil }
    switch order {
    case .goTo(let target):
      scanning = nil
      guard target != module else { return }
      if blockedFromDock && docked {
        fault = "blocked"
        return
      }
      destination = target
      arriveAt = now + hopS
      docked = false
    case .scan(let target, let seconds):
      guard destination == nil, armed else { return }
      scanning = target
      scanEnd = now + seconds
    case .returnToDock:
      scanning = nil
      if module == dock && destination == nil {
        docked = true
        return
      }
      destination = dock
      arriveAt = now + hopS
    case .hold:
      destination = nil
      scanning = nil
    }
  }

  func telemetry() throws(DroneLinkError) -> DroneTelemetry {
    if linkDown { throw DroneLinkError(drone: drone, problem: "no answer") }
    return DroneTelemetry(
      module: module, enRouteTo: destination, batteryWh: batteryWh, docked: docked, scanning: scanning,
      lastScan: lastScan, scanCount: scanCount, fault: fault)
  }

  func advance(to time: Double) {
    let dt = time - now
    now = time
    if armed && !docked { batteryWh = max(batteryWh - dt * 15 / 3_600, 0) }
    if docked { batteryWh = min(batteryWh + dt * 60 / 3_600, capacityWh) }
    guard armed, fault == nil else { return }
    if let destination, now >= arriveAt {
      module = destination
      self.destination = nil
      if destination == dock, orders.last.map({ if case .returnToDock = $0.order { true } else { false } }) == true {
        docked = true
      }
    }
    if let target = scanning, now >= scanEnd {
      scanning = nil
      scanCount += 1
      lastScan = ScanReport(target: target, finding: finding, note: "ok")
      completed.append((target, now))
    }
  }
}

/// The arbiter's part for drone commands in planner-level tests: arm and disarm set the
/// fake's arming line, orders go over its link; every request is kept.
final class FakeArbiter {
  var drones: [DroneID: FakeDrone]
  var requests: [CommandRequest] = []
  var rejectAll = false
  init(drones: [FakeDrone]) { self.drones = Dictionary(uniqueKeysWithValues: drones.map { ($0.drone, $0) }) }

  func submit(_ request: CommandRequest) -> CommandResponse? {
    requests.append(request)
    if rejectAll { return CommandResponse(requestID: request.id, result: .rejected(.busy, reason: "test")) }
    switch request.command {
    case .droneArm(let id): drones[id]?.armed = true
    case .droneDisarm(let id): drones[id]?.armed = false
    case .droneOrder(let id, let order): try? drones[id]?.send(order)
    default: break
    }
    return nil
  }
}

/// FleetControl over fake drones, stepped on a simulated time line.
final class FleetHarness {
  let station: StationDescription
  let fakes: [FakeDrone]
  let arbiter: FakeArbiter
  let readings: [Snapshot<DroneLinkReading>]
  let fleet: FleetControl
  let scanCommands = BoundedQueue<CommandRequest>(minimumCapacity: 16)
  var sequence: UInt64 = 0
  var now: Double

  init(
    station: StationDescription, fakes: [FakeDrone]? = nil, store: StoreChannel? = nil, start: Double = 0,
    bootEpoch: UInt64 = 0, configuration: PlannerConfiguration = .init(),
    control: DroneControlConfiguration = .init()
  ) {
    self.station = station
    let fakes =
      fakes ?? station.drones.map { FakeDrone(drone: $0.id, dock: $0.dock, batteryWh: $0.batteryWh) }
    self.fakes = fakes
    now = start
    for fake in fakes { fake.now = start }
    let arbiter = FakeArbiter(drones: fakes)
    self.arbiter = arbiter
    readings = fakes.map { _ in Snapshot(DroneLinkReading(telemetry: nil, failure: nil, sequence: 0)) }
    fleet = FleetControl(
      planner: InspectionPlanner(station: station, configuration: configuration, fileTimeS: start),
      configuration: control, readings: readings, submit: { arbiter.submit($0) }, scanCommands: scanCommands,
      store: store, events: nil, bootEpoch: bootEpoch, timeline: { 0 })
    publish()
  }

  func publish() {
    sequence += 1
    for (d, fake) in fakes.enumerated() {
      do {
        readings[d].publish(DroneLinkReading(telemetry: try fake.telemetry(), failure: nil, sequence: sequence))
      } catch {
        readings[d].publish(DroneLinkReading(telemetry: nil, failure: error, sequence: sequence))
      }
    }
  }

  /// Advances `seconds` in ticks of `tickS`: drones move, telemetry is published, the
  /// fleet steps.
  func run(_ seconds: Double, tickS: Double = 1, each: (() -> Void)? = nil) {
    let end = now + seconds
    while now < end {
      now += tickS
      for fake in fakes { fake.advance(to: now) }
      publish()
      fleet.step(now: now)
      each?()
    }
  }
}
