import Controller
import Station
import Testing

/// The isolation plan's interlocks over randomised crew positions, leak locations and
/// hatch jams (seeded; decision 1302's style).
@Suite struct IsolationPlanTests {
  /// The demo station's graph (stations/demo.yaml): node1 0, lab 1, node2 2, hab 3,
  /// logistics 4, airlock 5, node3 6, dock 7 (return vehicle).
  static let demo = IsolationPlan(
    graph: StationGraph(
      moduleCount: 8,
      hatchEnds: [(0, 1), (1, 2), (2, 3), (2, 4), (0, 5), (0, 7), (5, 6), (6, 3)].map {
        StationGraph.HatchEnds(a: $0.0, b: $0.1)
      }), returnVehicles: [7])

  /// A binary search on a toy station: closes each cut's hatches one by one (a jammed
  /// hatch does not move and is marked unusable; the step's closures are undone and the
  /// plan retried), sees which side holds the leak, reopens, narrows. Checks the crew
  /// interlock before and after every closure. Returns the located module or nil.
  static func search(
    plan: IsolationPlan, leak: Int, crew: [Int], jammed: Set<Int>, violations: inout Int
  ) -> Int? {
    let hatchCount = plan.graph.hatchEnds.count
    var open = [Bool](repeating: true, count: hatchCount)
    var usable = [Bool](repeating: true, count: hatchCount)
    var candidates = Array(0..<plan.graph.moduleCount)
    for _ in 0..<(4 * hatchCount + 8) {
      if candidates.count == 1 { return candidates[0] }
      guard let cut = plan.cut(candidates: candidates, open: open, usable: usable, crew: crew) else { return nil }
      var closed: [Int] = []
      var jam = false
      for h in cut.hatches {
        if !plan.mayClose([h], open: open, crew: crew) { violations += 1 }
        if jammed.contains(h) {
          usable[h] = false
          jam = true
          break
        }
        open[h] = false
        closed.append(h)
        if !plan.crewJoinedToReturnVehicle(open: open, crew: crew) { violations += 1 }
      }
      let side = cut.sideA.contains(leak) ? cut.sideA : cut.sideB
      for h in closed { open[h] = true }
      if !jam { candidates = side }
    }
    return nil
  }

  @Test("no closure ever separates a crew member from the return vehicle; a located leak is the leak")
  func interlocksHoldOverRandomCases() {
    var random = SplitMix64(seed: 0x1501_0910)
    var located = 0
    let cases = 400
    for _ in 0..<cases {
      let crew = (0..<(1 + random.below(3))).map { _ in random.below(8) }
      let leak = random.below(8)
      var jammed = Set<Int>()
      for h in 0..<8 where random.chance(0.15) { jammed.insert(h) }
      var violations = 0
      let found = Self.search(plan: Self.demo, leak: leak, crew: crew, jammed: jammed, violations: &violations)
      #expect(violations == 0, "crew \(crew), leak \(leak), jammed \(jammed.sorted())")
      if let found {
        #expect(found == leak, "crew \(crew), jammed \(jammed.sorted())")
        located += 1
      }
    }
    // Many cases are located; the rest are blocked by the crew interlock or by jams (each
    // hatch jams with probability 0.15): 160 of 400 for this seed.
    #expect(located > cases / 4, "located \(located) of \(cases)")
  }

  @Test("without crew or jams every module is located, in at most four cuts of the demo station")
  func everyModuleLocatedWithoutConstraints() {
    for leak in 0..<8 {
      var violations = 0
      let found = Self.search(plan: Self.demo, leak: leak, crew: [], jammed: [], violations: &violations)
      #expect(found == leak)
      #expect(violations == 0)
    }
  }

  @Test("a crew member in the hab: no cut closes every way from the hab to the dock")
  func crewInHabKeepsAWayToTheDock() {
    let open = [Bool](repeating: true, count: 8)
    let cut = Self.demo.cut(candidates: Array(0..<8), open: open, usable: open, crew: [3])
    let chosen = try? #require(cut)
    if let chosen {
      var after = open
      for h in chosen.hatches { after[h] = false }
      #expect(Self.demo.graph.connected(3, 7, open: after))
    }
    #expect(!Self.demo.mayClose([2, 7], open: open, crew: [3]))
  }

  @Test("maximum closed time: half the time to fall 1 mmHg (0.3 %/h at 101325 Pa: 790 s)")
  func maximumClosedTime() {
    let seconds = IsolationPlan.maximumClosedSeconds(lossPctPerHour: 0.3, pressurePa: 101_325)
    #expect(abs(seconds - 789.6) < 1, "\(seconds) s")
    #expect(IsolationPlan.maximumClosedSeconds(lossPctPerHour: 0, pressurePa: 101_325) == .infinity)
  }
}
