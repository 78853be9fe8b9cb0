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

extension InspectionPlanner {
  /// The factors of target `t`'s score at `now`, each with its source (the station
  /// file's line via ``StationDescription/line(of:)`` where there is one).
  public func explain(target t: Int, now: Double) -> RiskExplanation {
    let target = station.targets[t]
    let risk = configuration.risk
    let file = station.file
    func at(_ key: String) -> String { "\(file):\(station.line(of: key)): \(key)" }
    let elapsedS = now - lastScanS[t]
    let fraction = elapsedS / targetIntervalS[t]
    let scanSource: String
    switch lastScanSource[t] {
    case .stationFile: scanSource = at("targets.\(t).last_inspected_h_ago") + " and " + at("targets.\(t).interval_h")
    case .scan(let drone):
      scanSource =
        "scan by drone \(station.drones[drone].id) at t=\(Int(lastScanS[t])) s; " + at("targets.\(t).interval_h")
    }
    var factors = [
      RiskFactor(
        part: "probability", name: "time since last scan",
        input:
          "\(Self.hours(elapsedS)) h of a \(Self.hours(targetIntervalS[t])) h interval (\(Self.fixed(fraction)) intervals)",
        contribution: RiskModel.timeProbability(fraction: fraction, risk), source: scanSource),
      RiskFactor(
        part: "probability", name: "last finding", input: lastFinding[t].rawValue,
        contribution: findingProbability[t],
        source: lastScanSource[t] == .stationFile ? at("targets.\(t).last_finding") : scanSource),
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
    var evidence = leak[targetModule[t]]
    var evidenceModule = targetModule[t]
    if targetOtherModule[t] >= 0, leak[targetOtherModule[t]] > evidence {
      evidence = leak[targetOtherModule[t]]
      evidenceModule = targetOtherModule[t]
    }
    factors.append(
      RiskFactor(
        part: "probability", name: "leak evidence",
        input: evidence == .none ? "none" : "\(evidence) in module \(station.modules[evidenceModule].id)",
        contribution: RiskModel.leakProbability(evidence, risk),
        source: evidence == .none ? "no leak_trend or leak alarm noted" : leakSource[evidenceModule]))
    factors += RiskModel.consequenceFactors(ofTarget: t, in: station, risk)
    let score = score(t, now: now)
    var eligible = true
    var note = "eligible: probability \(Self.fixed(score.probability)) >= \(Self.fixed(risk.eligibleProbability))"
    if claimedBy[t] >= 0 {
      eligible = false
      note = "assigned to drone \(station.drones[claimedBy[t]].id)"
    } else if skippedUntilS[t] > now {
      eligible = false
      note = "skipped by an operator until t=\(Int(skippedUntilS[t])) s"
    } else if underAlarm(t) {
      note = "under a leak alarm: goes first"
    } else if requeued[t] {
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
