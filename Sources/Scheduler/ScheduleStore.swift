import Controller
import Foundation
import GRDB
import HAL
import Station

/// What the scheduler persists, one record per change, sent from the planner group to
/// the writer thread over a bounded channel (``ScheduleWriter``).
public enum StoreRecord: Sendable, Hashable {
  /// A finished scan. `(drone, droneScanCount)` is unique: a report seen twice (after a
  /// restart) is stored once.
  case scan(
    drone: DroneID, target: TargetID, endS: Double, finding: StationDescription.Finding, note: String,
    droneScanCount: UInt64)
  /// A target's planning state.
  case target(TargetID, lastScanS: Double, finding: StationDescription.Finding, skippedUntilS: Double, requeued: Bool)
  /// A drone controller's state, its mission and the scan reports it has taken.
  case drone(
    DroneID, state: DroneControlState, target: TargetID?, module: ModuleID?, scanS: Double,
    travelS: Double, scanCountSeen: UInt64)
  /// The operator pause.
  case paused(Bool)
  /// Who stopped the drones with `stop_all_drones` (nil: the stop ended with
  /// `scan_resume`); a restart keeps the drones stopped by the same principal.
  case dronesStopped(by: Principal?)
  /// The moment (controller clock, seconds since 1970) the station file's
  /// `last_inspected_h_ago` count back from: written once, by the first run on a database.
  case fileTime(Double)
  /// A module's crew activity: when it ends (controller clock, s), or nil when it ended.
  case crewActivity(ModuleID, untilS: Double?)
}

/// The schedule as read back after a restart.
public struct PersistedSchedule: Sendable, Hashable {
  public struct TargetState: Sendable, Hashable {
    public var lastScanS: Double
    public var finding: StationDescription.Finding
    public var skippedUntilS: Double
    public var requeued: Bool
    public init(lastScanS: Double, finding: StationDescription.Finding, skippedUntilS: Double, requeued: Bool) {
      self.lastScanS = lastScanS
      self.finding = finding
      self.skippedUntilS = skippedUntilS
      self.requeued = requeued
    }
  }
  public struct DroneState: Sendable, Hashable {
    public var state: DroneControlState
    public var mission: DroneController.Mission?
    public var scanCountSeen: UInt64
  }
  public struct ScanRow: Sendable, Hashable {
    public var drone: DroneID
    public var target: TargetID
    public var endS: Double
    public var finding: StationDescription.Finding
    public var note: String
    public var droneScanCount: UInt64
  }
  public var targets: [TargetID: TargetState] = [:]
  public var drones: [DroneID: DroneState] = [:]
  public var paused = false
  /// Who stopped the drones (`stop_all_drones`), nil when they are not stopped.
  public var dronesStoppedBy: Principal?
  /// Each module's crew activity and when it ends (controller clock, s): kept out of
  /// drone plans after a restart until then (or `crew_activity_end`).
  public var crewActivity: [ModuleID: Double] = [:]
  /// The moment the station file's `last_inspected_h_ago` count back from (controller
  /// clock, seconds since 1970), as the first run on this database saved it; nil before.
  public var fileTimeS: Double?
  /// Restarts so far (request ids of this run carry it, so no response or command of an
  /// earlier run is taken for one of this run).
  public var bootEpoch: UInt64 = 0
  /// Every scan, oldest first.
  public var scans: [ScanRow] = []
}

/// A failure of the schedule database, naming the file and what failed.
public struct ScheduleStoreError: Error, Sendable, Hashable, CustomStringConvertible {
  public var path: String
  public var problem: String
  public var description: String { "schedule database \(path): \(problem)" }
}

/// The scheduler's SQLite database (GRDB, write-ahead log): scans, each target's state,
/// each drone's state, the operator pause, the drone stop, the crew activities, the boot epoch. Opened by the writer thread
/// (writes) and at start-up (the restore); never touched from a real-time group.
public final class ScheduleStore: @unchecked Sendable {
  public let path: String
  let pool: DatabasePool

