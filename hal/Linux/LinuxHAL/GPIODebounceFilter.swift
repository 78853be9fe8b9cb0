import HAL

/// Debounces raw edges the way the kernel's GPIO character device does (gpiolib-cdev's
/// software debouncer, what libgpiod 2.x requests): every raw edge restarts a timer of
/// one debounce period; when the timer expires the line's level is taken as settled,
/// and an event is emitted only if that level differs from the last settled one and
/// its direction is one the caller asked for. The event's timestamp is the expiry
/// (last raw edge + period), and sequence numbers count emitted events only.
///
/// Used on libgpiod 1.6, whose uAPI has no debounce. Pure and clock-free: the caller
/// feeds kernel timestamps and the current time, so it is tested on the host.
public struct GPIODebounceFilter: Hashable, Sendable {
  public let periodNanoseconds: Int64
  public let edges: GPIOEdgeDetection
  /// The settled (debounced) logical level: what `value()` reports.
  public private(set) var level: Bool
  /// Number of events emitted so far (the last event's sequence number).
  public private(set) var sequence: UInt64 = 0
  private var pendingLevel: Bool?
  private var pendingDue: Int64 = 0

  public init(period: Duration, edges: GPIOEdgeDetection, initialLevel: Bool) {
    self.periodNanoseconds = max(period.nanosecondsSaturated, 0)
    self.edges = edges
    self.level = initialLevel
  }

  /// When the pending level settles (nanoseconds), or nil when nothing is pending.
  public var nextDue: Int64? { pendingLevel == nil ? nil : pendingDue }

  /// Records a raw edge: the line went to `rising ? active : inactive` at `timestamp`.
  public mutating func record(rising: Bool, at timestamp: Int64) {
    pendingLevel = rising
    let (due, overflow) = timestamp.addingReportingOverflow(periodNanoseconds)
    pendingDue = overflow ? Int64.max : due
  }

  /// Settles the pending level if its timer has expired by `now`; returns the event to
  /// report, if any. Call after feeding every raw edge queued before `now`.
  public mutating func settle(now: Int64) -> GPIOEdgeEvent? {
    guard let pending = pendingLevel, now >= pendingDue else { return nil }
    pendingLevel = nil
    guard pending != level else { return nil }
    level = pending
    let wanted: Bool
    switch edges {
    case .both: wanted = true
    case .rising: wanted = pending
    case .falling: wanted = !pending
    case .none: wanted = false
    }
    guard wanted else { return nil }
    sequence &+= 1
    return GPIOEdgeEvent(
      kind: pending ? .rising : .falling, timestamp: MonotonicInstant(nanoseconds: pendingDue), sequence: sequence)
  }
}
