import Station

/// The fleet's energy and timing model (not in the station file: properties of the
/// drones' airframes and docks). Defaults in docs/scheduler.md.
public struct FleetConfiguration: Sendable, Hashable {
  /// Electrical power while flying, W.
  public var flightPowerW: Double = 15
  /// Electrical power while scanning (hovering with the payload on), W.
  public var scanPowerW: Double = 12
  /// Dock charging power, W.
  public var chargePowerW: Double = 60
  /// Battery fraction that must remain on arrival back at the dock (the margin).
  public var reserveFraction: Double = 0.2
  /// Time added per hatch passed (slowing, aligning with the opening), s.
  public var hatchPassS: Double = 5
  /// Time from a mission order to lift-off for a docked drone (arming checks), s.
  public var preflightS: Double = 20

  public init() {}
}

/// The planner's configuration: the risk model, the fleet model and the work bounds.
public struct PlannerConfiguration: Sendable, Hashable {
  public var risk = RiskConfiguration()
  public var fleet = FleetConfiguration()
  /// Work units one ``InspectionPlanner/step(now:)`` may spend: one unit per target
  /// scored, per candidate tried for a drone, per module pair of a travel-table row.
  public var workBudget: Int = 40_000
  /// Ranked candidates kept between ticks; 0: four per drone, at least 64.
  public var candidateCount: Int = 0
  /// Feasible candidates compared for one drone before it takes the best.
  public var candidateWindow: Int = 12
  /// Risk points a minute of travel costs when comparing candidates.
  public var travelRiskPerMinute: Double = 0.05

  public init() {}
}

/// A keep-out reason of a module.
public enum KeepOut: Sendable, Hashable {
  case crewActivity
  case isolating
}

/// One step of a route (``InspectionPlanner/nextModule(from:to:)``).
public enum RouteStep: Sendable, Hashable {
  /// Fly to this module next.
  case next(ModuleID)
  /// No usable path.
  case none
  /// The travel table is being rebuilt: ask again at the next tick.
  case pending
}

/// One assignment: a drone goes to a target's module and scans it.
public struct Assignment: Sendable, Hashable {
  /// Indices in the station's `drones` and `targets`.
  public var drone: Int
  public var target: Int
  /// Planner time line, seconds.
  public var startS: Double
  public var arriveS: Double
  public var endS: Double
  /// Energy for the trip out, the scan and the way back to the dock, Wh.
  public var energyWh: Double
}

/// Plans which drone scans which target, in bounded work per tick.
///
/// Holds the targets as arrays (structure of arrays, preallocated at init), the
/// module travel table, the ranked candidates and each drone's planning state. One
/// ``step(now:)`` (the 1 Hz planner tick) continues whatever work is pending (a
/// travel-table refresh after a topology change, the scoring pass over every target)
/// within ``PlannerConfiguration/workBudget`` units and then assigns the drones
/// marked available. Nothing in `step` allocates once the arrays exist: outputs go to
/// preallocated buffers (``assignments``, ``recalls``).
///
/// Time is seconds on one time line chosen by the caller (UTC seconds in the
/// controller; 0 at plan start in `cloak plan`).
public final class InspectionPlanner {
  public let station: StationDescription
  public let configuration: PlannerConfiguration
  public let graph: StationGraph

  // Targets (static).
  let targetModule: [Int]
  let targetKind: [Int]
  let targetIntervalS: [Double]
  let targetConsequence: [Double]
  let targetProvenance: [Double]
  /// Modules whose leak evidence counts for a target: its own and, for a seal, the
  /// other side of its hatch.
  let targetOtherModule: [Int]
  /// Targets whose module (or seal hatch's other side) is each module.
  let moduleTargets: [[Int]]

  // Targets (dynamic).
  /// Last scan time of each target (planner time line), seconds.
  public private(set) var lastScanS: [Double]
  public private(set) var lastFinding: [StationDescription.Finding]
  var findingProbability: [Double]
  /// The drone holding each target (-1: none).
  public private(set) var claimedBy: [Int]
  public private(set) var skippedUntilS: [Double]
  public private(set) var requeued: [Bool]
  /// Whether the last score of each target came from leak evidence in the station
  /// file's frame (for `--explain`): where each target's last scan time came from.
  public private(set) var lastScanSource: [ScanSource]

