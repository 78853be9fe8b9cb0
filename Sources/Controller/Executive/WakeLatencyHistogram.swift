import Atomics
import HAL

/// A rate group's wake-up latency (how late its cycle started after its deadline) as
/// counts per fixed bucket, written by the group's own thread and readable from any
/// thread while the loop runs: what `/metrics` serves as a Prometheus histogram on every
/// board. The executive's ``LatencyStatistics`` (HDR histogram, exact percentiles) may
/// only be read while the loop stands still (``Executive/report()``); this is its
/// concurrent, coarser twin.
///
/// Recording is one bucket search over 12 bounds and two relaxed atomic increments: no
/// lock, no allocation. A negative latency (a cycle started before its deadline) counts
/// as zero.
public final class WakeLatencyHistogram: Sendable {
  /// The buckets' upper bounds, seconds (Prometheus `le`; a last `+Inf` bucket holds
  /// the rest): 50 us to 1 s, covering a 1 kHz base tick's jitter up to a stalled
  /// 1 Hz group (docs/executive.md).
  public static let upperBoundsS: [Double] = [
    50e-6, 100e-6, 200e-6, 500e-6, 1e-3, 2e-3, 5e-3, 10e-3, 20e-3, 50e-3, 100e-3, 1.0,
  ]
  private static let upperBoundsNs: [Int64] = upperBoundsS.map { Int64(($0 * 1e9).rounded()) }

  /// The group's name (the executive's group names; `base_tick` for the base tick itself).
  public let group: String
  /// Count per bucket (not cumulative); the last is above every bound.
  private let buckets: [ManagedAtomic<UInt64>]
  private let sumNs = ManagedAtomic<UInt64>(0)

  public init(group: String) {
    self.group = group
    buckets = (0...Self.upperBoundsS.count).map { _ in ManagedAtomic<UInt64>(0) }
  }

  /// Records `count` cycles that each woke `latency` after their deadline.
  public func record(_ latency: Duration, count: UInt64 = 1) {
    let ns = max(latency.nanosecondsSaturated, 0)
    var index = 0
    let bounds = Self.upperBoundsNs
    while index < bounds.count, ns > bounds[index] { index += 1 }
    buckets[index].wrappingIncrement(by: count, ordering: .relaxed)
    sumNs.wrappingIncrement(by: UInt64(ns) &* count, ordering: .relaxed)
  }

  /// What has been recorded so far, as Prometheus counts it.
  public struct Snapshot: Sendable, Equatable {
    /// Cycles at or under each of ``WakeLatencyHistogram/upperBoundsS`` (cumulative),
    /// then the total (`+Inf`).
    public var cumulative: [UInt64]
    /// Sum of the latencies, seconds.
    public var sumS: Double
    /// Every cycle recorded (the `+Inf` count).
    public var count: UInt64 { cumulative.last ?? 0 }
  }

  /// The counts now (each bucket read once; a cycle recorded meanwhile may be in one
  /// bucket and not yet in the sum, which the next scrape catches up).
  public func snapshot() -> Snapshot {
    var running: UInt64 = 0
    var cumulative: [UInt64] = []
    cumulative.reserveCapacity(buckets.count)
    for bucket in buckets {
      running &+= bucket.load(ordering: .relaxed)
      cumulative.append(running)
    }
    return Snapshot(cumulative: cumulative, sumS: Double(sumNs.load(ordering: .relaxed)) / 1e9)
  }
}
