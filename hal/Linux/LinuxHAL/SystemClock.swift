#if canImport(Glibc)
  import Glibc
  import HAL

  /// The real clock: `CLOCK_MONOTONIC` and absolute `clock_nanosleep(TIMER_ABSTIME)`.
  ///
  /// Sleeping to an absolute deadline means a late wake-up does not push later
  /// deadlines back: the loop keeps its phase. `EINTR` (a signal) resumes the sleep to
  /// the same deadline, so a signal never makes it wake early.
  public final class SystemClock: MonotonicClock, @unchecked Sendable {
    public init() {}

    public func now() -> MonotonicInstant {
      var spec = timespec()
      clock_gettime(CLOCK_MONOTONIC, &spec)
      return MonotonicInstant(nanoseconds: Int64(spec.tv_sec) &* 1_000_000_000 &+ Int64(spec.tv_nsec))
    }

    public func sleep(until deadline: MonotonicInstant) {
      let nanos = max(deadline.nanoseconds, 0)
      var spec = timespec(tv_sec: Int(nanos / 1_000_000_000), tv_nsec: Int(nanos % 1_000_000_000))
      while clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &spec, nil) == EINTR {}
    }
  }
#endif