  // Modules.
  public private(set) var leak: [LeakEvidence]
  /// When each module's leak evidence was noted (planner time line, s; NaN: none).
  public private(set) var leakAtS: [Double]
  /// When each module's leak alarm was raised (-infinity: no alarm); a target under the
  /// alarm goes first until it has been scanned after this time.
  public private(set) var alarmSinceS: [Double]
  public private(set) var crewActivity: [Bool]
  public private(set) var isolating: [Bool]
  public private(set) var hatchOpen: [Bool]
  /// Travel distance between module centres along the station graph, metres
  /// (`from * moduleCount + to`; infinity: no usable path).
  public private(set) var distanceM: [Double]
  public private(set) var hatchesOnPath: [Int]
  /// The first module after `from` on the travel table's path to `to` (`from * moduleCount
  /// + to`; `to` itself when adjacent, `from` when equal, -1: no usable path): the drones
  /// are ordered one module at a time along it (``nextModule(from:to:)``), so they fly
  /// the path the planner chose around kept-out modules, not their autopilot's own.
  public private(set) var firstHop: [Int]
  var usable: [Bool]
  var via: [Int]
  var travelRow: Int = 0
  /// Whether the travel table is being rebuilt (assignments wait for it).
  public private(set) var travelPending = true

  // Drones.
  /// A drone as the planner sees it.
  public struct DroneState: Sendable, Hashable {
    /// Module index where it is (or will be when its current job ends).
    public var module: Int
    public var batteryWh: Double
    /// Whether it may take an assignment now.
    public var available: Bool
    /// Whether it sits on its dock (a new mission adds the preflight time).
    public var docked: Bool
    /// The target it holds (-1: none).
    public var target: Int
    /// Whether it is scanning that target now (a scan in progress is never preempted).
    public var scanning: Bool
  }
  public var drones: [DroneState]
  let droneDock: [Int]
  let droneSpeed: [Double]
  let droneScanS: [[Double]]
  let droneCapacityWh: [Double]

  // Ranking.
  /// Most candidates a ranking keeps.
  public let candidateCapacity: Int
  var heapTarget: [Int]
  var heapRisk: [Double]
  var heapCount = 0
  var scanCursor = 0
  /// Ranked candidates of the last complete scoring pass, best first.
  public private(set) var candidates: [Int]
  public private(set) var candidateRisk: [Double]
  public private(set) var candidateCount = 0
  /// When the last scoring pass completed.
  public private(set) var rankedAtS: Double = -.infinity
  var alarmCandidates: [Int]
  var alarmCount = 0
  var preemptPending = false

  // Outputs of the last step.
  public private(set) var assignments: [Assignment]
  public private(set) var assignmentCount = 0
  /// Drones to recall to their docks (in a kept-out module), from the last step.
  public private(set) var recalls: [Int]
  public private(set) var recallCount = 0
  /// Drones whose assignment the last step withdrew (leak preemption).
  public private(set) var preempted: [Int]
  public private(set) var preemptedCount = 0
  /// Work units the last step spent.
  public private(set) var lastStepWork = 0
  /// While true no new assignment is made (operator `scan_pause`).
  public var paused = false

  /// Where a target's last scan time came from.
  public enum ScanSource: Sendable, Hashable {
    /// The station file's `last_inspected_h_ago`.
    case stationFile
    /// A scan recorded by the controller (a drone's report).
    case scan(drone: Int)
  }

