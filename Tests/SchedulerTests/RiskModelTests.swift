import Station
import Testing

@testable import Scheduler

@Suite struct RiskModelTests {
  @Test("probability rises with time: 1 at a scan, 4 when due, 5 at twice the interval")
  func timeCurve() {
    let c = RiskConfiguration()
    #expect(RiskModel.timeProbability(fraction: 0, c) == 1)
    #expect(RiskModel.timeProbability(fraction: 1, c) == 4)
    #expect(RiskModel.timeProbability(fraction: 2, c) == 5)
    #expect(RiskModel.timeProbability(fraction: 9, c) == 5)
    #expect(RiskModel.timeProbability(fraction: 0.5, c) == 2.5)
  }

  @Test("finding, batch flags and leak evidence raise the probability; the return-vehicle seal weighs most")
  func factorsRaiseRisk() throws {
    let station = try Stations.demo()
    let planner = InspectionPlanner(station: station)
    func index(_ id: String) throws -> Int { try #require(planner.targetIndex(TargetID(unchecked: id))) }
    // Same interval (168 h), same age (130 h); b-2021-044 is flagged, the hab side had a minor finding.
    let flagged = planner.score(try index("seal-node3-hab-node3"), now: 0)
    let flaggedMinor = planner.score(try index("seal-node3-hab-hab"), now: 0)
    #expect(flaggedMinor.probability > flagged.probability)
    // A flagged seal against an unflagged one at the same fraction of its interval.
    let plain = RiskModel.probability(fraction: 0.5, added: 0, RiskConfiguration())
    let withFlags = RiskModel.probability(
      fraction: 0.5, added: RiskModel.provenanceProbability(["no-bid", "falsified-records"], RiskConfiguration()),
      RiskConfiguration())
    #expect(withFlags == plain + 1.5)
    // Consequence: the seals of the hatch to the dock (return vehicle) are 5, other seals 3, welds 2.
    let dockSeal = planner.score(try index("seal-node1-dock-dock"), now: 0)
    #expect(dockSeal.consequence == 5)
    #expect(planner.score(try index("seal-node1-lab"), now: 0).consequence == 3)
    #expect(planner.score(try index("weld-lab-seam"), now: 0).consequence == 2)
    #expect(planner.score(try index("weld-dock-seam"), now: 0).consequence == 3)
    // Leak evidence: a trend in the lab raises its targets; an alarm more.
    let lab = try index("weld-lab-seam")
    let before = planner.score(lab, now: 0).probability
    planner.noteLeakEvidence(module: ModuleID(unchecked: "lab"), kind: .trend, at: 0)
    let trend = planner.score(lab, now: 0).probability
    planner.noteLeakEvidence(module: ModuleID(unchecked: "lab"), kind: .alarm, at: 0)
    let alarm = planner.score(lab, now: 0).probability
    #expect(before < trend && trend < alarm)
    #expect(alarm <= 5)
    // The lab-side seal of hatch node2 counts the lab's evidence, and so does its twin on the node2 side.
    #expect(planner.underAlarm(try index("seal-node2-node2")))
    #expect(!planner.underAlarm(try index("seal-node2-hab-hab")))
  }

  @Test("--explain names every factor and the station file line it came from")
  func explanation() throws {
    let station = try Stations.demo()
    let planner = InspectionPlanner(station: station)
    let t = try #require(planner.targetIndex(TargetID(unchecked: "seal-node2-hab-node2")))
    let explanation = planner.explain(target: t, now: 0)
    let names = explanation.factors.map(\.name)
    #expect(
      names == [
        "time since last scan", "last finding", "batch flag no-bid", "batch flag falsified-records", "leak evidence",
        "target kind",
      ])
    // Every station-file source names the file and a real line.
    let line = station.line(of: "targets.\(t).last_inspected_h_ago")
    #expect(line > 90)
    #expect(explanation.factors[0].source.contains("demo.yaml:\(line): targets.\(t).last_inspected_h_ago"))
    #expect(explanation.factors[2].source.contains("demo.yaml:\(station.line(of: "batches.b-2021-044.flags"))"))
    #expect(station.line(of: "batches.b-2021-044.flags") == 90)
    // The factors add up to the score.
    let probability = explanation.factors.filter { $0.part == "probability" }.reduce(0) { $0 + $1.contribution }
    #expect(abs(min(max(probability, 1), 5) - explanation.score.probability) < 1e-9)
    let dock = try #require(planner.targetIndex(TargetID(unchecked: "seal-node1-dock-node1")))
    let rv = planner.explain(target: dock, now: 0).factors.last
    #expect(rv?.name == "seal on a hatch to the return vehicle")
    #expect(rv?.source.contains("hatches.5.between") == true)
  }

  @Test("categories of the 5 x 5 matrix")
  func categories() {
    #expect(RiskScore(probability: 1, consequence: 5).probabilityCategory == 1)
    #expect(RiskScore(probability: 2.49, consequence: 4.5).probabilityCategory == 2)
    #expect(RiskScore(probability: 2.5, consequence: 4.5).consequenceCategory == 5)
    #expect(RiskScore(probability: 4, consequence: 3).risk == 12)
  }
}
