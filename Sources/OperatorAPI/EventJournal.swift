import Composition
import Controller
import Foundation
import Station

/// What the operator API keeps of the event stream: the newest events as their JSON
/// records (the same bytes as `--events`, ``EventRecordFormatter``) in a bounded ring
/// numbered by sequence, and the counts `/metrics` reports. (Each module's alarm state
/// comes with the state frame, from the leak watch itself: ``ModuleAlarms``.)
///
/// An ``EventConsumer``: it runs on the thread that drains the executive's events (the
/// drainer thread on a board, the scenario runner on sim), never on a rate group. Each
/// event costs one formatting and one short lock; when the ring is full the oldest record
/// is overwritten (readers see the gap as a jump in `oldest`).
public final class EventJournal: EventConsumer, @unchecked Sendable {
  /// Counts for `/metrics`.
  public struct Counts: Sendable, Equatable {
    /// Commands by principal and result (`ok` or the rejection code).
    public var commands: [String: [String: Int]] = [:]
    /// Slip events by rate group (`base` for the base tick).
    public var slips: [String: Int] = [:]
    /// Alarm events by event name (leak alarms, rapid depressions, low pressure, safe mode).
    public var alarms: [String: Int] = [:]
  }

  /// One page of records.
  public struct Page: Sendable, Equatable {
    /// The sequence number of the oldest record still kept (1 when none was dropped).
    public var oldest: UInt64
    /// The sequence number the next event will get.
    public var next: UInt64
    /// `(sequence, record)` in ascending order.
    public var records: [(UInt64, String)]
    public static func == (a: Page, b: Page) -> Bool {
      a.oldest == b.oldest && a.next == b.next && a.records.elementsEqual(b.records, by: { $0 == $1 })
    }
  }

  public let capacity: Int
  private let lock = NSLock()
  private var formatter: EventRecordFormatter
  private var ring: [(UInt64, String)]
  private var nextSequence: UInt64 = 1
  private var counts = Counts()
  private var holderValue: Double?

  /// - Parameters: `formatter`: the run's record formatter (its origin and run info);
  ///   `capacity`: records kept (at least 16).
  public init(formatter: EventRecordFormatter, capacity: Int = 10_000) {
    self.formatter = formatter
    self.capacity = max(capacity, 16)
    ring = []
    ring.reserveCapacity(self.capacity)
  }

  public func consume(_ event: Event, subject: EventSubject) {
    lock.lock()
    defer { lock.unlock() }
    let record = formatter.json(event, subject: subject)
    let entry = (nextSequence, record)
    if ring.count < capacity {
      ring.append(entry)
    } else {
      ring[Int((nextSequence - 1) % UInt64(capacity))] = entry
    }
    nextSequence += 1
    note(event, subject: subject)
  }

  private func note(_ event: Event, subject: EventSubject) {
    let commandEvent = event.code == .commandAccepted || event.code == .commandRejected
    if let principal = event.principal, event.command != nil, commandEvent {
      let result = event.rejection.map { "\($0)" } ?? "ok"
      counts.commands["\(principal)", default: [:]][result, default: 0] += 1
    }
    switch event.code {
    case .baseSlip: counts.slips["base", default: 0] += 1
    case .groupSlip: counts.slips[subject.group ?? "unknown", default: 0] += 1
    case .safeModeEntered: counts.alarms["safe_mode_entered", default: 0] += 1
    default: break
    }
    guard subject.module != nil, subject.sensor == nil else { return }
    switch event.code {
    case .leakAlarm, .rapidDepress, .leakTrend, .lowPressure: counts.alarms["\(event.code)", default: 0] += 1
    default: return
    }
  }

  /// Sets the stop reason written in the `run_stopped` record.
  public func setStopReason(_ reason: String) {
    lock.lock()
    formatter.run.stopReason = reason
    lock.unlock()
  }

  /// Records after sequence `after` (ascending, at most `limit`); with `after` nil, the
  /// newest `limit` records (ascending); with `before`, the `limit` records just before it.
  public func page(after: UInt64? = nil, before: UInt64? = nil, limit: Int) -> Page {
    lock.lock()
    defer { lock.unlock() }
    let oldest = nextSequence - UInt64(ring.count)
    let limit = max(0, min(limit, capacity))
    var first: UInt64
    var end = nextSequence
    if let after {
      first = max(oldest, after &+ 1 > after ? after + 1 : nextSequence)
    } else if let before {
      end = min(max(before, oldest), nextSequence)
      first = end >= oldest + UInt64(limit) ? end - UInt64(limit) : oldest
    } else {
      first = nextSequence >= oldest + UInt64(limit) ? nextSequence - UInt64(limit) : oldest
    }
    first = min(first, end)
    var records: [(UInt64, String)] = []
    var sequence = first
    while sequence < end, records.count < limit {
      records.append(ring[Int((sequence - 1) % UInt64(capacity))])
      sequence += 1
    }
    return Page(oldest: oldest, next: nextSequence, records: records)
  }

  /// The counts so far.
  public func counters() -> Counts {
    lock.lock()
    defer { lock.unlock() }
    return counts
  }
}