  /// A planner for `station` whose time line puts the station file's moment at
  /// `fileTimeS` (the ages `last_inspected_h_ago` count back from it).
  public init(station: StationDescription, configuration: PlannerConfiguration = .init(), fileTimeS: Double = 0) {
    self.station = station
    self.configuration = configuration
    graph = StationGraph(station)
    let moduleIndex = Dictionary(uniqueKeysWithValues: station.modules.enumerated().map { ($1.id, $0) })
    let hatchIndex = Dictionary(uniqueKeysWithValues: station.hatches.enumerated().map { ($1.id, $0) })
    let risk = configuration.risk
    let targets = station.targets
    targetModule = targets.map { moduleIndex[$0.module] ?? 0 }
    targetKind = targets.map { $0.kind == .seal ? 0 : 1 }
    targetIntervalS = targets.map { max($0.intervalH * 3_600, 1) }
    targetConsequence = targets.indices.map { RiskModel.consequence(ofTarget: $0, in: station, risk) }
    targetProvenance = targets.map { RiskModel.provenanceProbability(station.batches[$0.batch]?.flags ?? [], risk) }
    let otherModule = targets.map { target in
      guard target.kind == .seal, let h = target.hatch.flatMap({ hatchIndex[$0] }) else { return -1 }
      let ends = station.hatches[h].between.compactMap { moduleIndex[$0] }
      return ends.first { $0 != moduleIndex[target.module] } ?? -1
    }
    targetOtherModule = otherModule
    var moduleTargets = [[Int]](repeating: [], count: station.modules.count)
    for (t, target) in targets.enumerated() { moduleTargets[moduleIndex[target.module] ?? 0].append(t) }
    moduleTargets = moduleTargets.enumerated().map { m, own in
      own + otherModule.indices.filter { otherModule[$0] == m }
    }
    self.moduleTargets = moduleTargets
    lastScanS = targets.map { fileTimeS - $0.lastInspectedHAgo * 3_600 }
    lastFinding = targets.map(\.lastFinding)
    findingProbability = targets.map { RiskModel.findingProbability($0.lastFinding, risk) }
    claimedBy = Array(repeating: -1, count: targets.count)
    skippedUntilS = Array(repeating: -.infinity, count: targets.count)
    requeued = Array(repeating: false, count: targets.count)
    lastScanSource = Array(repeating: .stationFile, count: targets.count)
    let m = station.modules.count
    leak = Array(repeating: .none, count: m)
    leakAtS = Array(repeating: .nan, count: m)
    alarmSinceS = Array(repeating: -.infinity, count: m)
    crewActivity = Array(repeating: false, count: m)
    isolating = Array(repeating: false, count: m)
    hatchOpen = Array(repeating: true, count: station.hatches.count)
    distanceM = Array(repeating: .infinity, count: m * m)
    hatchesOnPath = Array(repeating: 0, count: m * m)
    firstHop = Array(repeating: -1, count: m * m)
    usable = Array(repeating: true, count: station.hatches.count)
    via = Array(repeating: -1, count: m)
    drones = station.drones.map { drone in
      DroneState(
        module: moduleIndex[drone.dock] ?? 0, batteryWh: drone.batteryWh, available: true, docked: true, target: -1,
        scanning: false)
    }
    droneDock = station.drones.map { moduleIndex[$0.dock] ?? 0 }
    droneSpeed = station.drones.map { max($0.speedMS, 1e-3) }
    droneScanS = station.drones.map { [$0.scanS[.seal] ?? 120, $0.scanS[.weld] ?? 300] }
    droneCapacityWh = station.drones.map(\.batteryWh)
    let count =
      configuration.candidateCount > 0 ? configuration.candidateCount : max(64, 4 * station.drones.count)
    candidateCapacity = count
    heapTarget = Array(repeating: -1, count: count)
    heapRisk = Array(repeating: 0, count: count)
    candidates = Array(repeating: -1, count: count)
    candidateRisk = Array(repeating: 0, count: count)
    alarmCandidates = Array(repeating: -1, count: targets.count)
    assignments = Array(
      repeating: Assignment(drone: 0, target: 0, startS: 0, arriveS: 0, endS: 0, energyWh: 0),
      count: station.drones.count)
    recalls = Array(repeating: -1, count: station.drones.count)
    preempted = Array(repeating: -1, count: station.drones.count)
  }

  // MARK: Inputs

  /// Leak evidence about `module` at `atS` (a `leak_trend`, or an alarm naming the
  /// module). An alarm preempts at the next step: the module's targets go first, and
  /// drones holding other targets (not mid-scan) are re-assigned. Evidence only rises
  /// until ``clearLeakEvidence(module:)``.
  public func noteLeakEvidence(module: ModuleID, kind: LeakEvidence, at atS: Double) {
    guard let m = station.modules.firstIndex(where: { $0.id == module }), kind > leak[m] else { return }
    leak[m] = kind
    leakAtS[m] = atS
    if kind == .alarm {
      preemptPending = true
      alarmSinceS[m] = atS
    }
    scanCursor = 0
    heapCount = 0
  }

