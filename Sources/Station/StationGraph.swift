/// The station as a graph: modules are nodes, hatches are edges. Answers the questions
/// the leak detector, the isolation procedure and the scheduler ask of the topology:
/// which modules share one pressure (a segment) given which hatches are open, and
/// whether a path exists between two modules.
///
/// Indices are positions in ``StationDescription/modules`` and
/// ``StationDescription/hatches``; every query is O(modules + hatches).
public struct StationGraph: Hashable, Sendable {
  /// Module count.
  public let moduleCount: Int
  /// For each hatch: the indices of the two modules it joins.
  public let hatchEnds: [HatchEnds]

  /// The two module indices a hatch joins.
  public struct HatchEnds: Hashable, Sendable {
    public var a: Int
    public var b: Int
    public init(a: Int, b: Int) {
      self.a = a
      self.b = b
    }
  }

  /// Builds the graph of `station` (references already resolved by the loader; a hatch
  /// naming an unknown module is left out).
  public init(_ station: StationDescription) {
    var index: [ModuleID: Int] = [:]
    for (position, module) in station.modules.enumerated() { index[module.id] = position }
    moduleCount = station.modules.count
    hatchEnds = station.hatches.map { hatch in
      let a = hatch.between.first.flatMap { index[$0] } ?? -1
      let b = hatch.between.dropFirst().first.flatMap { index[$0] } ?? -1
      return HatchEnds(a: a, b: b)
    }
  }

  /// Builds a graph from raw ends (tests and generated stations).
  public init(moduleCount: Int, hatchEnds: [HatchEnds]) {
    self.moduleCount = moduleCount
    self.hatchEnds = hatchEnds
  }

  /// The segment (component) index of every module when the hatches with
  /// `open[h] == true` are open: modules in one segment share one pressure. Segment
  /// numbers are the smallest module index in the segment.
  public func segments(open: [Bool]) -> [Int] {
    var parent = Array(0..<moduleCount)
    func find(_ x: Int) -> Int {
      var x = x
      while parent[x] != x {
        parent[x] = parent[parent[x]]
        x = parent[x]
      }
      return x
    }
    for (h, ends) in hatchEnds.enumerated() where h < open.count && open[h] {
      guard (0..<moduleCount).contains(ends.a), (0..<moduleCount).contains(ends.b) else { continue }
      let ra = find(ends.a)
      let rb = find(ends.b)
      if ra != rb { parent[max(ra, rb)] = min(ra, rb) }
    }
    return (0..<moduleCount).map { find($0) }
  }

  /// Whether every module is reachable from every other with all hatches open.
  public var isConnected: Bool {
    guard moduleCount > 0 else { return true }
    return Set(segments(open: Array(repeating: true, count: hatchEnds.count))).count == 1
  }

  /// Whether modules `a` and `b` are joined when the hatches with `open[h]` are open.
  public func connected(_ a: Int, _ b: Int, open: [Bool]) -> Bool {
    let segment = segments(open: open)
    return segment.indices.contains(a) && segment.indices.contains(b) && segment[a] == segment[b]
  }

  /// Hatch indices on a shortest path (fewest hatches) from module `from` to module
  /// `to`, using only hatches with `usable[h]`; `nil` when there is none.
  public func path(from: Int, to: Int, usable: [Bool]) -> [Int]? {
    guard (0..<moduleCount).contains(from), (0..<moduleCount).contains(to) else { return nil }
    if from == to { return [] }
    var via = [Int](repeating: -1, count: moduleCount)
    shortestPathTree(from: from, usable: usable, via: &via)
    guard via[to] >= 0 else { return nil }
    var hatches: [Int] = []
    var at = to
    while at != from, via[at] >= 0 {
      let h = via[at]
      hatches.append(h)
      let ends = hatchEnds[h]
      at = ends.a == at ? ends.b : ends.a
    }
    return hatches.reversed()
  }

  /// The breadth-first tree of shortest paths (fewest hatches) from module `from` over
  /// the hatches with `usable[h]`: on return `via[m]` is the hatch through which module
  /// `m` is first reached, or -1 for `from` itself and for modules not reachable.
  /// `via` must have ``moduleCount`` elements. Allocates its queue (callers run it on
  /// topology changes, not per tick). The one search behind ``path(from:to:usable:)``.
  public func shortestPathTree(from: Int, usable: [Bool], via: inout [Int]) {
    for index in via.indices { via[index] = -1 }
    guard (0..<moduleCount).contains(from), via.count >= moduleCount else { return }
    var seen = [Bool](repeating: false, count: moduleCount)
    seen[from] = true
    var queue = [from]
    queue.reserveCapacity(moduleCount)
    var head = 0
    while head < queue.count {
      let here = queue[head]
      head += 1
      for (h, ends) in hatchEnds.enumerated() where h < usable.count && usable[h] {
        let next: Int
        if ends.a == here { next = ends.b } else if ends.b == here { next = ends.a } else { continue }
        guard (0..<moduleCount).contains(next), !seen[next] else { continue }
        seen[next] = true
        via[next] = h
        queue.append(next)
      }
    }
  }
}
