import AuditLog
import Boards
import Composition
import Controller
import Foundation
import Simulation
import Station
import Testing

/// The controller's audit log: every audited event of a run goes in as the same JSON line
/// as the run's `--events` record, and the log verifies and survives a restart.
@Suite(.serialized) struct AuditEventConsumerTests {
  static func temporary(_ name: String) -> String {
    FileManager.default.temporaryDirectory.appendingPathComponent("cloak-audit-\(UUID())-\(name)").path
  }

  /// Plays the crew-ground-contending scenario with an event file and an audit log; returns
  /// both files' bytes and the signer.
  static func playContending(events: String, audit: String) throws -> NoteSigner {
    let station = try StationCatalog.standard().load("demo")
    let board = try BoardCatalog.standard().load("sim")
    let scenario = try ScenarioFiles.load("crew-ground-contending", station: station)
    let formatter = EventRecordFormatter(
      origin: .zero, run: RunInfo(board: "sim", station: "demo", softwareVersion: "test"))
    let signer = try NoteSigner.generate(name: "test/audit")
    let writer = try EventFileWriter(path: events, formatter: formatter)
    let log = try AuditLogFile(path: audit, signer: signer)
    let auditWriter = AuditWriter(file: log) { (0, "2030-01-01T00:00:00.000Z") }
    let consumer = AuditEventConsumer(writer: auditWriter, formatter: formatter)
    let run = try ScenarioRun(
      scenario: scenario, station: station, board: board, consumers: [writer, consumer])
    run.advance(to: 100)
    _ = run.finish()
    writer.close()
    consumer.close()
    return signer
  }

  static func lines(_ path: String) throws -> [String] {
    String(decoding: try Data(contentsOf: URL(fileURLWithPath: path)), as: UTF8.self)
      .split(separator: "\n").map(String.init)
  }

  @Test func auditLogHoldsExactlyTheAuditedEventRecords() throws {
    let events = Self.temporary("events.jsonl")
    let audit = Self.temporary("audit.log")
    defer {
      try? FileManager.default.removeItem(atPath: events)
      try? FileManager.default.removeItem(atPath: audit)
    }
    let signer = try Self.playContending(events: events, audit: audit)
    let auditedNames = Set(
      [
        "command_accepted", "command_rejected", "safe_mode_entered", "safe_mode_cleared", "control_changed",
        "lease_started", "run_started", "run_stopped",
      ])
    let expected = try Self.lines(events).filter { line in
      auditedNames.contains { line.contains("\"event\":\"\($0)\"") }
    }
    let scan = AuditLogScan(bytes: try DurableFile.read(audit), pinnedKey: signer.verifier)
    #expect(scan.problem == nil)
    #expect(scan.tornTail == nil)
    let logged = scan.entries.map { String(decoding: $0.bytes, as: UTF8.self) }
    let loggedOfThoseKinds = logged.filter { line in auditedNames.contains { line.contains("\"event\":\"\($0)\"") } }
    // Every command, rejection, token change, lease and safety action, byte for byte, in order.
    #expect(loggedOfThoseKinds == expected)
    #expect(
      expected.contains { $0.contains("\"event\":\"command_rejected\"") && $0.contains("\"principal\":\"ground\"") })
    #expect(expected.contains { $0.contains("\"event\":\"safe_mode_entered\"") })
    // Safety actions are followed by a checkpoint: at least one per safe-mode change and lease.
    #expect(scan.checkpoints.count >= 4)
    #expect(scan.checkpoints.last?.checkpoint.size == scan.size)
  }

  @Test func restartContinuesAfterTheLastCompleteEntry() throws {
    let audit = Self.temporary("audit.log")
    defer { try? FileManager.default.removeItem(atPath: audit) }
    let signer = try NoteSigner.generate(name: "test/audit")
    let formatter = EventRecordFormatter(
      origin: .zero, run: RunInfo(board: "sim", station: "demo", softwareVersion: "test"))
    var event = Event(
      severity: .info, code: .runStarted, source: .executive, value: .nan, monotonic: .zero, wallNanoseconds: 0)
    for _ in 0..<2 {
      let writer = AuditWriter(file: try AuditLogFile(path: audit, signer: signer)) { (0, "x") }
      let consumer = AuditEventConsumer(writer: writer, formatter: formatter)
      consumer.consume(event, subject: EventSubject())
      event.code = .pingLate  // not audited: never reaches the log
      consumer.consume(event, subject: EventSubject())
      event.code = .runStarted
      consumer.close()
    }
    // Tear the tail as a power cut would, then restart once more.
    let handle = try #require(FileHandle(forWritingAtPath: audit))
    handle.seekToEndOfFile()
    handle.write(Data("{\"event\":\"run_st".utf8))
    try handle.close()
    let writer = AuditWriter(file: try AuditLogFile(path: audit, signer: signer)) { (0, "x") }
    let consumer = AuditEventConsumer(writer: writer, formatter: formatter)
    consumer.consume(event, subject: EventSubject())
    consumer.close()
    let scan = AuditLogScan(bytes: try DurableFile.read(audit), pinnedKey: signer.verifier)
    #expect(scan.problem == nil)
    #expect(scan.tornTail == nil)
    let names = scan.entries.map { String(decoding: $0.bytes, as: UTF8.self) }
    #expect(names.filter { $0.contains("\"event\":\"run_started\"") }.count == 3)
    #expect(names.contains { $0.contains("audit_torn_tail_dropped") })
    #expect(!names.contains { $0.contains("ping_late") })
  }
}