  /// Forgets the leak evidence about `module` (the leak was found and fixed).
  public func clearLeakEvidence(module: ModuleID) {
    guard let m = station.modules.firstIndex(where: { $0.id == module }) else { return }
    leak[m] = .none
    leakAtS[m] = .nan
    alarmSinceS[m] = -.infinity
  }

  /// Sets or clears a keep-out reason for `module`; the travel table is rebuilt.
  public func setKeepOut(_ reason: KeepOut, module: ModuleID, _ active: Bool) {
    guard let m = station.modules.firstIndex(where: { $0.id == module }) else { return }
    switch reason {
    case .crewActivity: crewActivity[m] = active
    case .isolating: isolating[m] = active
    }
    // A new keep-out re-plans at once: drones out in the module are recalled, drones
    // not mid-scan are assigned again over the new travel table (paths around it).
    if active { preemptPending = true }
    invalidateTravel()
  }

  /// Records a hatch's state (closed hatches are not flown through).
  public func setHatch(_ hatch: HatchID, open: Bool) {
    guard let h = station.hatches.firstIndex(where: { $0.id == hatch }), hatchOpen[h] != open else { return }
    hatchOpen[h] = open
    invalidateTravel()
  }

  func invalidateTravel() {
    travelPending = true
    travelRow = 0
  }

  /// Whether `module` is kept out (crew activity or being isolated).
  @inline(__always)
  public func isKeptOut(_ module: Int) -> Bool { crewActivity[module] || isolating[module] }

  /// Records a finished scan: the target's clock restarts, its finding counts from now
  /// on, its claim, a skip and a requeue are cleared.
  public func recordScan(target: Int, drone: Int, finding: StationDescription.Finding, at atS: Double) {
    guard lastScanS.indices.contains(target) else { return }
    lastScanS[target] = atS
    lastFinding[target] = finding
    findingProbability[target] = RiskModel.findingProbability(finding, configuration.risk)
    lastScanSource[target] = .scan(drone: drone)
    requeued[target] = false
    skippedUntilS[target] = -.infinity
    release(target: target)
  }

  /// Restores a target's state (after a restart).
  public func restore(
    target: Int, lastScanS scanS: Double, finding: StationDescription.Finding, skippedUntilS skip: Double,
    requeued again: Bool, drone: Int?
  ) {
    guard lastScanS.indices.contains(target) else { return }
    lastScanS[target] = scanS
    lastFinding[target] = finding
    findingProbability[target] = RiskModel.findingProbability(finding, configuration.risk)
    skippedUntilS[target] = skip
    requeued[target] = again
    if let drone { lastScanSource[target] = .scan(drone: drone) }
  }

  /// Drops a target's claim (its drone gave it up).
  public func release(target: Int) {
    guard claimedBy.indices.contains(target) else { return }
    let drone = claimedBy[target]
    claimedBy[target] = -1
    if drones.indices.contains(drone), drones[drone].target == target {
      drones[drone].target = -1
      drones[drone].scanning = false
    }
  }

  /// Claims `target` for `drone` (restoring a plan after a restart).
  public func claim(target: Int, drone: Int) {
    guard claimedBy.indices.contains(target), drones.indices.contains(drone) else { return }
    claimedBy[target] = drone
    drones[drone].target = target
  }

  /// Operator `scan_skip`: out of the plan until requeued or one interval from now.
  public func skip(target: Int, now: Double) {
    guard skippedUntilS.indices.contains(target) else { return }
    skippedUntilS[target] = now + targetIntervalS[target]
    requeued[target] = false
    scanCursor = 0
    heapCount = 0
  }

  /// Operator `scan_requeue`: due now (eligible whatever its probability).
  public func requeue(target: Int) {
    guard requeued.indices.contains(target) else { return }
    skippedUntilS[target] = -.infinity
    requeued[target] = true
    scanCursor = 0
    heapCount = 0
  }

