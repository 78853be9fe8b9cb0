import Controller
import Foundation
import Station
import Testing

@testable import Scheduler

/// The plan, each target's history and each drone's state survive a restart.
@Suite struct PersistenceTests {
  static func temporaryPath(_ name: String) -> String {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
      "cloak-sched-\(ProcessInfo.processInfo.processIdentifier)-\(name)-\(UInt64.random(in: 0...UInt64.max))")
    try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    return directory.appendingPathComponent("schedule.sqlite").path
  }

  @Test("the database is in write-ahead-log mode and a scan report seen twice is stored once")
  func walAndUniqueScans() throws {
    let store = try ScheduleStore(path: Self.temporaryPath("wal"))
    #expect(try store.journalMode() == "wal")
    let scan = StoreRecord.scan(
      drone: DroneID(unchecked: "d1"), target: TargetID(unchecked: "t1"), endS: 10, finding: .minor, note: "pitting",
      droneScanCount: 3)
    try store.write([scan, scan])
    let loaded = try store.load()
    #expect(loaded.scans.count == 1)
    #expect(loaded.scans.first?.note == "pitting")
    #expect(loaded.bootEpoch == 0)
    #expect(try store.load().bootEpoch == 1)
  }

  @Test("a reader's snapshot changes nothing; the station file's time is kept from the first run")
  func snapshotAndFileTime() throws {
    let store = try ScheduleStore(path: Self.temporaryPath("snapshot"))
    #expect(try store.load().bootEpoch == 0)
    try store.write([.fileTime(1_000.5), .paused(true)])
    // A restart writes its own start again: the first one stays.
    try store.write([.fileTime(9_999)])
    let first = try store.snapshot()
    let second = try store.snapshot()
    #expect(first == second)
    #expect(first.bootEpoch == 0)
    #expect(first.fileTimeS == 1_000.5)
    #expect(first.paused)
    // A reader's snapshot did not count as a boot: the next controller start is epoch 1.
    #expect(try store.load().bootEpoch == 1)
    #expect(try store.snapshot().bootEpoch == 1)
  }

  @Test("an unwritable database path is a typed error naming the path")
  func badPath() {
    #expect(throws: ScheduleStoreError.self) { _ = try ScheduleStore(path: "/proc/no/such/dir/schedule.sqlite") }
  }

  /// Runs a fleet on `station` for `first` seconds, "restarts" (a new FleetControl,
  /// planner and command path over the same drones, restored from the database; the
  /// old command path is dropped with whatever it still held), runs `second` more.
  /// `loseTail`: the writer's last records never reach the disk.
  @discardableResult
  static func restartRun(seed: UInt64, first: Double, second: Double, loseTail: Bool) throws -> [DroneControlState] {
    let station = Stations.generated(seed: seed, maxModules: 6, maxTargets: 12, maxDrones: 3, intervalH: 1...3)
    let path = temporaryPath("restart-\(seed)")
    let store = try ScheduleStore(path: path)
    let writer = ScheduleWriter(store: store)
    let boot0 = try store.load()
    let before = FleetHarness(station: station, store: writer.channel, bootEpoch: boot0.bootEpoch)
    before.fleet.restore(boot0, now: 0)
    before.run(first, tickS: 2) {
      if !loseTail { writer.drainOnce() } else if Int(before.now) % 60 == 0 { writer.drainOnce() }
    }
    if !loseTail { writer.drainOnce() }
    let oldRequests = Set(before.arbiter.requests.map(\.id))
    let statesAtRestart = before.fleet.controllers.map(\.state)
    // Restart: the old FleetControl and command path are gone; the drones fly on.
    let boot1 = try store.load()
    #expect(boot1.bootEpoch == boot0.bootEpoch + 1)
    let after = FleetHarness(
      station: station, fakes: before.fakes, store: writer.channel, start: before.now, bootEpoch: boot1.bootEpoch)
    after.fleet.restore(boot1, now: after.now)
    after.run(second, tickS: 2) { writer.drainOnce() }
    writer.drainOnce()
    // No command from before the restart acts after it: every request after the
    // restart is new (the new boot epoch), and orders the drones got after the restart
    // were all sent by the new command path.
    #expect(
      after.arbiter.requests.allSatisfy {
        !oldRequests.contains($0.id) && RequestIDSpace.schedulerEpoch(of: $0.id) == boot1.bootEpoch
      })
    // Every scan the drones finished is stored exactly once: none lost, none twice.
    let stored = try store.load().scans
    let truth = before.fakes.flatMap { fake in fake.completed.map { "\(fake.drone)/\($0.target)/\(Int($0.at))" } }
    let keys = stored.map { "\($0.drone)/\($0.target)" }
    #expect(stored.count == truth.count, "seed \(seed): stored \(stored.count), done \(truth.count)")
    #expect(Set(stored.map { "\($0.drone)#\($0.droneScanCount)" }).count == stored.count)
    #expect(keys.sorted() == truth.map { $0.split(separator: "/").prefix(2).joined(separator: "/") }.sorted())
    // Nothing scanned again right after the restart: two scans of one target are at
    // least the minimum spacing apart.
    for target in station.targets {
      let times = before.fakes.flatMap { $0.completed.filter { $0.target == target.id }.map(\.at) }.sorted()
      for (a, b) in zip(times, times.dropFirst()) {
        #expect(
          b - a >= target.intervalH * 3_600 * RiskConfiguration().minimumIntervalFraction,
          "seed \(seed): \(target.id) scanned again after \(b - a) s")
      }
    }
    #expect(!truth.isEmpty)
    return statesAtRestart
  }

  @Test("a restart mid-plan resumes without repeating or losing a scan", arguments: [UInt64(1), 2, 3, 4, 5, 6])
  func restartMidPlan(seed: UInt64) throws {
    try Self.restartRun(seed: seed, first: 3 * 3_600 + 37, second: 4 * 3_600, loseTail: false)
  }

  @Test("a restart whose last records were not written still loses and repeats nothing", arguments: [UInt64(7), 9, 12])
  func restartWithLostTail(seed: UInt64) throws {
    let states = try Self.restartRun(seed: seed, first: 2 * 3_600 + 45, second: 3 * 3_600, loseTail: true)
    // These seeds restart with a drone mid-scan (the case that could repeat or lose one;
    // seed 8 did until the drones flew the planner's path step by step, decision 1307,
    // which moved its timings).
    #expect(states.contains(.scanning))
  }
}
