import HAL

/// Lets one event through per interval and counts the ones held back (loop-local,
/// no allocation).
struct Throttle {
  private var lastEmit: MonotonicInstant?
  private let intervalNanoseconds: Int64
  /// Occurrences held back since the last one let through.
  private(set) var suppressed: Int64 = 0

  init(interval: Duration) { intervalNanoseconds = interval.nanosecondsSaturated }

  /// Returns the number of occurrences suppressed before this one if this one may be
  /// emitted, or nil if it is held back.
  mutating func admit(at now: MonotonicInstant) -> Int64? {
    if let lastEmit, now.nanoseconds &- lastEmit.nanoseconds < intervalNanoseconds {
      suppressed &+= 1
      return nil
    }
    lastEmit = now
    let held = suppressed
    suppressed = 0
    return held
  }
}