  // MARK: Scores

  /// The risk of target `t` at `now` (the same formula as ``explain(target:now:)``).
  @inline(__always)
  public func score(_ t: Int, now: Double) -> RiskScore {
    var evidence = leak[targetModule[t]]
    let other = targetOtherModule[t]
    if other >= 0, leak[other] > evidence { evidence = leak[other] }
    return score(t, lastScanS: lastScanS[t], findingProbability: findingProbability[t], evidence: evidence, now: now)
  }

  /// The one risk formula: target `t`'s static parts (interval, provenance, consequence)
  /// with the given dynamic inputs.
  @inline(__always)
  func score(
    _ t: Int, lastScanS scanS: Double, findingProbability finding: Double, evidence: LeakEvidence, now: Double
  ) -> RiskScore {
    let risk = configuration.risk
    let fraction = (now - scanS) / targetIntervalS[t]
    let added = finding + targetProvenance[t] + RiskModel.leakProbability(evidence, risk)
    return RiskScore(
      probability: RiskModel.probability(fraction: fraction, added: added, risk), consequence: targetConsequence[t])
  }

  /// Whether `t` is under a leak alarm (its module or its seal's other side) and not
  /// scanned since the alarm.
  @inline(__always)
  public func underAlarm(_ t: Int) -> Bool {
    let scan = lastScanS[t]
    if scan < alarmSinceS[targetModule[t]] { return true }
    let other = targetOtherModule[t]
    return other >= 0 && scan < alarmSinceS[other]
  }

  /// The ranking key: risk, plus 100 under a leak alarm or after a requeue (they go
  /// first); `nil` when the target is not eligible (claimed, skipped, probability
  /// below ``RiskConfiguration/eligibleProbability``).
  @inline(__always)
  func rankKey(_ t: Int, now: Double) -> Double? {
    if claimedBy[t] >= 0 || skippedUntilS[t] > now { return nil }
    var evidence = leak[targetModule[t]]
    let other = targetOtherModule[t]
    if other >= 0, leak[other] > evidence { evidence = leak[other] }
    return Self.key(
      elapsed: now - lastScanS[t], interval: targetIntervalS[t],
      added: findingProbability[t] + targetProvenance[t] + RiskModel.leakProbability(evidence, configuration.risk),
      consequence: targetConsequence[t], first: underAlarm(t) || requeued[t], configuration.risk)
  }

  /// The ranking key from its parts (the one formula): `nil` when not eligible (below
  /// the eligible probability, or scanned less than the minimum spacing ago), unless
  /// `first` (under a leak alarm or requeued), which also adds 100 so it ranks first.
  @inline(__always)
  static func key(
    elapsed: Double, interval: Double, added: Double, consequence: Double, first: Bool, _ risk: RiskConfiguration
  ) -> Double? {
    let probability = RiskModel.probability(fraction: elapsed / interval, added: added, risk)
    if !first && (probability < risk.eligibleProbability || elapsed < risk.minimumIntervalFraction * interval) {
      return nil
    }
    return probability * consequence + (first ? 100 : 0)
  }

  // MARK: The step

  /// One planner tick at `now`: pending work within the budget, then assignments for
  /// the available drones (into ``assignments``), recalls and preemptions. With
  /// `rescore` false the scoring pass is not advanced (the horizon planner rescores on
  /// its own cadence).
  public func step(now: Double, rescore: Bool = true) {
    var budget = configuration.workBudget
    assignmentCount = 0
    recallCount = 0
    preemptedCount = 0
    if preemptPending { preempt(now: now, budget: &budget) }
    if travelPending { refreshTravel(budget: &budget) }
    if rescore { scorePass(now: now, budget: &budget) }
    if !travelPending && !paused {
      for d in drones.indices where drones[d].available && budget > 0 {
        assign(drone: d, now: now, budget: &budget)
      }
    }
    lastStepWork = configuration.workBudget - budget
  }

