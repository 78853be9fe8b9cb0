import Foundation
import HAL

/// When the writer fsyncs and publishes checkpoints (docs/audit-log.md, "Durability").
public struct AuditPolicy: Sendable, Equatable {
  /// Entries the channel holds before `submit` reports `.full`.
  public var capacity: Int
  /// fsync once this many routine entries are written but not synced...
  public var syncEveryEntries: Int
  /// ...or once the oldest unsynced entry is this old.
  public var syncInterval: Duration
  /// Publish a checkpoint once this many entries follow the last one...
  public var checkpointEveryEntries: Int
  /// ...or once the last one is this old and entries follow it.
  public var checkpointInterval: Duration

  public init(
    capacity: Int = 1024, syncEveryEntries: Int = 64, syncInterval: Duration = .milliseconds(500),
    checkpointEveryEntries: Int = 1000, checkpointInterval: Duration = .seconds(60)
  ) {
    self.capacity = max(1, capacity)
    self.syncEveryEntries = max(1, syncEveryEntries)
    self.syncInterval = syncInterval
    self.checkpointEveryEntries = max(1, checkpointEveryEntries)
    self.checkpointInterval = checkpointInterval
  }

  /// Whether routine entries are due for an fsync.
  public func syncDue(unsyncedEntries: Int, oldestUnsyncedAge: Duration) -> Bool {
    unsyncedEntries > 0 && (unsyncedEntries >= syncEveryEntries || oldestUnsyncedAge >= syncInterval)
  }

  /// Whether a checkpoint is due.
  public func checkpointDue(entriesSinceCheckpoint: Int, sinceLastCheckpoint: Duration) -> Bool {
    entriesSinceCheckpoint > 0
      && (entriesSinceCheckpoint >= checkpointEveryEntries || sinceLastCheckpoint >= checkpointInterval)
  }
}

/// Appends audit entries on its own thread, off the real-time groups, through a bounded
/// channel; fsyncs and checkpoints per `AuditPolicy`.
///
/// - A `.safety` entry is written, a checkpoint over it is signed and written, and both
///   are fsynced before the writer takes the next entry.
/// - `submit` never blocks: when the channel is full it returns `.full` and counts the
///   entry as lost; the writer then records `{"event":"audit_entries_lost","count":N}` as a
///   safety entry as soon as it has room, so a gap is itself on the record.
///   `submitWaiting` blocks up to a timeout instead (for the command path, which may wait).
/// - `flush()` returns once everything submitted before it is written and fsynced.
/// - A failed write or fsync is counted and kept in `status.lastError` (`flush` and
///   `submitDurably` return rather than wait on a failing disk); later entries are still tried.
public final class AuditWriter: @unchecked Sendable {
  /// The class of an entry.
  public enum Durability: Sendable { case routine, safety }

  public enum SubmitResult: Sendable, Equatable {
    case queued
    /// The channel is full; the entry is dropped and counted.
    case full
    case invalid(AuditEntryError)
    case closed
    /// `submitDurably` only: a write or fsync failed while the entry was being made durable.
    case writeFailed(String)
  }

  /// Counters, read under the lock.
  public struct Status: Sendable, Equatable {
    public var written = 0
    public var lost = 0
    public var failed = 0
    public var syncFailures = 0
    public var checkpoints = 0
    public var syncs = 0
    public var lastError: String?
  }

  private struct Pending {
    let entry: [UInt8]
    let durability: Durability
  }

  private let file: AuditLogFile
  private let policy: AuditPolicy
  private let stamp: @Sendable () -> (timeS: Double, utc: String)
  private let condition = NSCondition()
  // Guarded by `condition`:
  private var queue: [Pending] = []
  private var submitted = 0
  private var durable = 0
  private var lostUnrecorded = 0
  private var syncRequested = false
  private var closing = false
  private var finished = false
  private var paused = false
  private var state = Status()
  private var thread: Thread?

