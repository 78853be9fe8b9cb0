import Station

/// A schedule over a horizon, planned from the station file alone (no board, no
/// drones flying): the ``InspectionPlanner`` driven by a model of the fleet (each drone
/// flies its assignment, scans, takes the next, and goes home to charge when no
/// assignment fits its battery). Findings are assumed unchanged (`none` stays `none`).
public struct HorizonPlan: Sendable {
  /// One planned scan.
  public struct Scan: Sendable, Hashable {
    public var drone: DroneID
    public var target: TargetID
    public var module: ModuleID
    /// Departure, arrival and end of the scan, seconds from plan start.
    public var startS: Double
    public var arriveS: Double
    public var endS: Double
    /// The target's risk when it was assigned.
    public var risk: Double
  }

  /// A target that will be past due within the horizon.
  public struct Overdue: Sendable, Hashable {
    public var target: TargetID
    /// When it falls due, seconds from plan start (negative: already due at start).
    public var dueS: Double
    /// When it is first scanned in the plan, if it is.
    public var scannedS: Double?
    /// Why.
    public var reason: String
  }

  public var horizonS: Double
  public var scans: [Scan]
  public var overdue: [Overdue]
  /// Planner steps taken and their total work units (for the bench).
  public var steps: Int
  public var work: Int
  /// Complete scoring passes over every target.
  public var rankings: Int
}

extension HorizonPlan {
  /// Plans `station` over `horizonS` seconds from the moment the station file describes.
  /// `rescoreS`: how often (simulated) the ranking is recomputed.
  public static func make(
    station: StationDescription, horizonS: Double, configuration: PlannerConfiguration = .init(),
    rescoreS: Double = 600
  ) -> HorizonPlan {
    let planner = InspectionPlanner(station: station, configuration: configuration, fileTimeS: 0)
    let fleet = configuration.fleet
    let droneCount = station.drones.count
    var freeAt = [Double](repeating: 0, count: droneCount)
    var active: [Assignment?] = Array(repeating: nil, count: droneCount)
    var scans: [Scan] = []
    var scansByTarget = [[Int]](repeating: [], count: station.targets.count)
    var steps = 0
    var work = 0
    var rankings = 1
    let initialLastScan = planner.lastScanS
    // Ranked lazily: rescore when old or when few unclaimed candidates are left.
    planner.rank(now: 0)
    while true {
      var now = Double.infinity
      for d in 0..<droneCount where freeAt[d] < now { now = freeAt[d] }
      guard now < horizonS, droneCount > 0 else { break }
      for d in 0..<droneCount where freeAt[d] <= now {
        if let done = active[d] {
          planner.recordScan(target: done.target, drone: d, finding: planner.lastFinding[done.target], at: done.endS)
          active[d] = nil
        }
        planner.drones[d].available = true
      }
      // Rescore when the ranking is old, or when it was full (more eligible targets than
      // it holds) and few of its candidates are left; a short list already held every
      // eligible target, and new ones come with time (the periodic rescore).
      let full = planner.candidateCount == planner.candidateCapacity
      let rescore =
        now - planner.rankedAtS >= rescoreS || (full && planner.eligibleCandidates(now: now) < droneCount)
      if rescore {
        planner.rank(now: now)
        rankings += 1
      }
      planner.step(now: now, rescore: false)
      steps += 1
      work += planner.lastStepWork
      for i in 0..<planner.assignmentCount {
        let a = planner.assignments[i]
        let target = station.targets[a.target]
        scansByTarget[a.target].append(scans.count)
        scans.append(
          Scan(
            drone: station.drones[a.drone].id, target: target.id, module: target.module, startS: a.startS,
            arriveS: a.arriveS, endS: a.endS, risk: planner.score(a.target, now: now).risk))
        active[a.drone] = a
        freeAt[a.drone] = a.endS
        let scanEnergy = planner.scanS(drone: a.drone, target: a.target) * fleet.scanPowerW / 3_600
        let outEnergy = a.energyWh - scanEnergy - planner.energyHome(drone: a.drone, from: planner.module(of: a.target))
        planner.drones[a.drone].batteryWh -= outEnergy + scanEnergy
        planner.drones[a.drone].module = planner.module(of: a.target)
        planner.drones[a.drone].docked = false
        planner.drones[a.drone].scanning = true
      }
      // Drones left without work: home to charge, or wait at the dock.
      for d in 0..<droneCount where planner.drones[d].available && freeAt[d] <= now {
        let state = planner.drones[d]
        let capacity = planner.capacityWh(of: d)
        let dock = planner.dock(of: d)
        if state.module != dock || state.batteryWh < capacity - 1e-9 {
          let home = planner.travelS(drone: d, from: state.module, to: dock)
          let flight = home.isFinite ? home : 0
          let energy = planner.energyHome(drone: d, from: state.module)
          let left = max(state.batteryWh - (energy.isFinite ? energy : 0), 0)
          freeAt[d] = now + flight + (capacity - left) / fleet.chargePowerW * 3_600
          planner.drones[d].module = dock
          planner.drones[d].batteryWh = capacity
          planner.drones[d].docked = true
          planner.drones[d].available = false
        } else {
          freeAt[d] = now + rescoreS
        }
      }
    }
    // Scans still running at the horizon count as planned.
    for d in 0..<droneCount {
      if let done = active[d] {
        planner.recordScan(target: done.target, drone: d, finding: planner.lastFinding[done.target], at: done.endS)
      }
    }
    var overdue: [Overdue] = []
    for (t, target) in station.targets.enumerated() {
      var due = initialLastScan[t] + planner.intervalS(of: t)
      var late: (due: Double, scanned: Double?)?
      for scan in scansByTarget[t].map({ scans[$0] }) {
        if scan.arriveS > due && late == nil { late = (due, scan.arriveS) }
        due = scan.endS + planner.intervalS(of: t)
      }
      if late == nil && due < horizonS { late = (due, nil) }
      guard let late else { continue }
      overdue.append(
        Overdue(
          target: target.id, dueS: late.due, scannedS: late.scanned,
          reason: reason(planner: planner, target: t, dueS: late.due)))
    }
    return HorizonPlan(
      horizonS: horizonS, scans: scans, overdue: overdue, steps: steps, work: work, rankings: rankings)
  }

  /// Why target `t` is late.
  static func reason(planner: InspectionPlanner, target t: Int, dueS: Double) -> String {
    let module = planner.module(of: t)
    if planner.isKeptOut(module) { return "its module is kept out (crew activity or isolation)" }
    var reachable = false
    var energyOK = false
    for d in planner.drones.indices {
      let dock = planner.dock(of: d)
      let out = planner.travelS(drone: d, from: dock, to: module)
      guard out.isFinite else { continue }
      reachable = true
      let fleet = planner.configuration.fleet
      let energy = 2 * out * fleet.flightPowerW / 3_600 + planner.scanS(drone: d, target: t) * fleet.scanPowerW / 3_600
      if planner.capacityWh(of: d) * (1 - fleet.reserveFraction) >= energy { energyOK = true }
    }
    if !reachable { return "no drone can reach its module through open hatches" }
    if !energyOK { return "no drone can fly there, scan and return with the battery reserve" }
    if dueS <= 0 { return "already past due when the plan starts; first scan as soon as the fleet reaches it" }
    return "fleet capacity: higher-risk targets were scanned first"
  }
}
