import AuditLog
import Controller
import Foundation

/// Appends every audited event (``EventCode/isAudited``: commands and their rejections,
/// token changes and leases, safety actions, alarms, the run's start and stop) to the
/// tamper-evident audit log, as the very line ``EventRecordFormatter/json(_:subject:)``
/// writes to `--events`: one meaning of an event record, one place (docs/audit-log.md,
/// "The controller's log").
///
/// Runs on the event drain thread, never on a rate group. Safety actions and alarms
/// (``isSafety(_:)``) go in as ``AuditWriter/Durability/safety``: written, checkpointed and
/// fsynced before the writer takes the next entry; the rest as routine entries under the
/// writer's fsync policy. When the writer's channel is full the consumer waits up to
/// ``waitLimit`` (the drain thread may wait; the loop never does), then hands the entry to
/// the non-blocking `submit`, which counts it lost and puts the gap itself on the record.
public final class AuditEventConsumer: EventConsumer, @unchecked Sendable {
  /// The formatter shared with the run's other records (set `run.stopReason` on it before
  /// the stop event, as for ``EventFileWriter``).
  public var formatter: EventRecordFormatter
  public let writer: AuditWriter
  /// How long one entry may wait for room in the writer's channel.
  public var waitLimit: Duration = .seconds(2)
  private let lock = NSLock()
  private var counts = (entries: 0, safety: 0, refused: 0)

  public init(writer: AuditWriter, formatter: EventRecordFormatter) {
    self.writer = writer
    self.formatter = formatter
  }

  /// Whether `event` is a safety action or an alarm: safe mode entered or cleared, a safe
  /// state that failed, the crew override, a token change or lease, a requested shutdown,
  /// a hatch fault, or anything of severity error or worse.
  public static func isSafety(_ event: Event) -> Bool {
    switch event.code {
    case .safeModeEntered, .safeModeCleared, .safeStateFailed, .crewOverride, .controlChanged, .leaseStarted,
      .shutdownRequested, .hatchFault:
      return true
    default:
      return event.severity >= .error
    }
  }

  public func consume(_ event: Event, subject: EventSubject) {
    guard event.code.isAudited else { return }
    let line = Array(formatter.json(event, subject: subject).utf8)
    let safety = Self.isSafety(event)
    var result = writer.submitWaiting(line, durability: safety ? .safety : .routine, timeout: waitLimit)
    if result == .full { result = writer.submit(line, durability: safety ? .safety : .routine) }
    lock.lock()
    if result == .queued {
      counts.entries += 1
      if safety { counts.safety += 1 }
    } else {
      counts.refused += 1
    }
    lock.unlock()
  }

  /// Entries handed to the writer, those of them in the safety class, and entries the
  /// writer refused (full channel, closed writer).
  public var submitted: (entries: Int, safety: Int, refused: Int) {
    lock.lock()
    defer { lock.unlock() }
    return counts
  }

  /// Writes what is queued, a final checkpoint, fsyncs and closes the log.
  public func close() { writer.close() }
}
