import Station
import Testing

@testable import Scheduler

/// Schedule quality over 30 days of the demo station, in the planner-level fleet
/// simulation of ``HorizonPlan`` (the station simulation of issue 9 is not on this
/// branch; these run again there when it lands).
@Suite struct QualityTests {
  static let days30 = 30 * 86_400.0

  /// Each target's worst lateness over the plan (seconds past due before its next scan
  /// starts; the time before the first scan counts from the file's last inspection).
  static func worstLateness(_ station: StationDescription, _ plan: HorizonPlan) -> [TargetID: Double] {
    var worst: [TargetID: Double] = [:]
    for target in station.targets {
      let interval = target.intervalH * 3_600
      var due = -target.lastInspectedHAgo * 3_600 + interval
      var late = 0.0
      for scan in plan.scans.filter({ $0.target == target.id }).sorted(by: { $0.arriveS < $1.arriveS }) {
        late = max(late, scan.arriveS - due)
        due = scan.endS + interval
      }
      late = max(late, plan.horizonS - due)
      worst[target.id] = late
    }
    return worst
  }

  @Test("with the fleet's capacity, no demo target is ever overdue by more than half its interval in 30 days")
  func demoWithinHalfInterval() throws {
    let station = try Stations.demo()
    let plan = HorizonPlan.make(station: station, horizonS: Self.days30)
    let worst = Self.worstLateness(station, plan)
    for target in station.targets {
      #expect(
        worst[target.id, default: .infinity] <= target.intervalH * 3_600 / 2,
        "\(target.id) late by \((worst[target.id] ?? 0) / 3_600) h")
    }
    #expect(plan.scans.count > 40)
  }

  @Test("flagged-batch seals are inspected at least as often as their unflagged twins")
  func flaggedAtLeastAsOften() throws {
    var station = try Stations.demo()
    let plain = BatchID(unchecked: "b-2019-017")
    let flagged = station.targets.filter { target in
      target.kind == .seal && !(station.batches[target.batch]?.flags.isEmpty ?? true)
    }
    #expect(flagged.count >= 4)
    for target in flagged {
      var twin = target
      twin.id = TargetID(unchecked: target.id.rawValue + "-twin")
      twin.batch = plain
      station.targets.append(twin)
    }
    let plan = HorizonPlan.make(station: station, horizonS: Self.days30)
    for target in flagged {
      let own = plan.scans.filter { $0.target == target.id }.count
      let twin = plan.scans.filter { $0.target.rawValue == target.id.rawValue + "-twin" }.count
      #expect(own >= twin, "\(target.id): \(own) scans, its unflagged twin \(twin)")
    }
    let ownTotal = flagged.map { t in plan.scans.filter { $0.target == t.id }.count }.reduce(0, +)
    let twinTotal: Int = flagged.map { t in
      plan.scans.filter { $0.target.rawValue == t.id.rawValue + "-twin" }.count
    }.reduce(0, +)
    #expect(ownTotal > twinTotal)
  }

  @Test("without the capacity, the highest-risk targets are never the ones left overdue")
  func overloadSparesHighestRisk() throws {
    var station = try Stations.demo()
    // One slow drone and intervals a two-hundredth of the demo's: far more work than it can do.
    station.drones = [station.drones[0]]
    station.drones[0].speedMS = 0.2
    for index in station.targets.indices {
      station.targets[index].intervalH /= 200
      station.targets[index].lastInspectedHAgo /= 200
    }
    let plan = HorizonPlan.make(station: station, horizonS: Self.days30)
    let worst = Self.worstLateness(station, plan)
    let planner = InspectionPlanner(station: station)
    let consequence = Dictionary(
      uniqueKeysWithValues: station.targets.indices.map {
        (station.targets[$0].id, planner.score($0, now: 0).consequence)
      })
    let fraction = Dictionary(
      uniqueKeysWithValues: station.targets.map { ($0.id, worst[$0.id, default: 0] / ($0.intervalH * 3_600)) })
    // The fleet is overloaded: something is left well overdue.
    #expect(fraction.values.contains { $0 > 0.5 })
    // The highest-consequence targets (seals on the hatch to the return vehicle) never are.
    let top = station.targets.filter { consequence[$0.id] == 5 }
    #expect(!top.isEmpty)
    for target in top {
      #expect(fraction[target.id, default: 1] <= 0.5, "\(target.id) overdue by \(fraction[target.id] ?? 0) intervals")
    }
    // And the targets left most overdue are of the lowest consequence present.
    let lowest = consequence.values.min() ?? 0
    let worstTarget = fraction.max { $0.value < $1.value }?.key
    #expect(worstTarget.flatMap { consequence[$0] } == lowest)
  }
}
