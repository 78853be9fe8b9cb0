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
  /// When each successful stroke happened, oldest first.
  public private(set) var strokes: [MonotonicInstant] = []
  /// Whether ``disarm()`` has succeeded.
  public private(set) var isDisarmed = false
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

  /// Number of successful strokes.
  public var strokeCount: Int { strokes.count }

  /// Whether the watchdog has fired: an earlier gap was too long, or it is armed and
  /// the time since the last stroke (or arming) now exceeds ``timeout``.
  public var hasExpired: Bool {
    guard expiries.isEmpty else { return true }
    guard !isDisarmed, let timeout else { return false }
    return (strokes.last ?? armedAt).duration(to: clock.now()) > timeout
  }

  /// The longest time between arming or a stroke and the next stroke.
  public var longestGap: Duration {
    var previous = armedAt
    var longest = Duration.zero
    for stroke in strokes {
      longest = max(longest, previous.duration(to: stroke))
      previous = stroke
    }
    return longest
  }

  /// Makes the next `count` calls to `stroke()` or `disarm()` throw `kind`.
  public func injectFault(_ kind: WatchdogError.Kind, count: Int = 1) {
    faults.append(contentsOf: repeatElement(kind, count: max(0, count)))
  }

  public func stroke() throws(WatchdogError) {
    guard !isDisarmed else { throw WatchdogError(.closed, device: name) }
    try takeFault()
    let now = clock.now()
    let previous = strokes.last ?? armedAt
    if let timeout, previous.duration(to: now) > timeout { expiries.append(previous.advanced(by: timeout)) }
    strokes.append(now)
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
