import Boards
import CommandLink
import Controller
import Foundation
import HAL
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Station
import Testing

@testable import Composition
@testable import OperatorAPI

/// The parts of the operator API: the event journal, the history, the crew credential,
/// the live hub's back-pressure and the state hand-off.
@Suite struct OperatorAPIPartsTests {
  static func event(_ code: EventCode, at seconds: Double, rate: Double = .nan, principal: Principal? = nil)
    -> Event
  {
    Event(
      severity: .info, code: code, source: .executive, value: 0,
      monotonic: MonotonicInstant(nanoseconds: Int64(seconds * 1e9)), wallNanoseconds: Int64(seconds * 1e9), rate: rate,
      principal: principal, requestID: principal == nil ? 0 : 7, command: principal == nil ? nil : .stopAllDrones)
  }

  @Test func journalPagesBySequenceAndKeepsTheNewest() {
    let journal = EventJournal(
      formatter: .init(origin: .zero, run: .init(board: "sim", station: "demo", softwareVersion: "t")), capacity: 16)
    for i in 0..<40 { journal.consume(Self.event(.hatchMoved, at: Double(i)), subject: .executive) }
    let newest = journal.page(limit: 5)
    #expect(newest.oldest == 25)
    #expect(newest.next == 41)
    #expect(newest.records.map(\.0) == [36, 37, 38, 39, 40])
    #expect(newest.records[0].1.hasPrefix("{\"time_s\":35,"))
    #expect(journal.page(after: 38, limit: 100).records.map(\.0) == [39, 40])
    // Asked for records already overwritten: the oldest kept onwards.
    #expect(journal.page(after: 3, limit: 3).records.map(\.0) == [25, 26, 27])
    #expect(journal.page(before: 30, limit: 3).records.map(\.0) == [27, 28, 29])
    #expect(journal.page(before: 2, limit: 3).records.isEmpty)
    #expect(journal.page(after: .max, limit: 3).records.isEmpty)
  }

  @Test func journalCountsAlarmsAndCommands() {
    let journal = EventJournal(
      formatter: .init(origin: .zero, run: .init(board: "sim", station: "demo", softwareVersion: "t")))
    let hab = EventSubject(module: ModuleID(unchecked: "hab"))
    journal.consume(Self.event(.leakTrend, at: 1, rate: 0.05), subject: hab)
    journal.consume(Self.event(.leakAlarm, at: 2, rate: 0.6), subject: hab)
    journal.consume(Self.event(.leakCleared, at: 4, rate: 0.01), subject: hab)
    journal.consume(Self.event(.commandAccepted, at: 5, principal: .crewConsole), subject: .executive)
    var rejected = Self.event(.commandRejected, at: 6, principal: .ground)
    rejected.rejection = .authority
    journal.consume(rejected, subject: .executive)
    let counts = journal.counters()
    #expect(counts.commands["crew_console"]?["ok"] == 1)
    #expect(counts.commands["ground"]?["authority"] == 1)
    #expect(counts.alarms["leak_alarm"] == 1)
    #expect(counts.alarms["leak_trend"] == 1)
    #expect(counts.alarms["leak_cleared"] == nil)
  }

