import AuditLog
import Foundation
import Testing

func temporaryDirectory(_ tag: String) throws -> String {
  let url = FileManager.default.temporaryDirectory.appendingPathComponent("cloak-\(tag)-\(UUID().uuidString)")
  try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
  return url.path
}

func entry(_ i: Int, event: String = "command_received", principal: String? = "ground") -> [UInt8] {
  AuditEntry.make(
    timeS: Double(i) * 0.5, utc: "2026-11-26T17:00:\(String(format: "%02d", i % 60)).000Z", event: event,
    principal: principal, fields: [("seq", String(i))])
}

/// A log of `count` entries with a checkpoint after every `checkpointEvery` entries and one
/// at the end.
func makeLog(_ path: String, count: Int, checkpointEvery: Int = 4, signer: NoteSigner) throws -> AuditLogFile {
  let log = try AuditLogFile(path: path, signer: signer)
  for i in 0..<count {
    try log.append(entry(i))
    if (i + 1) % checkpointEvery == 0 { try log.writeCheckpoint() }
  }
  try log.writeCheckpoint()
  try log.sync()
  return log
}

func lines(_ path: String) throws -> [String] {
  try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false).map(
    String.init)
}

func write(_ lines: [String], to path: String) throws {
  try lines.joined(separator: "\n").write(toFile: path, atomically: false, encoding: .utf8)
}

func scan(_ path: String, key: NoteVerifier? = nil) throws -> AuditLogScan {
  AuditLogScan(bytes: try DurableFile.read(path), pinnedKey: key)
}

/// Byte offset of line `n` (0 = header).
func offset(ofLine n: Int, in path: String) throws -> Int {
  try lines(path)[..<n].reduce(0) { $0 + $1.utf8.count + 1 }
}

/// Line number (0 = header) of entry `index`.
func lineOfEntry(_ index: Int, in path: String) throws -> Int {
  try #require(lines(path).firstIndex { $0.hasPrefix("e \(index) ") })
}

@Suite("Audit log file: format, recovery, tamper evidence")
final class AuditLogFileTests {
  let signer: NoteSigner
  let dir: String

  init() throws {
    signer = try NoteVectors.signer(name: "station.test/audit")
    dir = try temporaryDirectory("audit")
  }

  deinit { try? FileManager.default.removeItem(atPath: dir) }

  @Test("entries carry their index and tree head; reopening continues the tree; an intact log verifies")
  func appendAndReopen() throws {
    let path = dir + "/log"
    let log = try makeLog(path, count: 10, signer: signer)
    let rootAt10 = log.root
    log.close()
    let reopened = try AuditLogFile(path: path, signer: signer)
    #expect(reopened.size == 10)
    #expect(reopened.root == rootAt10)
    #expect(reopened.recoveredTornTail == nil)
    try reopened.append(entry(10))
    try reopened.writeCheckpoint()
    reopened.close()
    let result = try scan(path, key: signer.verifier)
    #expect(result.problem == nil)
    #expect(result.size == 11)
    #expect(result.root == MerkleTree.rootHash(leafHashes: (0...10).map { MerkleTree.leafHash(entry($0)) }))
    #expect(result.checkpoints.map(\.checkpoint.size) == [4, 8, 10, 11])
    #expect(result.verify(against: []) == .intact)
    #expect(try lines(path)[1].hasPrefix("e 0 \(MerkleTree.leafHash(entry(0)).base64) {\"time_s\":0,"))
  }

