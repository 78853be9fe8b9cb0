import Atomics
import HAL
import Station

/// Judges freshness and quorum per module: a module whose pressure sensors are all
/// stale or excluded is blind (``EventCode/moduleBlind`` for that module: leak watch is
/// impossible there), distinct from one sensor's fault; it is watched again
/// (``EventCode/moduleWatched``) once one sensor delivers. Safe mode on stale data
/// (``SafeModeReason/staleData``) follows the station's ``StationDescription/BlindPolicy``:
/// by default only when no module can be watched (``EventCode/quorumLost``).
///
/// Put it first in the actuator group: the actuators after it in the same cycle then
/// already see safe mode, so the safe state is reached within one actuator period of
/// the data going stale. A reading is fresh when its device is not excluded and its
/// last good sample is at most `staleAfter` old at the cycle's deadline; before the
/// first sample, the monitor's first cycle stands in for it (a start-up grace).
public final class StaleDataMonitor: RateGroupMember, @unchecked Sendable {
  /// One watched module: its event subject and its sensors' readings.
  public struct WatchedModule {
    public var id: ModuleID
    public var readings: [Snapshot<SamplerReading>]
    public init(id: ModuleID, readings: [Snapshot<SamplerReading>]) {
      self.id = id
      self.readings = readings
    }
  }

  public let name: String
  private let readings: [[Snapshot<SamplerReading>]]
  private let moduleSources: [EventSource]
  private let policy: StationDescription.BlindPolicy
  private let staleAfterNanoseconds: Int64
  private let latch: SafetyLatch
  private let events: EventSink
  private let source: EventSource
  private var firstCycle: MonotonicInstant?
  private var blind: [Bool]
  private var quorumLost = false
  /// Fresh sensors per module on the last cycle (module order as given).
  public private(set) var freshCounts: [Int]
  /// Modules watched (at least one fresh sensor) on the last cycle.
  public private(set) var watchedCount = 0
  private let blindBits = ManagedAtomic<UInt64>(0)

  /// The modules blind on the last cycle as a bit mask (bit `i`: module number `i` in the
  /// order given; the first 64 modules), for any thread: the leak group's isolation
  /// procedure reads it every cycle (decision 0923). Lock-free, no allocation.
  public var blindModules: UInt64 { blindBits.load(ordering: .relaxed) }

  public init(
    name: String = "stale-data-monitor", modules: [WatchedModule], policy: StationDescription.BlindPolicy,
    staleAfter: Duration, latch: SafetyLatch, events: EventSink
  ) {
    self.name = name
    self.readings = modules.map(\.readings)
    self.moduleSources = modules.map { events.register(EventSubject(module: $0.id)) }
    self.policy = policy
    self.staleAfterNanoseconds = staleAfter.nanosecondsSaturated
    self.latch = latch
    self.events = events
    self.source = events.registerSource(name)
    blind = Array(repeating: false, count: modules.count)
    freshCounts = Array(repeating: 0, count: modules.count)
  }

  /// Whether module number `index` (in the order given) is blind.
  public func isBlind(_ index: Int) -> Bool { blind.indices.contains(index) && blind[index] }

  public func run(_ tick: TickContext) {
    let start = firstCycle ?? tick.deadline
    firstCycle = start
    var watched = 0
    var anyBlind = false
    for module in readings.indices {
      var fresh = 0
      for snapshot in readings[module] {
        let reading = snapshot.read()
        guard reading.status != .excluded else { continue }
        let stamp = reading.timestamp ?? start
        if tick.deadline.nanoseconds &- stamp.nanoseconds <= staleAfterNanoseconds { fresh += 1 }
      }
      freshCounts[module] = fresh
      let isBlind = fresh == 0
      if isBlind != blind[module] {
        blind[module] = isBlind
        if module < 64 {
          let bit: UInt64 = 1 << UInt64(module)
          // One writer (this member): a plain store of the new mask.
          let mask = blindBits.load(ordering: .relaxed)
          blindBits.store(isBlind ? mask | bit : mask & ~bit, ordering: .relaxed)
        }
        events.emit(
          isBlind ? .error : .info, isBlind ? .moduleBlind : .moduleWatched, source: moduleSources[module],
          value: Int64(fresh))
      }
      if isBlind { anyBlind = true } else { watched += 1 }
    }
    watchedCount = watched
    let allBlind = watched == 0 && !readings.isEmpty
    if allBlind != quorumLost {
      quorumLost = allBlind
      if allBlind { events.emit(.error, .quorumLost, source: source, value: 0) }
    }
    switch policy {
    case .safeModeWhenAllBlind where allBlind, .safeModeWhenAnyBlind where anyBlind:
      latch.trip(.staleData, source: source)
    default:
      break
    }
  }
}