  @Test func historyRingIsBoundedThinnedAndPersisted() throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("cloak-history-\(UUID())")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    let path = directory.appendingPathComponent("history.db").path
    do {
      let store = try HistoryStore(path: path, capacity: 100)
      for i in 0..<250 {
        let point = HistoryStore.Point(
          t: Double(i), pressurePa: 101_000 + Double(i), temperatureC: 21, lossRatePctPerHour: .nan)
        #expect(store.append([("hab", point)]) == nil)
      }
      // An older point than the newest is ignored.
      store.append([("hab", .init(t: 3, pressurePa: 1, temperatureC: 1, lossRatePctPerHour: 1))])
      let all = store.series("hab", since: 0, maxPoints: 1_000)
      #expect(all.count == 100)
      #expect(all.first?.t == 150)
      #expect(all.last?.t == 249)
      let thin = store.series("hab", since: 200, maxPoints: 10)
      #expect(thin.count == 10)
      #expect(thin.first?.t == 200)
      #expect(thin.last?.t == 249)
      #expect(store.series("lab", since: 0, maxPoints: 10).isEmpty)
    }
    // A restarted controller backfills from the file.
    let reopened = try HistoryStore(path: path, capacity: 100)
    let back = reopened.series("hab", since: 0, maxPoints: 1_000)
    #expect(back.count == 100)
    #expect(back.last == .init(t: 249, pressurePa: 101_249, temperatureC: 21, lossRatePctPerHour: .nan))
  }

  @Test func historyDatabaseThatCannotBeOpenedIsNamed() {
    #expect(throws: HistoryStoreError.self) { try HistoryStore(path: "/nonexistent-dir/history.db") }
    do { _ = try HistoryStore(path: "/nonexistent-dir/history.db") } catch {
      #expect(error.description.hasPrefix("history database /nonexistent-dir/history.db:"))
    }
  }

  @Test func crewCredentialIsMadePrivateAndAdmitsOnlyItsSecret() throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("cloak-crew-\(UUID())")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    let path = directory.appendingPathComponent("crew.secret").path
    let credential = try CrewCredential(path: path)
    let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
    #expect(mode == 0o640)
    #expect(credential.secret.count == 48)
    #expect(credential.admits(authorization: "Bearer \(credential.secret)"))
    #expect(!credential.admits(authorization: "Bearer \(credential.secret)x"))
    #expect(!credential.admits(authorization: credential.secret))
    // The auth scheme is case-insensitive, one or more spaces before the token (RFC 9110 11.1).
    #expect(credential.admits(authorization: "bearer \(credential.secret)"))
    #expect(credential.admits(authorization: "BEARER  \(credential.secret)"))
    #expect(!credential.admits(authorization: "Bearer\(credential.secret)"))
    #expect(!credential.admits(authorization: "Basic \(credential.secret)"))
    #expect(!credential.admits(authorization: nil))
    #expect(try CrewCredential(path: path).secret == credential.secret)
    try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: path)
    #expect(throws: CrewCredentialError.self) { try CrewCredential(path: path) }
    #expect(throws: CrewCredentialError.self) {
      try CrewCredential(path: directory.appendingPathComponent("absent").path, createIfMissing: false)
    }
  }

  @Test func aClientThatDoesNotReadIsDroppedAndTheOthersGetEverything() async {
    let hub = LiveHub(queueCapacity: 4)
    let closed = ManagedFlag()
    let slow = hub.join(close: { closed.value = true })
    let fast = hub.join(close: {})
    var iterator = fast.messages.makeAsyncIterator()
    var received: [String] = []
    for i in 0..<20 {
      hub.broadcast("m\(i)")
      if let message = await iterator.next() { received.append(message) }
    }
    #expect(received == (0..<20).map { "m\($0)" })
    #expect(hub.dropped == 1)
    #expect(hub.count == 1)
    #expect(closed.value, "the dropped client's connection is closed")
    _ = slow
  }

  @Test func handOffSkipsAPublicationWhileAReaderHoldsIt() throws {
    let station = try StationCatalog.standard().load("demo")
    let handOff = StationStateHandOff(station: station)
    var frame = StationStateFrame(station: station)
    frame.sequence = 1
    frame.modulePressurePa[0] = 101_000
    #expect(handOff.offer(frame))
    let skipped = handOff.holdingReaderLock { () -> Bool in
      frame.sequence = 2
      return handOff.offer(frame)
    }
    #expect(skipped == false)
    #expect(handOff.skipped == 1)
    let latest = handOff.latest()
    #expect(latest.sequence == 1)
    #expect(latest.modulePressurePa[0] == 101_000)
  }
}
