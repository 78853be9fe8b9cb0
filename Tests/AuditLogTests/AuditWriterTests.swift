import Foundation
import Testing

@testable import AuditLog

@Suite("Audit writer: channel, fsync and checkpoint policy")
final class AuditWriterTests {
  let signer: NoteSigner
  let dir: String

  init() throws {
    signer = try NoteVectors.signer(name: "station.test/audit")
    dir = try temporaryDirectory("writer")
  }

  deinit { try? FileManager.default.removeItem(atPath: dir) }

  static let stamp: @Sendable () -> (timeS: Double, utc: String) = { (1.5, "2026-11-26T17:00:01.500Z") }

  @Test("sync is due after N entries or when the oldest unsynced entry is T old; a checkpoint likewise")
  func policy() {
    let policy = AuditPolicy(
      capacity: 8, syncEveryEntries: 4, syncInterval: .milliseconds(500), checkpointEveryEntries: 10,
      checkpointInterval: .seconds(60))
    #expect(!policy.syncDue(unsyncedEntries: 0, oldestUnsyncedAge: .seconds(10)))
    #expect(!policy.syncDue(unsyncedEntries: 3, oldestUnsyncedAge: .milliseconds(499)))
    #expect(policy.syncDue(unsyncedEntries: 4, oldestUnsyncedAge: .zero))
    #expect(policy.syncDue(unsyncedEntries: 1, oldestUnsyncedAge: .milliseconds(500)))
    #expect(!policy.checkpointDue(entriesSinceCheckpoint: 0, sinceLastCheckpoint: .seconds(600)))
    #expect(!policy.checkpointDue(entriesSinceCheckpoint: 9, sinceLastCheckpoint: .seconds(59)))
    #expect(policy.checkpointDue(entriesSinceCheckpoint: 10, sinceLastCheckpoint: .zero))
    #expect(policy.checkpointDue(entriesSinceCheckpoint: 1, sinceLastCheckpoint: .seconds(60)))
  }

