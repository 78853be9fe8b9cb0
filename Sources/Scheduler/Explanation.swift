import Station

/// Every factor of one target's risk score and where each came from.
public struct RiskExplanation: Sendable {
  public var target: TargetID
  public var score: RiskScore
  /// Factors in order: probability (time, finding, batch flags, leak evidence), then
  /// consequence (kind, return vehicle).
  public var factors: [RiskFactor]
  /// Whether the target is eligible for a scan now, and why not when it is not.
  public var eligible: Bool
  public var note: String
}

/// The dynamic inputs of one target's risk explanation, as plain values (copied without
/// allocating, so the planner group can publish them: the operator API explains a target
/// from the last published copy, never by asking the planner; decision 1408).
public struct TargetRiskState: Sendable, Equatable {
  /// The last scan, planner time line seconds.
  public var lastScanS: Double = .nan
  /// The drone whose scan set ``lastScanS`` (-1: the station file's `last_inspected_h_ago`).
  public var lastScanDrone: Int = -1
  public var lastFinding: StationDescription.Finding = .none
  /// What the last finding adds to the probability.
  public var findingProbability: Double = 0
  /// The drone holding the target (-1: none).
  public var claimedBy: Int = -1
  /// Skipped by an operator until this time (planner time line, s; -infinity: not).
  public var skippedUntilS: Double = -.infinity
  public var requeued = false
  /// The strongest leak evidence of the target's module or its seal's other side.
  public var evidence: LeakEvidence = .none
  /// The module that evidence is about (-1: none), and when it was noted (s).
  public var evidenceModule: Int = -1
  public var evidenceAtS: Double = .nan
  /// Under a leak alarm and not scanned since.
  public var underAlarm = false

  public init() {}
}

extension InspectionPlanner {
  /// Target `t`'s dynamic explanation inputs now (no allocation; the planner's thread).
  public func riskState(target t: Int) -> TargetRiskState {
    var state = TargetRiskState()
    guard t >= 0, t < lastScanS.count else { return state }
    state.lastScanS = lastScanS[t]
    if case .scan(let drone) = lastScanSource[t] { state.lastScanDrone = drone }
    state.lastFinding = lastFinding[t]
    state.findingProbability = findingProbability[t]
    state.claimedBy = claimedBy[t]
    state.skippedUntilS = skippedUntilS[t]
    state.requeued = requeued[t]
    var module = targetModule[t]
    if targetOtherModule[t] >= 0, leak[targetOtherModule[t]] > leak[module] { module = targetOtherModule[t] }
    state.evidence = leak[module]
    state.evidenceModule = state.evidence == .none ? -1 : module
    state.evidenceAtS = state.evidence == .none ? .nan : leakAtS[module]
    state.underAlarm = underAlarm(t)
    return state
  }

  /// The factors of target `t`'s score at `now`, each with its source (the station
  /// file's line via ``StationDescription/line(of:)`` where there is one).
  public func explain(target t: Int, now: Double) -> RiskExplanation {
    explain(target: t, state: riskState(target: t), now: now)
  }

  /// The factors of target `t`'s score at `now` from `state` (a ``riskState(target:)``
  /// taken earlier, possibly on another thread). Reads only what `init` set besides
  /// `state`, so any thread may call it on a planner no one else is changing, or on a
  /// twin made from the same station and configuration.
  public func explain(target t: Int, state: TargetRiskState, now: Double) -> RiskExplanation {
    let target = station.targets[t]
    let risk = configuration.risk
    let file = station.file
    func at(_ key: String) -> String { "\(file):\(station.line(of: key)): \(key)" }
    let elapsedS = now - state.lastScanS
    let fraction = elapsedS / targetIntervalS[t]
    let scanSource: String
    if state.lastScanDrone >= 0, state.lastScanDrone < station.drones.count {
      scanSource =
        "scan by drone \(station.drones[state.lastScanDrone].id) at t=\(Int(state.lastScanS)) s; "
        + at("targets.\(t).interval_h")
    } else {
      scanSource = at("targets.\(t).last_inspected_h_ago") + " and " + at("targets.\(t).interval_h")
    }
    var factors = [
      RiskFactor(
        part: "probability", name: "time since last scan",
        input:
          "\(Self.hours(elapsedS)) h of a \(Self.hours(targetIntervalS[t])) h interval (\(Self.fixed(fraction)) intervals)",
        contribution: RiskModel.timeProbability(fraction: fraction, risk), source: scanSource),
      RiskFactor(
        part: "probability", name: "last finding", input: state.lastFinding.rawValue,
        contribution: state.findingProbability,
        source: state.lastScanDrone < 0 ? at("targets.\(t).last_finding") : scanSource),
    ]
    let flags = station.batches[target.batch]?.flags ?? []
    if flags.isEmpty {
      factors.append(
        RiskFactor(
          part: "probability", name: "batch provenance", input: "batch \(target.batch): no flags", contribution: 0,
          source: at("targets.\(t).batch")))
    }
    for flag in flags {
      factors.append(
        RiskFactor(
          part: "probability", name: "batch flag \(flag)", input: "batch \(target.batch)",
          contribution: risk.flagProbability[flag] ?? 0, source: at("batches.\(target.batch).flags")))
    }
    let evidence = state.evidence
    let evidenceModule = state.evidenceModule
    let named = station.modules.indices.contains(evidenceModule) ? station.modules[evidenceModule].id.rawValue : "?"
    factors.append(
      RiskFactor(
        part: "probability", name: "leak evidence",
        input: evidence == .none ? "none" : "\(evidence) in module \(named)",
        contribution: RiskModel.leakProbability(evidence, risk),
        source: evidence == .none
          ? "no leak_trend or leak alarm noted"
          : "\(evidence) for module \(named) at t=\(state.evidenceAtS.isFinite ? Int(state.evidenceAtS) : 0) s"))
    factors += RiskModel.consequenceFactors(ofTarget: t, in: station, risk)
    let score = score(
      t, lastScanS: state.lastScanS, findingProbability: state.findingProbability, evidence: evidence, now: now)
    var eligible = true
    var note = "eligible: probability \(Self.fixed(score.probability)) >= \(Self.fixed(risk.eligibleProbability))"
    if state.claimedBy >= 0, state.claimedBy < station.drones.count {
      eligible = false
      note = "assigned to drone \(station.drones[state.claimedBy].id)"
    } else if state.skippedUntilS > now {
      eligible = false
      note = "skipped by an operator until t=\(Int(state.skippedUntilS)) s"
    } else if state.underAlarm {
      note = "under a leak alarm: goes first"
    } else if state.requeued {
      note = "requeued by an operator: goes first"
    } else if elapsedS < risk.minimumIntervalFraction * targetIntervalS[t] {
      eligible = false
      note =
        "scanned \(Self.hours(elapsedS)) h ago: not again before \(Self.fixed(risk.minimumIntervalFraction)) of its interval"
    } else if score.probability < risk.eligibleProbability {
      eligible = false
      note = "not yet eligible: probability \(Self.fixed(score.probability)) < \(Self.fixed(risk.eligibleProbability))"
    }
    return RiskExplanation(target: target.id, score: score, factors: factors, eligible: eligible, note: note)
  }

  static func hours(_ seconds: Double) -> String { fixed(seconds / 3_600) }
  static func fixed(_ value: Double) -> String {
    guard value.isFinite else { return "\(value)" }
    let scaled = (value * 100).rounded() / 100
    return scaled == scaled.rounded() ? "\(Int(scaled))" : "\(scaled)"
  }
}
