import Station

/// Leak evidence about a module, from the leak detector (a `leak_trend`) or from leak
/// localisation (an alarm naming the module).
public enum LeakEvidence: UInt8, Sendable, Hashable, Comparable, CustomStringConvertible {
  /// Nothing known.
  case none = 0
  /// A `leak_trend` in the module: pressure falling faster than its background loss.
  case trend = 1
  /// Leak localisation named the module (a leak alarm): its targets preempt the plan.
  case alarm = 2

  public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }
  public var description: String {
    switch self {
    case .none: return "none"
    case .trend: return "leak_trend"
    case .alarm: return "leak_alarm"
    }
  }
}

/// The risk model's weights, all configurable; the defaults are documented in
/// docs/scheduler.md with their reasons.
///
/// Risk = probability x consequence, each on the 1...5 scale of a 5 x 5 risk matrix as
/// in risk-based inspection (API RP 580 sec. 6 and API RP 581 Part 1, which rank the
/// likelihood and the consequence of a failure in five categories each). The
/// scheduler keeps both as real numbers in [1, 5] so the ranking has no ties between
/// categories; ``RiskScore/probabilityCategory`` and ``RiskScore/consequenceCategory``
/// give the 1...5 categories of the matrix.
public struct RiskConfiguration: Sendable, Hashable {
  /// Probability just after a scan (elapsed 0).
  public var probabilityAtScan: Double = 1
  /// Probability when one full interval has elapsed (the target is due): rises
  /// linearly from ``probabilityAtScan``.
  public var probabilityAtDue: Double = 4
  /// Probability at twice the interval (and beyond): rises linearly from
  /// ``probabilityAtDue``.
  public var probabilityAtTwiceDue: Double = 5
  /// Added to the probability by the last finding: `[none, minor, major]`.
  public var findingProbability: [Double] = [0, 0.5, 1.5]
  /// Added to the probability by each provenance flag of the target's batch (flags
  /// not listed add nothing).
  public var flagProbability: [String: Double] = ["no-bid": 0.5, "falsified-records": 1.0]
  /// Added to the probability by leak evidence in the target's module:
  /// `[none, trend, alarm]`.
  public var leakProbability: [Double] = [0, 1.5, 4]
  /// Consequence by target kind.
  public var kindConsequence: [StationDescription.TargetKind: Double] = [.seal: 3, .weld: 2]
  /// Added to the consequence of a seal on a hatch that joins the return-vehicle module
  /// (the crew's way home).
  public var returnVehicleSealConsequence: Double = 2
  /// Added to the consequence of any other target in the return-vehicle module.
  public var returnVehicleModuleConsequence: Double = 1
  /// A target is scanned once its probability reaches this (a target whose batch,
  /// finding or module raises its probability becomes eligible earlier in its
  /// interval, so it is scanned more often). Default: the probability at 3/4 of an
  /// interval with no other factor.
  public var eligibleProbability: Double = 3.25
  /// No target is scanned again before this fraction of its interval has passed since
  /// its last scan (except under a leak alarm or after a requeue), however high its
  /// probability: a flagged batch with a major finding is scanned often, not always.
  public var minimumIntervalFraction: Double = 0.25

  public init() {}
}

/// One factor of a risk score, for `cloak plan --explain`.
public struct RiskFactor: Sendable, Hashable {
  /// `probability` or `consequence`.
  public var part: String
  /// What the factor is (`time since last scan`, `batch flag no-bid`).
  public var name: String
  /// The input's value in words (`137 h of 720 h`).
  public var input: String
  /// What it adds to its part.
  public var contribution: Double
  /// Where the input came from: `FILE:LINE: KEY.PATH`, a scan record, a leak event, or
  /// the configuration.
  public var source: String
}

/// A target's risk now, with its parts.
public struct RiskScore: Sendable, Hashable {
  /// Probability in [1, 5].
  public var probability: Double
  /// Consequence in [1, 5].
  public var consequence: Double
  /// probability x consequence, in [1, 25].
  public var risk: Double { probability * consequence }
  /// The 1...5 category of the probability (rounded half up).
  public var probabilityCategory: Int { Self.category(probability) }
  /// The 1...5 category of the consequence.
  public var consequenceCategory: Int { Self.category(consequence) }
  static func category(_ value: Double) -> Int { Int(min(max((value + 0.5).rounded(.down), 1), 5)) }
}

