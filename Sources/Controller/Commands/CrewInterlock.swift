import Atomics
import Station

/// Where the crew are: a bit mask over the station's modules (bit `m` = module `m` in
/// station order; at most 64 modules), shared lock-free by every thread. Set at start
/// from the station file's `crew.modules`; a crew location report (the simulation's
/// `crew_move`) sets it again. The arbiter hands each change to the authority policy
/// (``AuthorityPolicy/crewMoved(to:)``), the crew interlock reads it for every autonomy
/// hatch closure, and the isolation procedure aborts when it changes.
public final class CrewLocation: @unchecked Sendable {
  /// The station's modules in station order (the mask's bit order).
  public let modules: [ModuleID]
  private let mask: ManagedAtomic<UInt64>

  /// `crew`: the modules where crew are now (ids not among `modules`, and modules past
  /// the 64th, are ignored).
  public init(modules: [ModuleID], crew: [ModuleID]) {
    self.modules = modules
    mask = ManagedAtomic(Self.bits(of: crew, in: modules))
  }

  /// The station's modules, crew where its `crew.modules` says.
  public convenience init(station: StationDescription) {
    self.init(modules: station.modules.map(\.id), crew: station.crew.modules)
  }

  /// The crew's modules as a bit mask (any thread).
  public var bits: UInt64 { mask.load(ordering: .acquiring) }

  /// Sets where the crew are (any thread).
  public func set(_ crew: [ModuleID]) { mask.store(Self.bits(of: crew, in: modules), ordering: .releasing) }

  /// Module indices (station order) of `bits`.
  public func indices(_ bits: UInt64) -> [Int] {
    modules.indices.filter { $0 < 64 && bits & (1 << UInt64($0)) != 0 }
  }

  /// Module ids of `bits`.
  public func ids(_ bits: UInt64) -> [ModuleID] { indices(bits).map { modules[$0] } }

  static func bits(of crew: [ModuleID], in modules: [ModuleID]) -> UInt64 {
    var bits: UInt64 = 0
    for id in crew {
      if let index = modules.firstIndex(of: id), index < 64 { bits |= 1 << UInt64(index) }
    }
    return bits
  }
}

/// The rule no autonomy hatch closure may break, in one place: after the closure every
/// crew module is still joined to a return-vehicle module through hatches confirmed
/// open (``IsolationPlan/mayClose(_:open:crew:)``, domain.md: never close a hatch that
/// cuts the crew off from the return vehicle). The ``CommandArbiter`` applies it to
/// every `hatch_close` from `autonomy`, whoever planned it (decision 0920).
public struct CrewInterlock: Sendable {
  /// The station's graph and return vehicles (hatch indices = the arbiter's hatch order).
  public let plan: IsolationPlan
  /// Where the crew are.
  public let crew: CrewLocation

  public init(plan: IsolationPlan, crew: CrewLocation) {
    self.plan = plan
    self.crew = crew
  }

  /// The interlock of `station`, crew where its file says.
  public init(station: StationDescription) {
    self.init(plan: IsolationPlan(station: station), crew: CrewLocation(station: station))
  }

  /// Whether hatch `hatch` may be closed, given `open[h]` = hatch `h` is confirmed open
  /// now (resting at its open stop, no order pending). A hatch index outside the graph,
  /// or an `open` of the wrong length, is refused. Allocates (the segments): rare.
  public func mayClose(hatch: Int, open: [Bool]) -> Bool {
    guard open.count == plan.graph.hatchEnds.count, open.indices.contains(hatch) else { return false }
    return plan.mayClose([hatch], open: open, crew: crew.indices(crew.bits))
  }
}
