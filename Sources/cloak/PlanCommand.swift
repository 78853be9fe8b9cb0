import ArgumentParser
import Foundation
import Scheduler
import Station

/// `cloak plan [--station FILE] [--horizon DURATION] [--json] [--explain ID]`: the
/// inspection schedule for the horizon, planned from the station file alone (no board):
/// which drone scans which target when, and which targets will be past due and why.
struct PlanCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "plan",
    abstract: "The inspection schedule planned from the station file (no board needed).",
    discussion: """
      Risk = probability x consequence on the 5 x 5 scale of risk-based inspection \
      (docs/scheduler.md). --explain TARGET shows every factor of one target's score and \
      the station file line it came from.
      """
  )

  @OptionGroup var stationOption: StationOption
  @Option(
    help: "How far ahead to plan (90s, 15m, 36h, 30d; a plain number is seconds; default: 1d).",
    transform: DurationArgument.parse)
  var horizon = DurationArgument(seconds: 86_400)
  @Flag(help: "Print one JSON object (assignments, overdue).") var json = false
  @Option(help: "Explain one target's risk score, factor by factor.") var explain: String?

  func validate() throws {
    try horizon.requirePositive("--horizon")
  }

  func run() throws {
    let station = try stationOption.loadOrExit()
    if let explain {
      guard let id = TargetID(parsing: explain), let index = station.targets.firstIndex(where: { $0.id == id }) else {
        printError("cloak plan: no target '\(explain)' in station \(station.name) (\(station.file))")
        throw ExitCode(1)
      }
      let planner = InspectionPlanner(station: station)
      let explanation = planner.explain(target: index, now: 0)
      if json { print(Self.json(explanation)) } else { print(Self.text(explanation)) }
      return
    }
    let plan = HorizonPlan.make(station: station, horizonS: horizon.seconds)
    if json { print(Self.json(plan, station: station)) } else { print(Self.table(plan, station: station)) }
  }

  static func fixed(_ value: Double, _ digits: Int = 1) -> String { String(format: "%.\(digits)f", value) }

  static func text(_ e: RiskExplanation) -> String {
    var lines = [
      "\(e.target): risk \(fixed(e.score.risk, 2)) = probability \(fixed(e.score.probability, 2)) "
        + "(category \(e.score.probabilityCategory)) x consequence \(fixed(e.score.consequence, 2)) "
        + "(category \(e.score.consequenceCategory))"
    ]
    for part in ["probability", "consequence"] {
      lines.append("\(part):")
      for factor in e.factors where factor.part == part {
        let sign = factor.contribution >= 0 ? "+" : ""
        lines.append("  \(sign)\(fixed(factor.contribution, 2))  \(factor.name): \(factor.input)")
        lines.append("         from \(factor.source)")
      }
    }
    if e.factors.contains(where: { $0.part == "probability" }) {
      lines.append("(probability and consequence are each clamped to 1...5)")
    }
    lines.append(e.note)
    return lines.joined(separator: "\n")
  }

  static func table(_ plan: HorizonPlan, station: StationDescription) -> String {
    var lines = ["Plan for \(station.name) over \(DurationText.format(plan.horizonS)): \(plan.scans.count) scans"]
    lines.append("  start      end        drone  module       target                               risk")
    for scan in plan.scans {
      lines.append(
        "  " + clock(scan.startS).padding(11) + clock(scan.endS).padding(11) + scan.drone.rawValue.padding(7)
          + scan.module.rawValue.padding(13) + scan.target.rawValue.padding(37) + fixed(scan.risk, 2))
    }
    if plan.overdue.isEmpty {
      lines.append("No target falls past due within the horizon.")
    } else {
      lines.append("Past due within the horizon:")
      for item in plan.overdue {
        let when = item.dueS <= 0 ? "due at start" : "due at \(clock(item.dueS))"
        let scanned = item.scannedS.map { ", scanned at \(clock($0))" } ?? ", not scanned in the horizon"
        lines.append("  \(item.target.rawValue): \(when)\(scanned): \(item.reason)")
      }
    }
    return lines.joined(separator: "\n")
  }

  /// `+DdHH:MM:SS` from plan start.
  static func clock(_ seconds: Double) -> String {
    let total = Int(max(seconds, 0).rounded())
    let days = total / 86_400
    let rest = total % 86_400
    let hms = String(format: "%02d:%02d:%02d", rest / 3_600, rest % 3_600 / 60, rest % 60)
    return days > 0 ? "+\(days)d\(hms)" : "+\(hms)"
  }

  static func json(_ plan: HorizonPlan, station: StationDescription) -> String {
    var object: [String: Any] = [
      "station": station.name, "horizon_s": plan.horizonS,
      "assignments": plan.scans.map { scan -> [String: Any] in
        [
          "drone": scan.drone.rawValue, "target": scan.target.rawValue, "module": scan.module.rawValue,
          "start_s": scan.startS, "arrive_s": scan.arriveS, "end_s": scan.endS, "risk": scan.risk,
        ]
      },
      "overdue": plan.overdue.map { item -> [String: Any] in
        var entry: [String: Any] = ["target": item.target.rawValue, "due_s": item.dueS, "reason": item.reason]
        if let scanned = item.scannedS { entry["scanned_s"] = scanned }
        return entry
      },
    ]
    object["scans"] = plan.scans.count
    return encode(object)
  }

  static func json(_ e: RiskExplanation) -> String {
    encode([
      "target": e.target.rawValue, "risk": e.score.risk, "probability": e.score.probability,
      "consequence": e.score.consequence, "probability_category": e.score.probabilityCategory,
      "consequence_category": e.score.consequenceCategory, "eligible": e.eligible, "note": e.note,
      "factors": e.factors.map {
        ["part": $0.part, "name": $0.name, "input": $0.input, "contribution": $0.contribution, "source": $0.source]
          as [String: Any]
      },
    ])
  }

  static func encode(_ object: [String: Any]) -> String {
    guard let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]),
      let text = String(data: data, encoding: .utf8)
    else { return "{}" }
    return text
  }
}

extension String {
  fileprivate func padding(_ width: Int) -> String {
    count >= width ? self + " " : self + String(repeating: " ", count: width - count)
  }
}