  @Test("entries that are not one-line JSON objects are refused before writing")
  func entryValidation() throws {
    let log = try AuditLogFile(path: dir + "/log", signer: signer)
    #expect(throws: AuditLogError.entry(.containsNewline(offset: 7))) {
      try log.append(Array("{\"a\":1,\n\"b\":2}".utf8))
    }
    #expect(throws: AuditLogError.entry(.notAnObject)) { try log.append(Array("[1]".utf8)) }
    #expect(throws: AuditLogError.self) { try log.append(Array("{\"a\":}".utf8)) }
    #expect(log.size == 0)
  }

  @Test("a torn last record is reported torn (exit 3); reopening cuts it off and appends after the last complete entry")
  func tornTail() throws {
    let path = dir + "/log"
    try makeLog(path, count: 5, signer: signer).close()
    let intactBytes = try DurableFile.read(path)
    let torn = Array("e 5 AAAA {\"time_s\":9,\"ut".utf8)
    let handle = try #require(FileHandle(forWritingAtPath: path))
    handle.seekToEndOfFile()
    handle.write(Data(torn))
    try handle.close()

    let result = try scan(path, key: signer.verifier)
    #expect(result.problem == nil)
    #expect(result.size == 5)
    #expect(result.verify(against: []) == .torn(offset: intactBytes.count, length: torn.count))
    #expect(result.verify(against: []).exitStatus == 3)

    let reopened = try AuditLogFile(path: path, signer: signer)
    #expect(reopened.recoveredTornTail?.offset == intactBytes.count)
    #expect(reopened.recoveredTornTail?.length == torn.count)
    #expect(try DurableFile.read(path) == intactBytes)
    try reopened.append(entry(5))
    try reopened.writeCheckpoint()
    reopened.close()
    let after = try scan(path, key: signer.verifier)
    #expect(after.verify(against: []) == .intact)
    #expect(after.size == 6)
  }

  @Test("a torn header (power cut while creating) is started over")
  func tornHeader() throws {
    let path = dir + "/log"
    try Array("cloak-audit-log v1 sta".utf8).withUnsafeBytes { try Data($0).write(to: URL(fileURLWithPath: path)) }
    let log = try AuditLogFile(path: path, signer: signer)
    #expect(log.recoveredTornTail?.length == 22)
    try log.append(entry(0))
    try log.writeCheckpoint()
    #expect(try scan(path).verify(against: []) == .intact)
  }

  @Test("a modified entry is named by index and byte offset, and a torn tail does not hide it")
  func modified() throws {
    let path = dir + "/log"
    try makeLog(path, count: 10, signer: signer).close()
    var text = try lines(path)
    let line = try lineOfEntry(6, in: path)
    text[line] = text[line].replacingOccurrences(of: "\"principal\":\"ground\"", with: "\"principal\":\"crew\"")
    text[text.count - 1] = "e 10 torn"
    try write(text, to: path)
    let result = try scan(path)
    let problem = try #require(result.problem)
    #expect(problem.kind == .treeHeadMismatch)
    #expect(problem.entry == 6)
    #expect(problem.offset == (try offset(ofLine: line, in: path)))
    #expect(result.verify(against: []).exitStatus == 1)
    #expect("\(problem)".contains("entry 6 (byte \(problem.offset))"))
  }

  @Test(
    "an inserted entry (a copy, or one with a correct index and tree head) is caught at the first inconsistent entry")
  func inserted() throws {
    let path = dir + "/log"
    try makeLog(path, count: 10, signer: signer).close()
    var text = try lines(path)
    let line = try lineOfEntry(3, in: path)
    text.insert(text[line], at: line + 1)
    try write(text, to: path)
    var problem = try #require(try scan(path).problem)
    #expect(problem.kind == .indexMismatch(found: 3))
    #expect(problem.entry == 4)
    #expect(problem.offset == (try offset(ofLine: line + 1, in: path)))

    // A forger without the key computes a correct index and tree head for the new entry:
    // the next original entry's index no longer matches its position.
    try makeLog(path + "2", count: 10, signer: signer).close()
    text = try lines(path + "2")
    let at = try lineOfEntry(4, in: path + "2")
    var frontier = MerkleFrontier()
    for i in 0..<4 { frontier.append(MerkleTree.leafHash(entry(i))) }
    let forged = entry(99, event: "hatch_open", principal: "ground")
    frontier.append(MerkleTree.leafHash(forged))
    text.insert(
      String(
        decoding: AuditLogFormat.entryRecord(index: 4, root: frontier.root, entry: forged).dropLast(), as: UTF8.self),
      at: at)
    try write(text, to: path + "2")
    problem = try #require(try scan(path + "2").problem)
    #expect(problem.kind == .indexMismatch(found: 4))
    #expect(problem.entry == 5)
  }

  @Test("a removed entry and two swapped entries are named at the first position that differs")
  func removedAndReordered() throws {
    let path = dir + "/log"
    try makeLog(path, count: 10, signer: signer).close()
    let original = try lines(path)
    var text = original
    let line5 = try lineOfEntry(5, in: path)
    text.remove(at: line5)
    try write(text, to: path)
    var problem = try #require(try scan(path).problem)
    #expect(problem.kind == .indexMismatch(found: 6))
    #expect(problem.entry == 5)
    #expect(problem.offset == (try offset(ofLine: line5, in: path)))

    text = original
    let line2 = original.firstIndex { $0.hasPrefix("e 2 ") } ?? 0
    text.swapAt(line2, line2 + 1)
    try write(text, to: path)
    problem = try #require(try scan(path).problem)
    #expect(problem.kind == .indexMismatch(found: 3))
    #expect(problem.entry == 2)

    // Swapped entries with their index fields swapped back: the tree head gives it away.
    text = original
    let a = original[line2].split(separator: " ", maxSplits: 3)
    let b = original[line2 + 1].split(separator: " ", maxSplits: 3)
    text[line2] = "e 2 \(a[2]) \(b[3])"
    text[line2 + 1] = "e 3 \(b[2]) \(a[3])"
    try write(text, to: path)
    problem = try #require(try scan(path).problem)
    #expect(problem.kind == .treeHeadMismatch)
    #expect(problem.entry == 2)
  }

  @Test("a truncated log is caught against an earlier checkpoint kept elsewhere")
  func truncated() throws {
    let path = dir + "/log"
    let log = try makeLog(path, count: 10, signer: signer)
    let kept = try #require(log.lastSignedCheckpoint)
    log.close()
    var text = try lines(path)
    let cut = try lineOfEntry(7, in: path)
    text = Array(text[..<cut]) + [""]
    try write(text, to: path)
    let result = try scan(path)
    #expect(result.problem == nil)
    #expect(result.verify(against: []) == .intact)  // on its own a shorter log is a shorter log
    guard case .inconsistent(let name, let detail) = result.verify(against: [("kept.cp", kept)]) else {
      Issue.record("truncation not detected")
      return
    }
    #expect(name == "kept.cp")
    #expect(detail.contains("covers 10 entries but the log has 7"))
  }

  @Test("a wholesale rewrite, even re-signed with the log's own key, is not an extension of an earlier checkpoint")
  func wholesaleRewrite() throws {
    let path = dir + "/log"
    let log = try makeLog(path, count: 12, signer: signer)
    let kept = try #require(log.lastSignedCheckpoint)
    log.close()
    // Root on the controller holds the key: rewrite history from entry 3 on and re-sign.
    let rewritten = dir + "/rewritten"
    let forged = try AuditLogFile(path: rewritten, signer: signer)
    for i in 0..<14 { try forged.append(i == 3 ? entry(3, event: "nothing_happened") : entry(i)) }
    try forged.writeCheckpoint()
    forged.close()
    let result = try scan(rewritten, key: signer.verifier)
    #expect(result.problem == nil)
    #expect(result.verify(against: []) == .intact)
    guard case .inconsistent(_, let detail) = result.verify(against: [("ground.cp", kept)]) else {
      Issue.record("rewrite not detected")
      return
    }
    #expect(detail.contains("not an extension"))
    #expect(result.verify(against: [("ground.cp", kept)]).exitStatus == 1)
    // The honest log extends the same checkpoint.
    #expect(try scan(path).verify(against: [("ground.cp", kept)]) == .intact)
  }

  @Test("a rewrite under a substituted key is caught by the pinned key or by any checkpoint kept elsewhere")
  func substitutedKey() throws {
    let path = dir + "/log"
    let log = try makeLog(path, count: 6, signer: signer)
    let kept = try #require(log.lastSignedCheckpoint)
    log.close()
    let forger = try NoteSigner.generate(name: signer.verifier.name)
    let rewritten = dir + "/rewritten"
    try makeLog(rewritten, count: 6, signer: forger).close()
    let withPin = try scan(rewritten, key: signer.verifier)
    #expect(withPin.problem?.kind == .header)
    let unpinned = try scan(rewritten)
    #expect(unpinned.problem == nil)
    guard case .inconsistent(_, let detail) = unpinned.verify(against: [("kept", kept)]) else {
      Issue.record("substituted key not detected")
      return
    }
    #expect(detail.contains("does not verify"))
  }

  @Test("an in-log checkpoint that was altered, or whose root disagrees with the entries, is a problem")
  func badInLogCheckpoint() throws {
    let path = dir + "/log"
    try makeLog(path, count: 8, signer: signer).close()
    var text = try lines(path)
    let cpLine = try #require(text.firstIndex { $0.hasPrefix("c ") })
    let note = try #require(Base64.decode(String(text[cpLine].dropFirst(2))))
    let changed = String(decoding: note, as: UTF8.self).replacingOccurrences(of: "\n4\n", with: "\n3\n")
    text[cpLine] = "c " + Base64.encode(Array(changed.utf8))
    try write(text, to: path)
    let problem = try #require(try scan(path).problem)
    #expect(problem.kind == .checkpoint)
    #expect(problem.entry == 4)
  }

  @Test("opening a log with a bad complete record refuses to append; another key is refused")
  func openRefusals() throws {
    let path = dir + "/log"
    try makeLog(path, count: 4, signer: signer).close()
    let original = try lines(path)
    var text = original
    text[2] = text[2].replacingOccurrences(of: "ground", with: "crew")
    try write(text, to: path)
    #expect {
      try AuditLogFile(path: path, signer: signer)
    } throws: { error in
      guard case .corrupt(_, let problem) = error as? AuditLogError else { return false }
      return problem.entry == 1
    }
    try write(original, to: path)
    let other = try NoteSigner.generate(name: "station.test/audit")
    #expect {
      try AuditLogFile(path: path, signer: other)
    } throws: { error in
      if case .keyMismatch = error as? AuditLogError { return true }
      return false
    }
  }
}

@Suite("Audit log file: one writer")
struct AuditLogLockTests {
  @Test("a second writer on the same log is refused while the first has it open")
  func secondWriter() throws {
    let signer = try NoteVectors.signer(name: "station.test/audit")
    let dir = try temporaryDirectory("lock")
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let path = dir + "/log"
    let first = try AuditLogFile(path: path, signer: signer)
    #expect(throws: AuditLogError.locked(path: path)) { try AuditLogFile(path: path, signer: signer) }
    first.close()
    let second = try AuditLogFile(path: path, signer: signer)
    second.close()
  }
}