  /// Opens (creating if needed) the database at `path` in WAL mode and migrates it.
  public init(path: String) throws(ScheduleStoreError) {
    self.path = path
    do {
      pool = try DatabasePool(path: path)  // DatabasePool uses the write-ahead log
      var migrator = DatabaseMigrator()
      migrator.registerMigration("v1") { db in
        try db.execute(
          sql: """
            CREATE TABLE scan (
              id INTEGER PRIMARY KEY AUTOINCREMENT, drone TEXT NOT NULL, target TEXT NOT NULL,
              end_s REAL NOT NULL, finding TEXT NOT NULL, note TEXT NOT NULL,
              drone_scan_count INTEGER NOT NULL, UNIQUE (drone, drone_scan_count));
            CREATE TABLE target (
              id TEXT PRIMARY KEY, last_scan_s REAL NOT NULL, finding TEXT NOT NULL,
              skipped_until_s REAL NOT NULL, requeued INTEGER NOT NULL);
            CREATE TABLE drone (
              id TEXT PRIMARY KEY, state INTEGER NOT NULL, target TEXT, module TEXT,
              scan_s REAL NOT NULL, travel_s REAL NOT NULL, scan_count_seen INTEGER NOT NULL);
            CREATE TABLE setting (key TEXT PRIMARY KEY, value INTEGER NOT NULL);
            """)
      }
      migrator.registerMigration("v2-crew-activity") { db in
        try db.execute(sql: "CREATE TABLE crew_activity (module TEXT PRIMARY KEY, until_s REAL NOT NULL)")
      }
      migrator.registerMigration("v3-drone-stop") { db in
        try db.execute(
          sql: "CREATE TABLE drone_stop (id INTEGER PRIMARY KEY CHECK (id = 1), principal TEXT NOT NULL)")
      }
      try migrator.migrate(pool)
    } catch {
      throw ScheduleStoreError(path: path, problem: "\(error)")
    }
  }

  /// Writes `records` in one transaction.
  public func write(_ records: [StoreRecord]) throws(ScheduleStoreError) {
    do {
      try pool.write { db in
        for record in records { try Self.write(record, db) }
      }
    } catch {
      throw ScheduleStoreError(path: path, problem: "write failed: \(error)")
    }
  }

  static func finite(_ value: Double) -> Double {
    value.isFinite ? value : (value > 0 ? 1e300 : -1e300)
  }

  static func write(_ record: StoreRecord, _ db: Database) throws {
    switch record {
    case .scan(let drone, let target, let endS, let finding, let note, let count):
      try db.execute(
        sql: """
          INSERT OR IGNORE INTO scan (drone, target, end_s, finding, note, drone_scan_count)
          VALUES (?, ?, ?, ?, ?, ?)
          """,
        arguments: [drone.rawValue, target.rawValue, endS, finding.rawValue, note, Int64(clamping: count)])
    case .target(let id, let lastScanS, let finding, let skippedUntilS, let requeued):
      try db.execute(
        sql: "INSERT OR REPLACE INTO target VALUES (?, ?, ?, ?, ?)",
        arguments: [id.rawValue, finite(lastScanS), finding.rawValue, finite(skippedUntilS), requeued ? 1 : 0])
    case .drone(let id, let state, let target, let module, let scanS, let travelS, let seen):
      try db.execute(
        sql: "INSERT OR REPLACE INTO drone VALUES (?, ?, ?, ?, ?, ?, ?)",
        arguments: [
          id.rawValue, Int(state.rawValue), target?.rawValue, module?.rawValue, finite(scanS), finite(travelS),
          Int64(clamping: seen),
        ])
    case .paused(let paused):
      try db.execute(sql: "INSERT OR REPLACE INTO setting VALUES ('paused', ?)", arguments: [paused ? 1 : 0])
    case .dronesStopped(let principal):
      if let principal {
        try db.execute(sql: "INSERT OR REPLACE INTO drone_stop VALUES (1, ?)", arguments: [principal.description])
      } else {
        try db.execute(sql: "DELETE FROM drone_stop")
      }
    case .fileTime(let seconds):
      // Milliseconds: the setting table holds integers. Kept once: a restart keeps the first.
      try db.execute(
        sql: "INSERT OR IGNORE INTO setting VALUES ('file_time_ms', ?)",
        arguments: [Int64(clamping: Int64(exactly: (finite(seconds) * 1000).rounded()) ?? 0)])
    case .crewActivity(let module, let untilS):
      if let untilS {
        try db.execute(
          sql: "INSERT OR REPLACE INTO crew_activity VALUES (?, ?)", arguments: [module.rawValue, finite(untilS)])
      } else {
        try db.execute(sql: "DELETE FROM crew_activity WHERE module = ?", arguments: [module.rawValue])
      }
    }
  }

