import HAL

/// A watchdog double that counts strokes on a clock and says when it would have fired.
///
/// Armed from creation. Every stroke is recorded with its time; with a ``timeout``, a
/// gap longer than the timeout between arming or a stroke and the next stroke (or now)
/// is an expiry: on hardware the board would have been reset. ``disarm()`` stops it
/// (idempotent); afterwards `stroke()` throws `.closed`. ``injectFault(_:count:)``
/// makes the next strokes or disarms throw. Confined to one thread (decision 0100).
public final class MockWatchdog: Watchdog, @unchecked Sendable {
  public let name: String
  /// The countdown; nil for a watchdog that never expires.
  public let timeout: Duration?
  /// When each of the most recent successful strokes happened (at most
  /// ``strokeHistoryLimit``), oldest first.
  public var strokes: [MonotonicInstant] { Array(history.suffix(max(0, strokeHistoryLimit))) }
  /// How many of the most recent strokes ``strokes`` keeps: the sim board strokes it for
  /// as long as `cloak run` runs, so an unbounded log would grow without end.
  public var strokeHistoryLimit = 10_000
  /// Number of successful strokes, including those dropped from ``strokes``.
  public private(set) var strokeCount = 0
  /// The longest time between arming or a stroke and the next stroke.
  public private(set) var longestGap: Duration = .zero
  private var history: [MonotonicInstant] = []
  private var lastStroke: MonotonicInstant?
  /// Whether ``disarm()`` has succeeded (with ``nowayout`` it does not stop the countdown).
  public private(set) var isDisarmed = false
  /// As a kernel driver with `nowayout`: ``disarm()`` closes but the countdown goes on.
  public var nowayout: Bool? = false
  /// Time left before it fires: the timeout minus the time since the last stroke (or
  /// arming); nil without a timeout.
  public var timeLeft: Duration? {
    guard let timeout else { return nil }
    return max(.zero, timeout - (lastStroke ?? armedAt).duration(to: clock.now()))
  }
  /// When the watchdog would have fired, for each gap longer than ``timeout`` that a
  /// stroke ended (see ``hasExpired`` for the gap still open).
  public private(set) var expiries: [MonotonicInstant] = []
  private let clock: any MonotonicClock
  private let armedAt: MonotonicInstant
  private var faults: [WatchdogError.Kind] = []

  public init(name: String = "mock-watchdog", clock: any MonotonicClock, timeout: Duration? = nil) {
    self.name = name
    self.clock = clock
    self.timeout = timeout
    self.armedAt = clock.now()
  }

  /// Whether the watchdog has fired: an earlier gap was too long, or it is armed and
  /// the time since the last stroke (or arming) now exceeds ``timeout``.
  public var hasExpired: Bool {
    guard expiries.isEmpty else { return true }
    guard !isDisarmed || nowayout == true, let timeout else { return false }
    return (lastStroke ?? armedAt).duration(to: clock.now()) > timeout
  }

  /// Makes the next `count` calls to `stroke()` or `disarm()` throw `kind`.
  public func injectFault(_ kind: WatchdogError.Kind, count: Int = 1) {
    faults.append(contentsOf: repeatElement(kind, count: max(0, count)))
  }

  public func stroke() throws(WatchdogError) {
    guard !isDisarmed else { throw WatchdogError(.closed, device: name) }
    try takeFault()
    let now = clock.now()
    let previous = lastStroke ?? armedAt
    let gap = previous.duration(to: now)
    if let timeout, gap > timeout { expiries.append(previous.advanced(by: timeout)) }
    longestGap = max(longestGap, gap)
    lastStroke = now
    strokeCount &+= 1
    history.append(now)
    // Trimmed in bulk once the log holds twice the limit (amortised O(1), as VirtualClock).
    let limit = max(0, strokeHistoryLimit)
    if history.count - limit >= max(limit, 1) { history.removeFirst(history.count - limit) }
  }

  public func disarm() throws(WatchdogError) {
    guard !isDisarmed else { return }
    try takeFault()
    isDisarmed = true
  }

  private func takeFault() throws(WatchdogError) {
    guard !faults.isEmpty else { return }
    throw WatchdogError(faults.removeFirst(), device: name)
  }
}