  /// Preemption (a leak alarm, a new keep-out): recall drones out of their dock in a
  /// kept-out module (being isolated, crew activity); withdraw assignments of drones not
  /// mid-scan whose target is not under the alarm; collect the alarm modules' targets to
  /// go first.
  func preempt(now: Double, budget: inout Int) {
    preemptPending = false
    for d in drones.indices {
      budget -= 1
      if isKeptOut(drones[d].module) && !drones[d].docked {
        if drones[d].target >= 0 && !drones[d].scanning { release(target: drones[d].target) }
        drones[d].available = false
        recalls[recallCount] = d
        recallCount += 1
        continue
      }
      let t = drones[d].target
      if t >= 0 && !drones[d].scanning && !underAlarm(t) {
        release(target: t)
        drones[d].available = true
        preempted[preemptedCount] = d
        preemptedCount += 1
      }
    }
    alarmCount = 0
    for m in leak.indices where leak[m] == .alarm {
      for t in moduleTargets[m] where claimedBy[t] < 0 {
        budget -= 1
        var known = false
        for i in 0..<alarmCount where alarmCandidates[i] == t { known = true }
        if !known && alarmCount < alarmCandidates.count {
          alarmCandidates[alarmCount] = t
          alarmCount += 1
        }
      }
    }
    // New ranking (the alarm's targets rank first): restart the scoring pass.
    scanCursor = 0
    heapCount = 0
  }

  /// Rebuilds travel-table rows while budget lasts (one row: a shortest-path tree from
  /// one module, costing modules x hatches units).
  func refreshTravel(budget: inout Int) {
    let m = graph.moduleCount
    if travelRow == 0 {
      for h in usable.indices {
        let ends = graph.hatchEnds[h]
        usable[h] =
          hatchOpen[h] && ends.a >= 0 && ends.b >= 0 && !isKeptOut(ends.a) && !isKeptOut(ends.b)
      }
    }
    let rowCost = max(m * max(usable.count, 1), 1)
    while travelRow < m && (budget >= rowCost || budget == configuration.workBudget) {
      budget -= rowCost
      let from = travelRow
      graph.shortestPathTree(from: from, usable: usable, via: &via)
      for to in 0..<m {
        let index = from * m + to
        if to == from {
          distanceM[index] = 0
          hatchesOnPath[index] = 0
          firstHop[index] = from
          continue
        }
        guard via[to] >= 0 else {
          distanceM[index] = .infinity
          hatchesOnPath[index] = 0
          firstHop[index] = -1
          continue
        }
        var distance = 0.0
        var hatches = 0
        var at = to
        var hop = to
        while at != from, via[at] >= 0 {
          let ends = graph.hatchEnds[via[at]]
          let previous = ends.a == at ? ends.b : ends.a
          distance += Self.distance(station.modules[at].positionM, station.modules[previous].positionM)
          hatches += 1
          hop = at
          at = previous
        }
        distanceM[index] = distance
        hatchesOnPath[index] = hatches
        firstHop[index] = at == from ? hop : -1
      }
      travelRow += 1
    }
    if travelRow >= m { travelPending = false }
  }

  static func distance(_ a: [Double], _ b: [Double]) -> Double {
    var sum = 0.0
    for i in 0..<min(a.count, b.count) { sum += (a[i] - b[i]) * (a[i] - b[i]) }
    return sum.squareRoot()
  }