  /// Reads everything back and counts this start as a new boot epoch.
  public func load() throws(ScheduleStoreError) -> PersistedSchedule {
    do {
      return try pool.write { db in
        var schedule = try Self.read(db)
        let epoch = (try Int64.fetchOne(db, sql: "SELECT value FROM setting WHERE key = 'boot_epoch'") ?? -1) + 1
        try db.execute(sql: "INSERT OR REPLACE INTO setting VALUES ('boot_epoch', ?)", arguments: [epoch])
        schedule.bootEpoch = UInt64(clamping: epoch)
        return schedule
      }
    } catch {
      throw ScheduleStoreError(path: path, problem: "read failed: \(error)")
    }
  }

  /// Reads everything as it is now, changing nothing (no new boot epoch): for a reader
  /// beside a running controller (`cloak scans list`); the write-ahead log lets it read
  /// while the controller's writer thread writes. `bootEpoch` is the running one's.
  public func snapshot() throws(ScheduleStoreError) -> PersistedSchedule {
    do {
      return try pool.read { db in
        var schedule = try Self.read(db)
        let epoch = try Int64.fetchOne(db, sql: "SELECT value FROM setting WHERE key = 'boot_epoch'") ?? 0
        schedule.bootEpoch = UInt64(clamping: epoch)
        return schedule
      }
    } catch {
      throw ScheduleStoreError(path: path, problem: "read failed: \(error)")
    }
  }

  private static func read(_ db: Database) throws -> PersistedSchedule {
    var schedule = PersistedSchedule()
    for row in try Row.fetchAll(db, sql: "SELECT * FROM target") {
      guard let id = TargetID(parsing: row["id"]) else { continue }
      schedule.targets[id] = .init(
        lastScanS: row["last_scan_s"],
        finding: StationDescription.Finding(rawValue: row["finding"]) ?? .none,
        skippedUntilS: row["skipped_until_s"], requeued: (row["requeued"] as Int) != 0)
    }
    for row in try Row.fetchAll(db, sql: "SELECT * FROM drone") {
      guard let id = DroneID(parsing: row["id"]) else { continue }
      let state = DroneControlState(rawValue: UInt8(clamping: row["state"] as Int)) ?? .hold
      var mission: DroneController.Mission?
      if let target = (row["target"] as String?).flatMap(TargetID.init(parsing:)),
        let module = (row["module"] as String?).flatMap(ModuleID.init(parsing:))
      {
        mission = .init(target: target, module: module, scanS: row["scan_s"], travelS: row["travel_s"])
      }
      schedule.drones[id] = .init(
        state: state, mission: mission, scanCountSeen: UInt64(clamping: row["scan_count_seen"] as Int64))
    }
    for row in try Row.fetchAll(db, sql: "SELECT * FROM scan ORDER BY id") {
      guard let drone = DroneID(parsing: row["drone"]), let target = TargetID(parsing: row["target"]) else {
        continue
      }
      schedule.scans.append(
        .init(
          drone: drone, target: target, endS: row["end_s"],
          finding: StationDescription.Finding(rawValue: row["finding"]) ?? .none, note: row["note"],
          droneScanCount: UInt64(clamping: row["drone_scan_count"] as Int64)))
    }
    for row in try Row.fetchAll(db, sql: "SELECT * FROM crew_activity") {
      guard let module = ModuleID(parsing: row["module"]) else { continue }
      schedule.crewActivity[module] = row["until_s"]
    }
    let paused = try Int.fetchOne(db, sql: "SELECT value FROM setting WHERE key = 'paused'") ?? 0
    schedule.paused = paused != 0
    if let name = try String.fetchOne(db, sql: "SELECT principal FROM drone_stop WHERE id = 1") {
      // A name this build does not know (a newer build wrote it) is still a stop: the
      // crew's, the one only the crew ends.
      schedule.dronesStoppedBy = Principal(name: name) ?? .crewConsole
      schedule.paused = true
    }
    if let ms = try Int64.fetchOne(db, sql: "SELECT value FROM setting WHERE key = 'file_time_ms'") {
      schedule.fileTimeS = Double(ms) / 1000
    }
    return schedule
  }

