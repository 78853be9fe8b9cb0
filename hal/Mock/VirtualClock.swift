import HAL

/// A clock that never blocks: virtual time moves only when someone sleeps or advances it.
///
/// `sleep(until:)` jumps to the deadline (if later) and records the requested delay, so
/// a driver that waits 40 ms for a conversion runs in microseconds and tests can assert
/// how long it waited. Same inputs, same timeline: tests are deterministic. Time never
/// goes backwards: past deadlines and negative advances leave it where it is.
public final class VirtualClock: MonotonicClock, @unchecked Sendable {
  /// One recorded sleep: the requested deadline and the delay from the time of the call
  /// (negative for a deadline already past).
  public typealias Sleep = (deadline: MonotonicInstant, delay: Duration)

  private var current: MonotonicInstant
  private var history: [Sleep] = []
  private var slept: Duration = .zero
  /// How many of the most recent sleeps ``sleeps`` keeps (at least zero).
  public var sleepHistoryLimit = 10_000
  /// Number of sleeps so far, including those dropped from ``sleeps``.
  public private(set) var sleepCount = 0
  /// Called after every change of time (sleep or advance), e.g. to let device models
  /// or a simulation catch up. Not called when time does not move.
  public var onAdvance: ((MonotonicInstant) -> Void)?
  /// Optional shared transaction script: when set, every sleep is checked against it as
  /// an ``ExpectedInteraction/sleep(until:)``. Held strongly (the script holds no clock).
  public var script: TransactionScript?

  public init(start: MonotonicInstant = .zero) { current = start }

  public func now() -> MonotonicInstant { current }

  /// The most recent sleeps (at most ``sleepHistoryLimit``), oldest first.
  public var sleeps: [Sleep] { Array(history.suffix(max(0, sleepHistoryLimit))) }

  public func sleep(until deadline: MonotonicInstant) {
    let delay = current.duration(to: deadline)
    script?.consume(.sleep(until: deadline), from: "clock")
    record((deadline, delay))
    if deadline > current {
      current = deadline
      onAdvance?(current)
    }
  }

  /// Moves time forward by `duration` (negative durations are ignored: time never
  /// goes backwards). Saturates at the end of the time line.
  public func advance(by duration: Duration) {
    advance(to: current.advanced(by: duration))
  }

  /// Moves time forward to `instant` if it is later than now.
  public func advance(to instant: MonotonicInstant) {
    guard instant > current else { return }
    current = instant
    onAdvance?(current)
  }

  /// The sum of all sleep delays so far, including sleeps dropped from ``sleeps``
  /// (negative delays count as zero).
  public var totalSlept: Duration { slept }

  private func record(_ entry: Sleep) {
    sleepCount &+= 1
    let (sum, overflow) = slept.nanosecondsSaturated.addingReportingOverflow(
      max(entry.delay, .zero).nanosecondsSaturated)
    slept = .nanoseconds(overflow ? Int64.max : sum)
    history.append(entry)
    // Trim in bulk once the log holds twice the limit: amortised O(1) per sleep, where
    // trimming one entry per sleep would shift the whole array every call.
    let limit = max(0, sleepHistoryLimit)
    if history.count - limit >= max(limit, 1) { history.removeFirst(history.count - limit) }
  }
}
