/// A point on a monotonic time line, in nanoseconds since an arbitrary origin.
///
/// The real clock's origin is the kernel's `CLOCK_MONOTONIC` zero (boot); the virtual
/// clock's is zero. Kernel GPIO edge timestamps are on the same time line as the real
/// clock, so they can be compared with ``MonotonicClock/now()`` directly.
/// Arithmetic saturates instead of trapping: a bad deadline must never crash the loop.
public struct MonotonicInstant: Comparable, Hashable, Sendable, CustomStringConvertible {
  /// Nanoseconds since the clock's origin.
  public var nanoseconds: Int64

  public init(nanoseconds: Int64) { self.nanoseconds = nanoseconds }

  public static let zero = MonotonicInstant(nanoseconds: 0)

  public static func < (lhs: Self, rhs: Self) -> Bool { lhs.nanoseconds < rhs.nanoseconds }

  /// This instant moved by `duration`, saturating at the ends of the time line.
  public func advanced(by duration: Duration) -> MonotonicInstant {
    let (sum, overflow) = nanoseconds.addingReportingOverflow(duration.nanosecondsSaturated)
    if overflow { return MonotonicInstant(nanoseconds: duration < .zero ? .min : .max) }
    return MonotonicInstant(nanoseconds: sum)
  }

  /// The signed time from this instant to `other` (positive when `other` is later).
  public func duration(to other: MonotonicInstant) -> Duration {
    let (diff, overflow) = other.nanoseconds.subtractingReportingOverflow(nanoseconds)
    if overflow { return other > self ? .nanoseconds(Int64.max) : .nanoseconds(Int64.min) }
    return .nanoseconds(diff)
  }

  public static func + (lhs: Self, rhs: Duration) -> Self { lhs.advanced(by: rhs) }
  public static func - (lhs: Self, rhs: Self) -> Duration { rhs.duration(to: lhs) }

  public var description: String {
    let seconds = Double(nanoseconds) / 1e9
    return "t=\(seconds)s"
  }
}

extension Duration {
  /// The duration in whole nanoseconds (truncated toward zero), clamped to `Int64`
  /// instead of trapping.
  ///
  /// From the 128-bit attosecond count: one 64-bit division when it fits 64 bits (below
  /// about 9.2 s, every period, deadline step and conversion time of the loop), where
  /// `components` divides 128-bit values twice (the simulation calls this a few hundred
  /// thousand times per simulated minute).
  public var nanosecondsSaturated: Int64 {
    let attoseconds = self.attoseconds
    if let small = Int64(exactly: attoseconds) { return small / 1_000_000_000 }
    let nanoseconds = attoseconds / 1_000_000_000
    return Int64(exactly: nanoseconds) ?? (nanoseconds < 0 ? .min : .max)
  }

  /// The duration in microseconds as a floating-point value (for reports).
  public var microsecondsDouble: Double { Double(nanosecondsSaturated) / 1_000 }

  /// The duration in seconds as a floating-point value (for reports and physics).
  public var secondsDouble: Double {
    let (seconds, attoseconds) = components
    return Double(seconds) + Double(attoseconds) * 1e-18
  }
}