  /// Scores targets from the cursor while budget lasts; a complete pass replaces the
  /// candidate list (top ``candidateCapacity`` by rank key, best first).
  func scorePass(now: Double, budget: inout Int) {
    let count = lastScanS.count
    // The hot loop: the arrays as locals (no exclusivity checks per element), the
    // same formula as rankKey(_:now:) (one place: RiskModel).
    let lastScan = lastScanS
    let interval = targetIntervalS
    let finding = findingProbability
    let provenance = targetProvenance
    let consequence = targetConsequence
    let moduleOf = targetModule
    let otherOf = targetOtherModule
    let claimed = claimedBy
    let skipped = skippedUntilS
    let again = requeued
    let evidence = leak
    let alarmSince = alarmSinceS
    let risk = configuration.risk
    let leakNone = RiskModel.leakProbability(.none, risk)
    let leakTrend = RiskModel.leakProbability(.trend, risk)
    let leakAlarm = RiskModel.leakProbability(.alarm, risk)
    while scanCursor < count && budget > 0 {
      let t = scanCursor
      scanCursor += 1
      budget -= 1
      if claimed[t] >= 0 || skipped[t] > now { continue }
      let m = moduleOf[t]
      let other = otherOf[t]
      var level = evidence[m]
      if other >= 0 && evidence[other] > level { level = evidence[other] }
      let leakAdded = level == .alarm ? leakAlarm : level == .trend ? leakTrend : leakNone
      let alarm = lastScan[t] < alarmSince[m] || (other >= 0 && lastScan[t] < alarmSince[other])
      guard
        let key = Self.key(
          elapsed: now - lastScan[t], interval: interval[t], added: finding[t] + provenance[t] + leakAdded,
          consequence: consequence[t], first: alarm || again[t], risk)
      else { continue }
      if heapCount == candidateCapacity && key <= heapRisk[0] { continue }
      heapInsert(t, key)
    }
    guard scanCursor >= count else { return }
    // Complete: the heap (a min-heap) drained in reverse gives best first.
    candidateCount = heapCount
    var index = heapCount - 1
    while heapCount > 0 {
      candidates[index] = heapTarget[0]
      candidateRisk[index] = heapRisk[0]
      heapPopMin()
      index -= 1
    }
    scanCursor = 0
    rankedAtS = now
  }

  @inline(__always)
  func heapInsert(_ t: Int, _ key: Double) {
    if heapCount < candidateCapacity {
      var i = heapCount
      heapCount += 1
      heapTarget[i] = t
      heapRisk[i] = key
      while i > 0 {
        let parent = (i - 1) / 2
        guard heapRisk[parent] > heapRisk[i] else { break }
        heapTarget.swapAt(parent, i)
        heapRisk.swapAt(parent, i)
        i = parent
      }
    } else if key > heapRisk[0] {
      heapTarget[0] = t
      heapRisk[0] = key
      siftDown(0)
    }
  }

  @inline(__always)
  func heapPopMin() {
    heapCount -= 1
    guard heapCount > 0 else { return }
    heapTarget[0] = heapTarget[heapCount]
    heapRisk[0] = heapRisk[heapCount]
    siftDown(0)
  }

  @inline(__always)
  func siftDown(_ start: Int) {
    var i = start
    while true {
      let left = 2 * i + 1
      let right = left + 1
      var smallest = i
      if left < heapCount && heapRisk[left] < heapRisk[smallest] { smallest = left }
      if right < heapCount && heapRisk[right] < heapRisk[smallest] { smallest = right }
      guard smallest != i else { return }
      heapTarget.swapAt(smallest, i)
      heapRisk.swapAt(smallest, i)
      i = smallest
    }
  }

  // MARK: Feasibility

  /// Travel time from module `a` to module `b` for drone `d`, seconds (infinity: no
  /// usable path).
  @inline(__always)
  public func travelS(drone d: Int, from a: Int, to b: Int) -> Double {
    let index = a * graph.moduleCount + b
    return distanceM[index] / droneSpeed[d] + Double(hatchesOnPath[index]) * configuration.fleet.hatchPassS
  }

  /// The next module to fly to from module `from` on the way to module `to` over usable
  /// hatches (the travel table's path: fewest hatches, none into a kept-out module):
  /// `.pending` while the table is being rebuilt (ask again next tick), `.none` when
  /// there is no such path.
  public func nextModule(from: ModuleID, to: ModuleID) -> RouteStep {
    if travelPending { return .pending }
    guard let a = moduleIndex(from), let b = moduleIndex(to) else { return .none }
    let hop = firstHop[a * graph.moduleCount + b]
    return hop >= 0 ? .next(station.modules[hop].id) : .none
  }

  /// Scan time of target `t` by drone `d`, seconds.
  @inline(__always)
  public func scanS(drone d: Int, target t: Int) -> Double { droneScanS[d][targetKind[t]] }

