/// A synchronous monotonic clock with absolute-deadline sleeping.
///
/// This is deliberately not the standard library's `Clock`: the real-time loop and
/// the drivers are synchronous, and sleeping to an absolute deadline (not for a
/// relative interval) is what keeps a periodic loop from drifting.
///
/// - The real clock (in the Linux backend) wraps `CLOCK_MONOTONIC` and
///   `clock_nanosleep(TIMER_ABSTIME)`.
/// - The virtual clock (in the mock HAL) never blocks: `sleep(until:)` moves virtual
///   time forward to the deadline, so a driver waiting for a conversion runs
///   instantly and deterministically.
public protocol MonotonicClock: AnyObject {
  /// The current instant. Never goes backwards.
  func now() -> MonotonicInstant

  /// Returns at or after `deadline`. A deadline in the past returns at once.
  /// Real clocks may wake late (that lateness is what the executive measures);
  /// they never wake early.
  func sleep(until deadline: MonotonicInstant)
}

extension MonotonicClock {
  /// Sleeps for `duration` from now. Prefer ``sleep(until:)`` in periodic code.
  public func sleep(for duration: Duration) {
    sleep(until: now().advanced(by: duration))
  }
}
