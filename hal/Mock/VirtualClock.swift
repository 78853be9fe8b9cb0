import HAL

/// A clock that never blocks: virtual time moves only when someone sleeps or advances it.
///
/// `sleep(until:)` jumps to the deadline (if later) and records the requested delay, so
/// a driver that waits 40 ms for a conversion runs in microseconds and tests can assert
/// how long it waited. Same inputs, same timeline: tests are deterministic.
public final class VirtualClock: MonotonicClock, @unchecked Sendable {
  private var current: MonotonicInstant
  /// Every sleep so far, as (requested deadline, delay from the time of the call).
  /// Bounded to the most recent `sleepHistoryLimit` entries.
  public private(set) var sleeps: [(deadline: MonotonicInstant, delay: Duration)] = []
  public var sleepHistoryLimit = 10_000
  /// Called after every change of time (sleep or advance), e.g. to let device models
  /// or a simulation catch up.
  public var onAdvance: ((MonotonicInstant) -> Void)?
  /// Optional shared transaction script: when set, sleeps are checked against it.
  public weak var script: TransactionScript?

  public init(start: MonotonicInstant = .zero) { current = start }

  public func now() -> MonotonicInstant { current }

  public func sleep(until deadline: MonotonicInstant) {
    let delay = current.duration(to: deadline)
    script?.consume(.sleep(until: deadline), from: "clock")
    if sleeps.count >= sleepHistoryLimit { sleeps.removeFirst(sleeps.count - sleepHistoryLimit + 1) }
    sleeps.append((deadline, delay))
    if deadline > current {
      current = deadline
      onAdvance?(current)
    }
  }

  /// Moves time forward by `duration` (negative durations are ignored: time never
  /// goes backwards).
  public func advance(by duration: Duration) {
    guard duration > .zero else { return }
    current = current.advanced(by: duration)
    onAdvance?(current)
  }

  /// Moves time forward to `instant` if it is later than now.
  public func advance(to instant: MonotonicInstant) {
    guard instant > current else { return }
    current = instant
    onAdvance?(current)
  }

  /// The sum of all recorded sleep delays (negative delays count as zero).
  public var totalSlept: Duration {
    sleeps.reduce(Duration.zero) { $0 + max($1.delay, .zero) }
  }
}