  @Test("routine entries are on disk after flush; close publishes a final checkpoint covering them all")
  func routineAndClose() throws {
    let path = dir + "/log"
    let writer = AuditWriter(
      file: try AuditLogFile(path: path, signer: signer), policy: AuditPolicy(checkpointEveryEntries: 1000),
      stamp: Self.stamp)
    for i in 0..<50 { #expect(writer.submit(entry(i)) == .queued) }
    writer.flush()
    #expect(try scan(path).size == 50)
    #expect(try scan(path).checkpoints.isEmpty)
    writer.close()
    let result = try scan(path, key: signer.verifier)
    #expect(result.verify(against: []) == .intact)
    #expect(result.checkpoints.last?.checkpoint.size == 50)
    #expect(writer.status.written == 50)
    #expect(writer.submit(entry(51)) == .closed)
  }

  @Test("every safety entry is followed by a signed checkpoint over it")
  func safetyEntries() throws {
    let path = dir + "/log"
    let writer = AuditWriter(file: try AuditLogFile(path: path, signer: signer), stamp: Self.stamp)
    #expect(writer.submit(entry(0)) == .queued)
    #expect(writer.submit(entry(1, event: "safe_all", principal: "crew"), durability: .safety) == .queued)
    #expect(writer.submit(entry(2)) == .queued)
    #expect(writer.submit(entry(3, event: "stop_all", principal: "crew"), durability: .safety) == .queued)
    writer.flush()
    let result = try scan(path, key: signer.verifier)
    #expect(result.checkpoints.map(\.checkpoint.size) == [2, 4])
    let text = try lines(path)
    #expect(text[2].hasPrefix("e 1 ") && text[3].hasPrefix("c "))
    #expect(writer.lastCheckpoint == result.checkpoints.last?.signedNote)
    writer.close()
  }

  @Test("a full channel refuses without blocking, counts the loss, and the gap goes on the record")
  func fullChannel() throws {
    let path = dir + "/log"
    let writer = AuditWriter(
      file: try AuditLogFile(path: path, signer: signer), policy: AuditPolicy(capacity: 3), stamp: Self.stamp)
    writer.setPaused(true)
    for i in 0..<3 { #expect(writer.submit(entry(i)) == .queued) }
    #expect(writer.submit(entry(3)) == .full)
    #expect(writer.submit(entry(4)) == .full)
    #expect(writer.submitWaiting(entry(5), timeout: .milliseconds(20)) == .full)
    #expect(writer.status.lost == 2)
    writer.setPaused(false)
    writer.close()
    let result = try scan(path, key: signer.verifier)
    #expect(result.problem == nil)
    let events = result.entries.compactMap { try? JSONValue.parse($0.bytes) }.map { AuditEntry.Fields($0).event }
    #expect(events.contains("audit_entries_lost"))
    // The writer records a gap as soon as it sees one, so the two losses are one record
    // of 2 or (when it ran between the two submits) two records of 1: together, 2.
    let gaps = result.entries.filter { String(decoding: $0.bytes, as: UTF8.self).contains("audit_entries_lost") }
    let counts = try gaps.map { try JSONValue.parse($0.bytes)["count"]?.int64 ?? 0 }
    #expect(counts.reduce(0, +) == 2)
    #expect(result.size == 3 + gaps.count)
  }

  @Test("invalid entries are refused at submit")
  func invalid() throws {
    let writer = AuditWriter(file: try AuditLogFile(path: dir + "/log", signer: signer), stamp: Self.stamp)
    #expect(writer.submit(Array("not json".utf8)) != .queued)
    #expect(writer.submit(Array("{\"a\":\n1}".utf8)) == .invalid(.containsNewline(offset: 5)))
    writer.close()
  }

  @Test("a writer opened on a log with a torn tail records what it dropped")
  func tornTailRecorded() throws {
    let path = dir + "/log"
    try makeLog(path, count: 3, signer: signer).close()
    let handle = try #require(FileHandle(forWritingAtPath: path))
    handle.seekToEndOfFile()
    handle.write(Data("e 3 xx".utf8))
    try handle.close()
    let writer = AuditWriter(file: try AuditLogFile(path: path, signer: signer), stamp: Self.stamp)
    writer.close()
    let result = try scan(path, key: signer.verifier)
    #expect(result.verify(against: []) == .intact)
    let last = try JSONValue.parse(try #require(result.entries.last).bytes)
    #expect(last["event"]?.string == "audit_torn_tail_dropped")
    #expect(last["bytes"]?.int64 == 6)
  }

  @Test("entry helper: time_s, utc, event, principal as compact JSON")
  func entryHelper() throws {
    let bytes = AuditEntry.make(
      timeS: 12.25, utc: AuditEntry.utc(Date(timeIntervalSince1970: 1_795_000_000.125)), event: "lease_granted",
      principal: "ground", fields: [("until_s", "600")])
    #expect(
      String(decoding: bytes, as: UTF8.self)
        == #"{"time_s":12.25,"utc":"2026-11-18T11:06:40.125Z","event":"lease_granted","principal":"ground","until_s":600}"#
    )
    #expect(AuditEntry.formatSeconds(3) == "3")
    #expect(AuditEntry.formatSeconds(0.000000001) == "0.000000001")
  }
}

@Suite("Audit writer: durable submit")
struct AuditWriterDurableTests {
  @Test("submitDurably returns with the entry and its checkpoint already in the file")
  func durable() throws {
    let signer = try NoteVectors.signer(name: "station.test/audit")
    let dir = try temporaryDirectory("durable")
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let path = dir + "/log"
    let writer = AuditWriter(
      file: try AuditLogFile(path: path, signer: signer), stamp: { (0, "2026-11-26T17:00:00.000Z") })
    #expect(writer.submit(entry(0)) == .queued)
    #expect(writer.submitDurably(entry(1, event: "stop_all", principal: "crew"), timeout: .seconds(5)) == .queued)
    let result = try scan(path, key: signer.verifier)
    #expect(result.size == 2)
    #expect(result.checkpoints.last?.checkpoint.size == 2)
    writer.close()
  }
}