  /// The trip for drone `d` to target `t` from where it is at `now`, or `nil` when it
  /// breaks a rule: kept-out module, no usable path, or not enough battery to scan and
  /// get back to the dock with the reserve.
  @inline(__always)
  public func trip(drone d: Int, target t: Int, now: Double) -> Assignment? {
    let state = drones[d]
    let module = targetModule[t]
    if isKeptOut(module) || isKeptOut(state.module) { return nil }
    let out = travelS(drone: d, from: state.module, to: module)
    let home = travelS(drone: d, from: module, to: droneDock[d])
    guard out.isFinite, home.isFinite else { return nil }
    let fleet = configuration.fleet
    let scan = scanS(drone: d, target: t)
    let energy = (out + home) * fleet.flightPowerW / 3_600 + scan * fleet.scanPowerW / 3_600
    guard state.batteryWh - energy >= fleet.reserveFraction * droneCapacityWh[d] else { return nil }
    let start = now + (state.docked ? fleet.preflightS : 0)
    return Assignment(
      drone: d, target: t, startS: now, arriveS: start + out, endS: start + out + scan, energyWh: energy)
  }

  /// Assigns drone `d` the best feasible candidate: alarm targets first (nearest), then
  /// the ranked candidates, comparing up to ``PlannerConfiguration/candidateWindow``
  /// feasible ones by rank key less travel.
  func assign(drone d: Int, now: Double, budget: inout Int) {
    var best: Assignment?
    var bestValue = -Double.infinity
    var feasible = 0
    for i in 0..<alarmCount where budget > 0 {
      let t = alarmCandidates[i]
      budget -= 1
      guard claimedBy[t] < 0, skippedUntilS[t] <= now, underAlarm(t), let trip = trip(drone: d, target: t, now: now)
      else { continue }
      let value = -trip.arriveS
      if value > bestValue {
        bestValue = value
        best = trip
      }
    }
    if best == nil {
      let perMinute = configuration.travelRiskPerMinute
      for i in 0..<candidateCount where budget > 0 && feasible < configuration.candidateWindow {
        let t = candidates[i]
        budget -= 1
        // Ranked earlier: checked again now (it may have been scanned since).
        guard let key = rankKey(t, now: now), let trip = trip(drone: d, target: t, now: now) else { continue }
        feasible += 1
        let value = key - perMinute * (trip.arriveS - now) / 60
        if value > bestValue {
          bestValue = value
          best = trip
        }
      }
    }
    guard let best else { return }
    claimedBy[best.target] = d
    drones[d].target = best.target
    drones[d].available = false
    drones[d].scanning = false
    assignments[assignmentCount] = best
    assignmentCount += 1
  }

  /// The energy drone `d` needs to fly from module `from` to its dock, Wh.
  public func energyHome(drone d: Int, from: Int) -> Double {
    travelS(drone: d, from: from, to: droneDock[d]) * configuration.fleet.flightPowerW / 3_600
  }

  /// Completes a scoring pass at `now` whatever the budget (offline planning).
  public func rank(now: Double) {
    var budget = Int.max
    scanCursor = 0
    heapCount = 0
    scorePass(now: now, budget: &budget)
  }

  /// Candidates of the ranked list still eligible at `now` (unclaimed, not scanned since).
  public func eligibleCandidates(now: Double) -> Int {
    var count = 0
    for i in 0..<candidateCount where rankKey(candidates[i], now: now) != nil { count += 1 }
    return count
  }

  /// Index of the target with `id`.
  public func targetIndex(_ id: TargetID) -> Int? { station.targets.firstIndex { $0.id == id } }
  /// Index of the drone with `id`.
  public func droneIndex(_ id: DroneID) -> Int? { station.drones.firstIndex { $0.id == id } }
  /// Index of the module with `id`.
  public func moduleIndex(_ id: ModuleID) -> Int? { station.modules.firstIndex { $0.id == id } }
  /// Dock module index of drone `d`.
  public func dock(of d: Int) -> Int { droneDock[d] }
  /// Module index of target `t`.
  public func module(of t: Int) -> Int { targetModule[t] }
  /// Interval of target `t`, seconds.
  public func intervalS(of t: Int) -> Double { targetIntervalS[t] }
  /// Battery capacity of drone `d`, Wh.
  public func capacityWh(of d: Int) -> Double { droneCapacityWh[d] }
}