  /// Starts the writer thread on an open log.
  /// - Parameter stamp: `time_s` and `utc` for the writer's own entries (`audit_entries_lost`,
  ///   `audit_torn_tail_dropped`); the controller passes its clock.
  public init(
    file: AuditLogFile, policy: AuditPolicy = AuditPolicy(),
    stamp: @escaping @Sendable () -> (timeS: Double, utc: String)
  ) {
    self.file = file
    self.policy = policy
    self.stamp = stamp
    self.checkpointNote = file.lastSignedCheckpoint
    if let torn = file.recoveredTornTail {
      let now = stamp()
      queue.append(
        Pending(
          entry: AuditEntry.make(
            timeS: now.timeS, utc: now.utc, event: "audit_torn_tail_dropped",
            fields: [("offset", String(torn.offset)), ("bytes", String(torn.length))]),
          durability: .safety))
      submitted += 1
    }
    self.thread = NamedThread.start("cloak-audit") { [self] in run() }
  }

  /// Queues an entry without blocking (validated first: one JSON object, no LF).
  public func submit(_ entry: [UInt8], durability: Durability = .routine) -> SubmitResult {
    do { _ = try AuditLogFormat.validateEntry(entry) } catch { return .invalid(error) }
    condition.lock()
    defer { condition.unlock() }
    if closing { return .closed }
    guard queue.count < policy.capacity else {
      lostUnrecorded += 1
      state.lost += 1
      return .full
    }
    queue.append(Pending(entry: entry, durability: durability))
    submitted += 1
    condition.broadcast()
    return .queued
  }

  /// Queues an entry, waiting up to `timeout` for room; `.full` if none came (not counted
  /// as lost: the caller still holds the entry).
  public func submitWaiting(_ entry: [UInt8], durability: Durability = .routine, timeout: Duration) -> SubmitResult {
    do { _ = try AuditLogFormat.validateEntry(entry) } catch { return .invalid(error) }
    let deadline = Date().addingTimeInterval(Self.seconds(timeout))
    condition.lock()
    defer { condition.unlock() }
    while queue.count >= policy.capacity && !closing {
      if !condition.wait(until: deadline) { break }
    }
    if closing { return .closed }
    guard queue.count < policy.capacity else { return .full }
    queue.append(Pending(entry: entry, durability: durability))
    submitted += 1
    condition.broadcast()
    return .queued
  }

  /// Queues an entry (waiting up to `timeout` for room) and waits until it is written and
  /// fsynced: the call for "on the record before it is acted on". Returns `.queued` once
  /// the entry is durable, `.writeFailed` when a write or fsync failed meanwhile (possibly
  /// another caller's: the answer errs on the side of "not on the record").
  public func submitDurably(_ entry: [UInt8], durability: Durability = .safety, timeout: Duration) -> SubmitResult {
    condition.lock()
    let failuresBefore = state.failed + state.syncFailures
    condition.unlock()
    let result = submitWaiting(entry, durability: durability, timeout: timeout)
    guard result == .queued else { return result }
    condition.lock()
    defer { condition.unlock() }
    let target = submitted
    syncRequested = true
    condition.broadcast()
    while durable < target && !finished { condition.wait() }
    if state.failed + state.syncFailures > failuresBefore { return .writeFailed(state.lastError ?? "write failed") }
    return .queued
  }

  /// Waits until every entry submitted before the call has been written and fsynced (or
  /// the attempt failed: see `status`). Never waits on a failing disk forever.
  public func flush() {
    condition.lock()
    defer { condition.unlock() }
    let target = submitted
    syncRequested = true
    condition.broadcast()
    while durable < target && !finished { condition.wait() }
  }

  /// Writes what is queued, a final checkpoint when entries follow the last one, fsyncs,
  /// stops the thread and closes the file. Later submits return `.closed`.
  public func close() {
    condition.lock()
    closing = true
    paused = false
    condition.broadcast()
    while !finished { condition.wait() }
    condition.unlock()
  }

  public var status: Status {
    condition.lock()
    defer { condition.unlock() }
    return state
  }

  /// The last signed checkpoint written (nil before the first).
  public var lastCheckpoint: String? {
    condition.lock()
    defer { condition.unlock() }
    return checkpointNote
  }
  private var checkpointNote: String?
  private var checkpointUtc: String?

  /// The latest checkpoint: the signed note (a continued log's last one until this writer
  /// writes its own) and when this writer wrote it (the stamp's UTC; nil for one found in
  /// a continued log). Any thread; nil before the first.
  public var latestCheckpoint: (note: String, utc: String?)? {
    condition.lock()
    defer { condition.unlock() }
    return checkpointNote.map { ($0, checkpointUtc) }
  }