/// The risk model: one place for the formula (the planner's hot loop and the
/// explanation both call these functions).
public enum RiskModel {
  /// Probability from time: piecewise linear in `fraction` = elapsed / interval.
  @inline(__always)
  public static func timeProbability(fraction: Double, _ c: RiskConfiguration) -> Double {
    let f = max(fraction, 0)
    if f <= 1 { return c.probabilityAtScan + (c.probabilityAtDue - c.probabilityAtScan) * f }
    return c.probabilityAtDue + (c.probabilityAtTwiceDue - c.probabilityAtDue) * min(f - 1, 1)
  }

  /// Probability in [1, 5] from its parts.
  @inline(__always)
  public static func probability(fraction: Double, added: Double, _ c: RiskConfiguration) -> Double {
    min(max(timeProbability(fraction: fraction, c) + added, 1), 5)
  }

  /// The finding's added probability.
  public static func findingProbability(_ finding: StationDescription.Finding, _ c: RiskConfiguration) -> Double {
    let index = finding == .none ? 0 : finding == .minor ? 1 : 2
    return index < c.findingProbability.count ? c.findingProbability[index] : 0
  }

  /// The leak evidence's added probability.
  public static func leakProbability(_ evidence: LeakEvidence, _ c: RiskConfiguration) -> Double {
    let index = Int(evidence.rawValue)
    return index < c.leakProbability.count ? c.leakProbability[index] : 0
  }

  /// The batch flags' added probability.
  public static func provenanceProbability(_ flags: [String], _ c: RiskConfiguration) -> Double {
    flags.reduce(0) { $0 + (c.flagProbability[$1] ?? 0) }
  }

  /// The consequence in [1, 5] of the target at `index` in `station.targets`.
  public static func consequence(ofTarget index: Int, in station: StationDescription, _ c: RiskConfiguration) -> Double
  {
    consequenceFactors(ofTarget: index, in: station, c).reduce(0) { $0 + $1.contribution }.clamped(1, 5)
  }

  /// The consequence's factors (kind, return vehicle) of the target at `index`.
  static func consequenceFactors(
    ofTarget index: Int, in station: StationDescription, _ c: RiskConfiguration
  ) -> [RiskFactor] {
    let target = station.targets[index]
    var factors = [
      RiskFactor(
        part: "consequence", name: "target kind", input: target.kind.rawValue,
        contribution: c.kindConsequence[target.kind] ?? 1,
        source: "\(station.file):\(station.line(of: "targets.\(index).kind")): targets.\(index).kind")
    ]
    let returnModules = Set(station.returnVehicleModules)
    if target.kind == .seal, let hatchID = target.hatch, let hatch = station.hatch(hatchID),
      hatch.between.contains(where: returnModules.contains)
    {
      let hatchIndex = station.hatches.firstIndex { $0.id == hatchID } ?? -1
      factors.append(
        RiskFactor(
          part: "consequence", name: "seal on a hatch to the return vehicle",
          input: "hatch \(hatchID) joins \(hatch.between.map(\.rawValue).joined(separator: "-"))",
          contribution: c.returnVehicleSealConsequence,
          source: "\(station.file):\(station.line(of: "hatches.\(hatchIndex).between")): hatches.\(hatchIndex).between")
      )
    } else if returnModules.contains(target.module) {
      let moduleIndex = station.modules.firstIndex { $0.id == target.module } ?? -1
      factors.append(
        RiskFactor(
          part: "consequence", name: "in the return-vehicle module", input: "module \(target.module)",
          contribution: c.returnVehicleModuleConsequence,
          source:
            "\(station.file):\(station.line(of: "modules.\(moduleIndex).return_vehicle")): modules.\(moduleIndex).return_vehicle"
        ))
    }
    return factors
  }
}

extension Double {
  @inline(__always)
  func clamped(_ low: Double, _ high: Double) -> Double { Swift.min(Swift.max(self, low), high) }
}
