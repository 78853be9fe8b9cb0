import HAL
import Histogram

/// A nanosecond latency histogram (HdrHistogram, 3 significant digits, 1 ns to 10 s).
///
/// Recording is allocation-free: the counts array is allocated by `init` and values
/// outside the range are clamped. Written by one thread; read after that thread stops
/// (or on the same thread).
struct LatencyStatistics {
  private static let highest: UInt64 = 10_000_000_000
  private var histogram = Histogram<UInt64>(
    lowestDiscernibleValue: 1, highestTrackableValue: highest, numberOfSignificantValueDigits: .three)

  /// Records `duration`; negative durations count as zero.
  mutating func record(_ duration: Duration) {
    let nanos = duration.nanosecondsSaturated
    let value = nanos <= 0 ? 0 : min(UInt64(nanos), Self.highest)
    _ = histogram.record(value)
  }

  /// Records `duration` `count` times (bulk-accounted idle ticks, decision 1210).
  mutating func record(_ duration: Duration, count: UInt64) {
    guard count > 0 else { return }
    let nanos = duration.nanosecondsSaturated
    let value = nanos <= 0 ? 0 : min(UInt64(nanos), Self.highest)
    _ = histogram.record(value, count: count)
  }

  var count: UInt64 { histogram.totalCount }

  /// The value at `percentile` (0...100) in microseconds, 0 when empty.
  func microseconds(atPercentile percentile: Double) -> Double {
    guard histogram.totalCount > 0 else { return 0 }
    return Double(histogram.valueAtPercentile(percentile)) / 1_000
  }

  /// The largest value recorded, in microseconds (0 when empty).
  var maxMicroseconds: Double {
    guard histogram.totalCount > 0 else { return 0 }
    return Double(histogram.max) / 1_000
  }
}

/// Telemetry of one rate group after (or between) runs.
public struct GroupReport: Sendable, Hashable, Codable {
  public var name: String
  public var rateHz: Double
  /// Cycles run.
  public var cycles: UInt64
  /// Releases lost: the group was still busy, or a base slip skipped its tick.
  public var slips: UInt64
  public var execP99Us: Double
  public var execMaxUs: Double
  /// Start of the cycle minus its release deadline.
  public var wakeP50Us: Double
  public var wakeP99Us: Double
  public var wakeMaxUs: Double
  /// Heap allocations counted in steady state (nil: not counted).
  public var steadyAllocations: UInt64?
  /// Cycles over which allocations were counted.
  public var countedCycles: UInt64?

  enum CodingKeys: String, CodingKey {
    case name, cycles, slips
    case rateHz = "rate_hz"
    case execP99Us = "exec_p99_us"
    case execMaxUs = "exec_max_us"
    case wakeP50Us = "wake_p50_us"
    case wakeP99Us = "wake_p99_us"
    case wakeMaxUs = "wake_max_us"
    case steadyAllocations = "steady_allocations"
    case countedCycles = "counted_cycles"
  }
}

/// The executive's telemetry: base tick wake-up latency, slips, and every group.
public struct ExecutiveReport: Sendable, Hashable, Codable {
  /// Base ticks processed (skipped ticks not included).
  public var ticks: UInt64
  /// Base-tick slips plus every group's slips.
  public var slips: UInt64
  public var baseSlips: UInt64
  /// Base wake-up latency: actual wake minus deadline.
  public var p50Us: Double
  public var p99Us: Double
  public var maxUs: Double
  public var groups: [GroupReport]
  /// Safe-mode reason at the time of the report, if latched.
  public var safeMode: String?
  public var eventsLost: UInt64
  /// Steady-state allocations on the base thread (nil: not counted).
  public var baseSteadyAllocations: UInt64?
  public var baseCountedTicks: UInt64?

  enum CodingKeys: String, CodingKey {
    case ticks, slips, groups
    case baseSlips = "base_slips"
    case p50Us = "p50_us"
    case p99Us = "p99_us"
    case maxUs = "max_us"
    case safeMode = "safe_mode"
    case eventsLost = "events_lost"
    case baseSteadyAllocations = "base_steady_allocations"
    case baseCountedTicks = "base_counted_ticks"
  }
}