  /// Whether the database is in write-ahead-log mode.
  public func journalMode() throws(ScheduleStoreError) -> String {
    do { return try pool.read { db in try String.fetchOne(db, sql: "PRAGMA journal_mode") ?? "" } } catch {
      throw ScheduleStoreError(path: path, problem: "\(error)")
    }
  }
}

/// The writer thread: takes ``StoreRecord``s from a bounded channel that the planner
/// group fills (``channel``; a push never blocks or allocates beyond the record) and
/// writes them to the ``ScheduleStore`` in batches, outside the real-time groups.
public final class ScheduleWriter: @unchecked Sendable {
  public let store: ScheduleStore
  /// Planner side: push records; a full channel counts in ``StoreChannel/lost``.
  public let channel: StoreChannel
  private let condition = NSCondition()
  private var thread: Thread?
  private var stopping = false
  private var idle = true
  /// The last write failure, if any (the writer keeps going).
  public private(set) var lastError: ScheduleStoreError?

  public init(store: ScheduleStore, capacity: Int = 4_096) {
    self.store = store
    channel = StoreChannel(capacity: capacity)
  }

  /// Starts the writer thread (polls the channel every `pollMilliseconds`).
  public func start(pollMilliseconds: Int = 20) {
    thread = NamedThread.start("schedule-writer") { [weak self] in
      while let self, !self.isStopping {
        self.drainOnce()
        Thread.sleep(forTimeInterval: Double(pollMilliseconds) / 1_000)
      }
    }
  }

  private var isStopping: Bool {
    condition.lock()
    defer { condition.unlock() }
    return stopping
  }

  /// Writes everything in the channel now (on the caller's thread); returns how many.
  @discardableResult
  public func drainOnce() -> Int {
    condition.lock()
    defer { condition.unlock() }
    var batch: [StoreRecord] = []
    while let record = channel.queue.pop() { batch.append(record) }
    guard !batch.isEmpty else { return 0 }
    do { try store.write(batch) } catch { lastError = error }
    return batch.count
  }

  /// Stops the thread after writing what is queued.
  public func stop() {
    condition.lock()
    stopping = true
    condition.unlock()
    drainOnce()
  }
}

/// The bounded channel from the planner group to the writer thread.
public final class StoreChannel: @unchecked Sendable {
  let queue: BoundedQueue<StoreRecord>
  private var lostCount: UInt64 = 0
  init(capacity: Int) { queue = BoundedQueue(minimumCapacity: capacity) }
  /// Queues `record`; `false` (and counted) when the channel is full.
  @discardableResult
  public func push(_ record: StoreRecord) -> Bool {
    if queue.push(record) { return true }
    lostCount &+= 1
    return false
  }
  /// Records that found the channel full (planner thread only).
  public var lost: UInt64 { lostCount }
}