  /// Test hook: hold the thread before it takes the next batch.
  func setPaused(_ value: Bool) {
    condition.lock()
    paused = value
    condition.broadcast()
    condition.unlock()
  }

  /// A duration in seconds.
  public static func seconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) + Double(duration.components.attoseconds) * 1e-18
  }

  private func run() {
    let clock = ContinuousClock()
    var oldestUnsynced: ContinuousClock.Instant?
    var unsynced = 0
    var lastCheckpointAt = clock.now
    while true {
      condition.lock()
      while (queue.isEmpty || paused) && !closing && !syncRequested && lostUnrecorded == 0 {
        var deadline: ContinuousClock.Instant?
        if let oldestUnsynced { deadline = oldestUnsynced + policy.syncInterval }
        if file.entriesSinceCheckpoint > 0 {
          let due = lastCheckpointAt + policy.checkpointInterval
          deadline = deadline.map { min($0, due) } ?? due
        }
        if let deadline {
          let wait = Self.seconds(clock.now.duration(to: deadline))
          if wait <= 0 { break }
          _ = condition.wait(until: Date().addingTimeInterval(wait))
          if clock.now >= deadline { break }
        } else {
          condition.wait()
        }
      }
      let batch = paused ? [] : queue
      if !paused { queue.removeAll(keepingCapacity: true) }
      let lost = lostUnrecorded
      lostUnrecorded = 0
      let forceSync = syncRequested || closing
      syncRequested = false
      let stopping = closing && queue.isEmpty
      condition.broadcast()
      condition.unlock()

      var written = 0
      var failed = 0
      var checkpoints = 0
      var syncs = 0
      var syncFailures = 0
      var lastError: String?
      func attempt(_ body: () throws(AuditLogError) -> Void) -> Bool {
        do {
          try body()
          return true
        } catch {
          lastError = "\(error)"
          return false
        }
      }
      func checkpointAndSync() {
        if attempt({ () throws(AuditLogError) in checkpointNoteUpdate(try file.writeCheckpoint()) }) {
          checkpoints += 1
          lastCheckpointAt = clock.now
        }
        if attempt({ () throws(AuditLogError) in try file.sync() }) {
          syncs += 1
        } else {
          syncFailures += 1
        }
        unsynced = 0
        oldestUnsynced = nil
      }
      var items = batch
      if lost > 0 {
        let now = stamp()
        items.append(
          Pending(
            entry: AuditEntry.make(
              timeS: now.timeS, utc: now.utc, event: "audit_entries_lost", fields: [("count", String(lost))]),
            durability: .safety))
      }
      for item in items {
        if attempt({ () throws(AuditLogError) in _ = try file.appendValidated(item.entry) }) {
          written += 1
          unsynced += 1
          if oldestUnsynced == nil { oldestUnsynced = clock.now }
        } else {
          failed += 1
        }
        if item.durability == .safety { checkpointAndSync() }
      }
      let now = clock.now
      if stopping
        || policy.checkpointDue(
          entriesSinceCheckpoint: file.entriesSinceCheckpoint, sinceLastCheckpoint: lastCheckpointAt.duration(to: now))
      {
        if file.entriesSinceCheckpoint > 0 { checkpointAndSync() }
      }
      if forceSync || stopping
        || policy.syncDue(
          unsyncedEntries: unsynced, oldestUnsyncedAge: oldestUnsynced.map { $0.duration(to: now) } ?? .zero)
      {
        if attempt({ () throws(AuditLogError) in try file.sync() }) {
          syncs += 1
        } else {
          syncFailures += 1
        }
        unsynced = 0
        oldestUnsynced = nil
      }

      condition.lock()
      state.written += written
      state.failed += failed
      state.checkpoints += checkpoints
      state.syncs += syncs
      state.syncFailures += syncFailures
      if let lastError { state.lastError = lastError }
      if unsynced == 0 { durable = submitted - queue.count }
      if stopping {
        file.close()
        finished = true
      }
      condition.broadcast()
      condition.unlock()
      if stopping { return }
    }
  }

  private func checkpointNoteUpdate(_ note: String) {
    let utc = stamp().utc
    condition.lock()
    checkpointNote = note
    checkpointUtc = utc
    condition.unlock()
  }
}
