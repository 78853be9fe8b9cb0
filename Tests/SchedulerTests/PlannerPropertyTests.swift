import Station
import Testing

@testable import Scheduler

/// Properties over many generated stations (seeded: decision 1302).
@Suite struct PlannerPropertyTests {
  static let seeds: [UInt64] = Array(1...60)

  @Test("horizon plans: no drone double-booked, no target scanned by two drones at once")
  func noDoubleBooking() {
    for seed in Self.seeds {
      let station = Stations.generated(seed: seed)
      let plan = HorizonPlan.make(station: station, horizonS: 86_400)
      for drone in station.drones.map(\.id) {
        let scans = plan.scans.filter { $0.drone == drone }.sorted { $0.startS < $1.startS }
        for (a, b) in zip(scans, scans.dropFirst()) {
          #expect(a.endS <= b.startS + 1e-9, "seed \(seed): drone \(drone) booked twice at \(b.startS)")
        }
      }
      for target in station.targets.map(\.id) {
        let scans = plan.scans.filter { $0.target == target }.sorted { $0.startS < $1.startS }
        for (a, b) in zip(scans, scans.dropFirst()) {
          #expect(a.endS <= b.startS + 1e-9, "seed \(seed): target \(target) scanned by two drones at once")
        }
      }
    }
  }

  /// An independent check of one assignment: the target's module and every module on
  /// the path are not kept out, the path uses only open hatches, and the battery covers
  /// out, scan and home with the reserve.
  static func checkRules(_ planner: InspectionPlanner, _ a: Assignment, seed: UInt64) {
    let station = planner.station
    let graph = StationGraph(station)
    let usable = station.hatches.indices.map { h in
      planner.hatchOpen[h] && !planner.isKeptOut(graph.hatchEnds[h].a) && !planner.isKeptOut(graph.hatchEnds[h].b)
    }
    let from = planner.drones[a.drone].module
    let to = planner.module(of: a.target)
    #expect(!planner.isKeptOut(to), "seed \(seed): assigned into a kept-out module")
    #expect(graph.path(from: from, to: to, usable: usable) != nil, "seed \(seed): no usable path")
    let home = graph.path(from: to, to: planner.dock(of: a.drone), usable: usable)
    #expect(home != nil, "seed \(seed): no way home")
    let fleet = planner.configuration.fleet
    let energy =
      (planner.travelS(drone: a.drone, from: from, to: to)
        + planner.travelS(drone: a.drone, from: to, to: planner.dock(of: a.drone)))
      * fleet.flightPowerW / 3_600 + planner.scanS(drone: a.drone, target: a.target) * fleet.scanPowerW / 3_600
    #expect(
      planner.drones[a.drone].batteryWh - energy >= fleet.reserveFraction * planner.capacityWh(of: a.drone) - 1e-9,
      "seed \(seed): battery margin broken")
  }

  @Test("live steps: keep-out (crew, isolation, closed hatches) and battery margin never violated")
  func keepOutAndBattery() {
    for seed in Self.seeds {
      let station = Stations.generated(seed: seed)
      var rng = SeededGenerator(seed: seed &* 7)
      let planner = InspectionPlanner(station: station)
      var now = 0.0
      for _ in 0..<15 {
        now += 600
        // Random keep-outs and hatch closures, random drone positions and batteries.
        for module in station.modules.map(\.id) {
          planner.setKeepOut(.crewActivity, module: module, Int.random(in: 0..<5, using: &rng) == 0)
          planner.setKeepOut(.isolating, module: module, Int.random(in: 0..<8, using: &rng) == 0)
        }
        for hatch in station.hatches.map(\.id) {
          planner.setHatch(hatch, open: Int.random(in: 0..<6, using: &rng) != 0)
        }
        for d in planner.drones.indices {
          if planner.drones[d].target >= 0 { planner.release(target: planner.drones[d].target) }
          planner.drones[d].module = Int.random(in: 0..<station.modules.count, using: &rng)
          planner.drones[d].batteryWh = Double.random(in: 0...planner.capacityWh(of: d), using: &rng)
          planner.drones[d].available = true
          planner.drones[d].docked = false
        }
        // Steps until the travel table and a scoring pass are done (bounded work per step).
        for _ in 0..<4 {
          planner.step(now: now)
          #expect(
            planner.lastStepWork <= planner.configuration.workBudget + station.modules.count * station.hatches.count)
          for i in 0..<planner.assignmentCount { Self.checkRules(planner, planner.assignments[i], seed: seed) }
        }
        var holders: [Int: Int] = [:]
        for (t, d) in planner.claimedBy.enumerated() where d >= 0 {
          #expect(holders[d] == nil, "seed \(seed): drone \(d) holds two targets")
          holders[d] = t
        }
      }
    }
  }

  @Test("a leak alarm reorders within one planner tick: the module's targets first, drones there recalled")
  func leakPreemption() {
    var exercised = 0
    for seed in Self.seeds {
      let station = Stations.generated(seed: seed, maxTargets: 80, maxDrones: 4, intervalH: 4...48)
      var rng = SeededGenerator(seed: seed &* 13)
      let planner = InspectionPlanner(station: station)
      planner.step(now: 0)
      // Everyone takes something, then the drones fly off (not scanning yet).
      for d in planner.drones.indices { planner.drones[d].available = false }
      let leaking = Int.random(in: 0..<station.modules.count, using: &rng)
      let isolated = (leaking + 1) % station.modules.count
      let now = 60.0
      planner.noteLeakEvidence(module: station.modules[leaking].id, kind: .alarm, at: now)
      // A drone out (not docked) in the isolated module must be recalled.
      if let d = planner.drones.indices.first {
        planner.drones[d].module = isolated
        planner.drones[d].docked = false
      }
      planner.setKeepOut(.isolating, module: station.modules[isolated].id, true)
      planner.step(now: now)
      if let d = planner.drones.indices.first {
        #expect((0..<planner.recallCount).map { planner.recalls[$0] }.contains(d), "seed \(seed): not recalled")
      }
      // Every assignment made in this tick is an alarm target whenever the drone could reach one.
      for i in 0..<planner.assignmentCount {
        let a = planner.assignments[i]
        let alarmReachable = planner.station.targets.indices.contains { t in
          planner.underAlarm(t) && (planner.claimedBy[t] < 0 || planner.claimedBy[t] == a.drone)
            && planner.trip(drone: a.drone, target: t, now: now) != nil
        }
        if alarmReachable || planner.underAlarm(a.target) {
          exercised += 1
          #expect(planner.underAlarm(a.target), "seed \(seed): drone \(a.drone) given a non-alarm target")
        }
      }
    }
    #expect(exercised > 20)
  }

  @Test("a step's work stays within the budget; a plan needing more continues next tick")
  func boundedWork() {
    let station = Stations.generated(seed: 99, maxModules: 12, maxTargets: 60, maxDrones: 4)
    var configuration = PlannerConfiguration()
    configuration.workBudget = 25
    let planner = InspectionPlanner(station: station, configuration: configuration)
    var ticks = 0
    while planner.rankedAtS == -.infinity && ticks < 100 {
      planner.step(now: Double(ticks))
      ticks += 1
      #expect(planner.lastStepWork <= 25 + station.modules.count * station.hatches.count)
    }
    #expect(ticks > 2)
    #expect(planner.rankedAtS.isFinite)
  }
}
