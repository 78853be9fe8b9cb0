import Foundation
import GRDB
import Station

/// Why the history database could not be used: the file and what failed.
public struct HistoryStoreError: Error, CustomStringConvertible, Sendable {
  public var path: String
  public var problem: String
  public var description: String { "history database \(path): \(problem)" }
}

/// Per-module pressure, temperature and loss-rate series kept by the operator API so a
/// page opened late (or reloaded) backfills the last hours before going live.
///
/// One point per module per published state (about 1 Hz), on the controller's wall
/// clock (UTC seconds; on sim the simulated clock). In memory: a bounded ring of
/// ``capacity`` points per module (default 6 h at 1 Hz). With a database path: every
/// point also goes to SQLite (GRDB, WAL), points older than ``retentionSeconds``
/// (default 3 days) are deleted once a minute, and on open the ring is refilled from
/// the newest ``capacity`` stored points, so a restarted controller still shows the
/// hours before it. Writes happen on the API's pump task, never on a rate group.
public final class HistoryStore: @unchecked Sendable {
  /// One point: time (UTC seconds), pressure (Pa), temperature (C), loss rate (%/h);
  /// NaN where the value was absent.
  public struct Point: Sendable, Equatable {
    public var t: Double
    public var pressurePa: Double
    public var temperatureC: Double
    public var lossRatePctPerHour: Double
    public init(t: Double, pressurePa: Double, temperatureC: Double, lossRatePctPerHour: Double) {
      self.t = t
      self.pressurePa = pressurePa
      self.temperatureC = temperatureC
      self.lossRatePctPerHour = lossRatePctPerHour
    }
    public static func == (a: Point, b: Point) -> Bool {
      func same(_ x: Double, _ y: Double) -> Bool { x == y || (x.isNaN && y.isNaN) }
      return same(a.t, b.t) && same(a.pressurePa, b.pressurePa) && same(a.temperatureC, b.temperatureC)
        && same(a.lossRatePctPerHour, b.lossRatePctPerHour)
    }
  }

  public let capacity: Int
  public let retentionSeconds: Double
  public let path: String?
  private let lock = NSLock()
  private var rings: [String: [Point]] = [:]
  private var heads: [String: Int] = [:]
  private let database: DatabaseQueue?
  private var lastPrune = -Double.infinity

  /// - Parameters: `path`: the SQLite file (created if absent; nil: memory only);
  ///   `capacity`: points per module in memory (at least 2).
  /// - Throws: ``HistoryStoreError`` naming the file when it cannot be opened or migrated.
  public init(path: String?, capacity: Int = 21_600, retentionSeconds: Double = 3 * 86_400) throws(HistoryStoreError) {
    self.capacity = max(capacity, 2)
    self.retentionSeconds = retentionSeconds
    self.path = path
    guard let path else {
      database = nil
      return
    }
    do {
      var configuration = Configuration()
      configuration.journalMode = .wal
      let queue = try DatabaseQueue(path: path, configuration: configuration)
      try queue.write { db in
        try db.execute(
          sql: """
            CREATE TABLE IF NOT EXISTS module_history (
              module TEXT NOT NULL, t REAL NOT NULL, pressure_pa REAL, temperature_c REAL, loss_rate_pct_per_h REAL);
            CREATE INDEX IF NOT EXISTS module_history_t ON module_history(t);
            """)
      }
      database = queue
      let rows = try queue.read { db in
        try Row.fetchAll(
          db,
          sql:
            "SELECT module, t, pressure_pa, temperature_c, loss_rate_pct_per_h FROM module_history ORDER BY t DESC LIMIT ?",
          arguments: [self.capacity * 64])
      }
      for row in rows.reversed() {
        let module: String = row[0]
        let point = Point(
          t: row[1], pressurePa: (row[2] as Double?) ?? .nan, temperatureC: (row[3] as Double?) ?? .nan,
          lossRatePctPerHour: (row[4] as Double?) ?? .nan)
        appendInMemory(module, point)
      }
    } catch {
      throw HistoryStoreError(path: path, problem: "\(error)")
    }
  }

  private func appendInMemory(_ module: String, _ point: Point) {
    var ring = rings[module] ?? []
    if ring.count < capacity {
      ring.append(point)
      rings[module] = ring
      return
    }
    let head = heads[module] ?? 0
    ring[head] = point
    rings[module] = ring
    heads[module] = (head + 1) % capacity
  }

  /// Appends one point per module (points older than the module's newest are ignored).
  /// A database failure is returned (the memory ring still has the points).
  @discardableResult
  public func append(_ points: [(module: String, point: Point)]) -> HistoryStoreError? {
    lock.lock()
    var accepted: [(String, Point)] = []
    for (module, point) in points {
      if let newest = newestInMemory(module), point.t <= newest.t { continue }
      appendInMemory(module, point)
      accepted.append((module, point))
    }
    lock.unlock()
    guard let database, !accepted.isEmpty else { return nil }
    do {
      try database.write { db in
        for (module, point) in accepted {
          try db.execute(
            sql: "INSERT INTO module_history VALUES (?, ?, ?, ?, ?)",
            arguments: [
              module, point.t, Self.nullable(point.pressurePa), Self.nullable(point.temperatureC),
              Self.nullable(point.lossRatePctPerHour),
            ])
        }
        if let newest = accepted.map(\.1.t).max(), newest - lastPrune >= 60 {
          lastPrune = newest
          try db.execute(sql: "DELETE FROM module_history WHERE t < ?", arguments: [newest - retentionSeconds])
        }
      }
    } catch {
      return HistoryStoreError(path: path ?? "-", problem: "\(error)")
    }
    return nil
  }

  private static func nullable(_ value: Double) -> Double? { value.isFinite ? value : nil }

  private func newestInMemory(_ module: String) -> Point? {
    guard let ring = rings[module], !ring.isEmpty else { return nil }
    if ring.count < capacity { return ring.last }
    let head = heads[module] ?? 0
    return ring[(head + capacity - 1) % capacity]
  }

  /// The points of `module` at or after `since` (UTC seconds), oldest first, thinned
  /// evenly to at most `maxPoints` (the newest always kept).
  public func series(_ module: String, since: Double, maxPoints: Int) -> [Point] {
    lock.lock()
    let ring = rings[module] ?? []
    let head = ring.count < capacity ? 0 : (heads[module] ?? 0)
    lock.unlock()
    var ordered: [Point] = []
    ordered.reserveCapacity(ring.count)
    for i in 0..<ring.count {
      let point = ring[(head + i) % ring.count]
      if point.t >= since { ordered.append(point) }
    }
    let limit = max(maxPoints, 1)
    guard ordered.count > limit else { return ordered }
    let stride = Double(ordered.count - 1) / Double(max(limit - 1, 1))
    return (0..<limit).map { ordered[min(Int((Double($0) * stride).rounded()), ordered.count - 1)] }
  }

  /// Module ids with points.
  public var modules: [String] {
    lock.lock()
    defer { lock.unlock() }
    return rings.keys.sorted()
  }
}
