import Station

/// The guided isolation's planning rules over the station graph (issue 10): which
/// hatches to close to split a leaking segment in two, and the interlocks every closure
/// must keep. Pure values and functions, so the rules are tested by themselves; the
/// ``IsolationProcedure`` plans with them and the ``CommandArbiter`` enforces
/// ``mayClose(_:open:crew:)`` on every autonomy closure (``CrewInterlock``,
/// docs/leak-detection.md).
public struct IsolationPlan: Sendable {
  /// The station graph (module and hatch indices in station order).
  public let graph: StationGraph
  /// Indices of the return-vehicle modules.
  public let returnVehicles: [Int]

  public init(graph: StationGraph, returnVehicles: [Int]) {
    self.graph = graph
    self.returnVehicles = returnVehicles
  }

  /// The plan for `station`: its graph and its `return_vehicle` modules.
  public init(station: StationDescription) {
    self.init(
      graph: StationGraph(station),
      returnVehicles: station.modules.indices.filter { station.modules[$0].returnVehicle })
  }

  /// One split: close `hatches` and `sideA`, `sideB` (module indices, each connected) are
  /// measured apart.
  public struct Cut: Sendable, Hashable {
    public var hatches: [Int]
    public var sideA: [Int]
    public var sideB: [Int]
  }

  /// Whether every crew module is joined to a return-vehicle module through the hatches
  /// with `open[h]` (a station without a return vehicle: always true). `open` counts only
  /// hatches confirmed open.
  public func crewJoinedToReturnVehicle(open: [Bool], crew: [Int]) -> Bool {
    guard !returnVehicles.isEmpty else { return true }
    let segment = graph.segments(open: open)
    for module in crew where segment.indices.contains(module) {
      if !returnVehicles.contains(where: { segment.indices.contains($0) && segment[$0] == segment[module] }) {
        return false
      }
    }
    return true
  }

  /// Whether closing `hatches` keeps every crew module joined to a return vehicle, given
  /// the hatches confirmed open now (`open`). The interlock every closure checks first.
  public func mayClose(_ hatches: [Int], open: [Bool], crew: [Int]) -> Bool {
    var after = open
    for h in hatches where after.indices.contains(h) { after[h] = false }
    return crewJoinedToReturnVehicle(open: after, crew: crew)
  }

  /// The longest a hatch may stay closed across a segment losing `lossPctPerHour` at
  /// `pressurePa`: `fraction` of the time the pressure takes to fall by `reopenLimitPa`
  /// (domain.md, the station guidance: at most half the time the segment takes to drop
  /// 1 mmHg = 133.322 Pa), seconds; infinity when not losing.
  public static func maximumClosedSeconds(
    lossPctPerHour: Double, pressurePa: Double, reopenLimitPa: Double = 133.322_387_415, fraction: Double = 0.5
  ) -> Double {
    let fallPaPerSecond = lossPctPerHour / 100 * pressurePa / 3600
    guard fallPaPerSecond > 0, reopenLimitPa > 0, fraction > 0 else { return .infinity }
    return fraction * reopenLimitPa / fallPaPerSecond
  }

  /// The split of the `candidates` (module indices, the suspects) with the most balanced
  /// sides, then the fewest hatches: hatches with a candidate at one end at least (so a
  /// ring through cleared modules can be broken), open now and `usable` (not jammed or
  /// faulted), closed so that the candidates fall in exactly two segments, each closure
  /// needed, and allowed by ``mayClose(_:open:crew:)``. A side's segment may hold cleared
  /// modules too; the side holding the leak is the one whose segment loses gas. nil when none exists
  /// (one candidate, or every split is forbidden). Tries every subset of the candidate
  /// hatches, so at most 16 of them are considered (the first 16 in station order).
  public func cut(candidates: [Int], open: [Bool], usable: [Bool], crew: [Int]) -> Cut? {
    guard candidates.count >= 2 else { return nil }
    let inside = Set(candidates)
    let within = graph.hatchEnds.indices.filter { h in
      let ends = graph.hatchEnds[h]
      return h < open.count && open[h] && (h >= usable.count || usable[h])
        && (inside.contains(ends.a) || inside.contains(ends.b))
    }.prefix(16)
    let hatches = Array(within)
    var best: (imbalance: Int, count: Int, cut: Cut)?
    for mask in 1..<(1 << hatches.count) {
      var close: [Int] = []
      for (bit, h) in hatches.enumerated() where mask & (1 << bit) != 0 { close.append(h) }
      if let best, close.count > best.count && best.imbalance == 0 { continue }
      var after = open
      for h in close { after[h] = false }
      let segment = graph.segments(open: after)
      let labels = Set(candidates.map { segment[$0] })
      guard labels.count == 2, let first = labels.min() else { continue }
      // Every closed hatch must separate the two sides (no needless closure).
      let sideA = candidates.filter { segment[$0] == first }
      let sideB = candidates.filter { segment[$0] != first }
      let needless = close.contains { segment[graph.hatchEnds[$0].a] == segment[graph.hatchEnds[$0].b] }
      guard !needless, mayClose(close, open: open, crew: crew) else { continue }
      let imbalance = abs(sideA.count - sideB.count)
      if let current = best,
        imbalance > current.imbalance || (imbalance == current.imbalance && close.count >= current.count)
      {
        continue
      }
      best = (imbalance, close.count, Cut(hatches: close, sideA: sideA, sideB: sideB))
    }
    return best?.cut
  }
}
