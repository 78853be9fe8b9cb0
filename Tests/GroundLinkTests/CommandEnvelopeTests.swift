import AuditLog
import Crypto
import Foundation
import GroundLink
import Testing

/// Seed 0x00...0x1F, key id `ground-1`; the signature was computed independently with
/// Python's `cryptography` over the documented signing input.
enum EnvelopeVectors {
  static let vkey = "ground-1+6cb437bc+AQOhB7/zzhC+HXDdGOdLwJln5NYwm6UNXx3chmQSVTG4"
  static let command = #"{"command":"stop_all","reason":"test"}"#
  static let signature = "RUX0E1OKPyQ9HARJrcpUTzb0ACsLW8pBtG0MeRvxVatnS48MkF/oyyAUTTwyMTIhAAPl22HwfOw/b1x+02LMCQ=="
  static let envelope =
    #"{"v":1,"key_id":"ground-1","seq":7,"time_ms":1795000000000,"lease_expires_ms":1795000600000,"#
    + #""command":{"command":"stop_all","reason":"test"},"sig":""# + signature + #""}"#

  static func signer(_ name: String = "ground-1") throws -> NoteSigner {
    try NoteSigner(name: name, privateKey: Curve25519.Signing.PrivateKey(rawRepresentation: Array(0...31) as [UInt8]))
  }
}

func temporaryDirectory() throws -> String {
  let url = FileManager.default.temporaryDirectory.appendingPathComponent("cloak-ground-\(UUID().uuidString)")
  try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
  return url.path
}

@Suite("Ground command envelopes")
final class CommandEnvelopeTests {
  let now: Int64 = 1_795_000_000_000
  let dir: String
  let signer: NoteSigner
  let verifier: CommandVerifier

  init() throws {
    dir = try temporaryDirectory()
    signer = try EnvelopeVectors.signer()
    let ring = try KeyRing([
      KeyRing.Key(verifier: signer.verifier, allowedCommands: ["stop_all", "take_lease", "open_hatch"])
    ])
    verifier = CommandVerifier(keyRing: ring, replayGuard: try ReplayGuard(path: dir + "/replay"), windowMs: 30_000)
  }

  deinit { try? FileManager.default.removeItem(atPath: dir) }

  func sign(_ command: String, seq: UInt64, timeMs: Int64? = nil, lease: Int64? = nil, by key: NoteSigner? = nil) throws
    -> [UInt8]
  {
    try CommandEnvelope.sign(
      command: Array(command.utf8), sequence: seq, timeMs: timeMs ?? now, leaseExpiresMs: lease, signer: key ?? signer)
  }

  func rejection(_ bytes: [UInt8], at time: Int64? = nil) -> EnvelopeRejection? {
    if case .failure(let reason) = verifier.verify(bytes, nowMs: time ?? now) { return reason }
    return nil
  }

  @Test("the envelope, its signing input and its signature are byte for byte the independent vector")
  func vector() throws {
    #expect(signer.verifier.vkey == EnvelopeVectors.vkey)
    let envelope = try sign(EnvelopeVectors.command, seq: 7, lease: now + 600_000)
    #expect(String(decoding: envelope, as: UTF8.self) == EnvelopeVectors.envelope)
    let parsed = try CommandEnvelope(parsing: envelope)
    #expect(
      String(decoding: parsed.signingInput, as: UTF8.self)
        == "cloak-command-v1\nground-1\n7\n1795000000000\n1795000600000\n" + EnvelopeVectors.command)
    #expect(parsed.signature.map(Base64.encode) == EnvelopeVectors.signature)
    #expect(parsed.commandName == "stop_all")
    guard case .success(let accepted) = verifier.verify(envelope, nowMs: now) else {
      Issue.record("vector not accepted")
      return
    }
    #expect(String(decoding: accepted.commandBytes, as: UTF8.self) == EnvelopeVectors.command)
  }

  @Test("the signature covers the command's exact bytes: re-serialised JSON with the same meaning is refused")
  func exactBytes() throws {
    let spaced = EnvelopeVectors.envelope.replacingOccurrences(
      of: #"{"command":"stop_all","reason":"test"}"#, with: #"{"command": "stop_all", "reason": "test"}"#)
    #expect(rejection(Array(spaced.utf8)) == .badSignature(keyId: "ground-1"))
    let reordered = EnvelopeVectors.envelope.replacingOccurrences(
      of: #"{"command":"stop_all","reason":"test"}"#, with: #"{"reason":"test","command":"stop_all"}"#)
    #expect(rejection(Array(reordered.utf8)) == .badSignature(keyId: "ground-1"))
    // Envelope members around the command may be reordered or spaced freely.
    let outer = EnvelopeVectors.envelope.replacingOccurrences(of: #"{"v":1,"#, with: #"{ "v" : 1 , "#)
    #expect(rejection(Array(outer.utf8)) == nil)
  }

  @Test("each rejection has its own reason")
  func rejections() throws {
    let unsigned = #"{"v":1,"key_id":"ground-1","seq":1,"time_ms":1795000000000,"command":{"command":"stop_all"}}"#
    #expect(rejection(Array(unsigned.utf8)) == .unsigned(keyId: "ground-1"))
    #expect(rejection(Array(unsigned.utf8))?.reason == "unsigned")

    let stranger = try EnvelopeVectors.signer("ground-9")
    #expect(rejection(try sign(#"{"command":"stop_all"}"#, seq: 1, by: stranger)) == .unknownKey(keyId: "ground-9"))

    let impostor = try NoteSigner.generate(name: "ground-1")
    #expect(rejection(try sign(#"{"command":"stop_all"}"#, seq: 1, by: impostor)) == .badSignature(keyId: "ground-1"))
    let good = String(decoding: try sign(#"{"command":"stop_all"}"#, seq: 2), as: UTF8.self)
    #expect(
      rejection(Array(good.replacingOccurrences(of: "\"seq\":2", with: "\"seq\":3").utf8))
        == .badSignature(keyId: "ground-1"))

    #expect(
      rejection(try sign(#"{"command":"disable_override"}"#, seq: 4))
        == .notAllowed(keyId: "ground-1", command: "disable_override"))

    #expect(
      rejection(try sign(#"{"command":"stop_all"}"#, seq: 5, timeMs: now - 30_001))
        == .stale(timeMs: now - 30_001, nowMs: now, windowMs: 30_000))
    #expect(
      rejection(try sign(#"{"command":"stop_all"}"#, seq: 6, timeMs: now + 30_001))
        == .stale(timeMs: now + 30_001, nowMs: now, windowMs: 30_000))

    #expect(
      rejection(try sign(#"{"command":"take_lease"}"#, seq: 7, lease: now))
        == .leaseExpired(leaseExpiresMs: now, nowMs: now))

    #expect(rejection(try sign(#"{"command":"stop_all"}"#, seq: 10)) == nil)
    #expect(
      rejection(try sign(#"{"command":"stop_all"}"#, seq: 10))
        == .replayed(keyId: "ground-1", sequence: 10, highestAccepted: 10))
    #expect(
      rejection(try sign(#"{"command":"stop_all"}"#, seq: 9))
        == .replayed(keyId: "ground-1", sequence: 9, highestAccepted: 10))

    let reasons: [EnvelopeRejection] = [
      .malformed(""), .unsigned(keyId: ""), .badSignature(keyId: ""), .unknownKey(keyId: ""),
      .replayed(keyId: "", sequence: 0, highestAccepted: 0), .stale(timeMs: 0, nowMs: 0, windowMs: 0),
      .notAllowed(keyId: "", command: ""), .leaseExpired(leaseExpiresMs: 0, nowMs: 0), .replayStoreFailed(""),
    ]
    #expect(Set(reasons.map(\.reason)).count == reasons.count)
  }

  @Test("a refused envelope does not advance the sequence: only accepted ones count")
  func refusedDoesNotAdvance() throws {
    #expect(rejection(try sign(#"{"command":"stop_all"}"#, seq: 50, timeMs: now - 60_000)) != nil)
    #expect(verifier.replayGuard.highestAccepted(keyId: "ground-1") == nil)
    #expect(rejection(try sign(#"{"command":"stop_all"}"#, seq: 3)) == nil)
    #expect(verifier.replayGuard.highestAccepted(keyId: "ground-1") == 3)
  }

  @Test("malformed envelopes: not JSON, duplicate members, unknown members, command without a name")
  func malformed() throws {
    for text in [
      "not json", "[]", #"{"v":1,"v":1}"#,
      #"{"v":1,"key_id":"ground-1","seq":1,"time_ms":1,"command":{"command":"a","command":"b"},"sig":"AA=="}"#,
      #"{"v":1,"key_id":"ground-1","seq":1,"time_ms":1,"command":{"name":"a"},"sig":"AA=="}"#,
      #"{"v":1,"key_id":"ground-1","seq":-1,"time_ms":1,"command":{"command":"a"},"sig":"AA=="}"#,
      #"{"v":2,"key_id":"ground-1","seq":1,"time_ms":1,"command":{"command":"a"},"sig":"AA=="}"#,
      #"{"v":1,"key_id":"ground-1","seq":1,"time_ms":1,"command":{"command":"a"},"sig":"AA==","extra":1}"#,
    ] {
      guard case .malformed? = rejection(Array(text.utf8)) else {
        Issue.record("not refused as malformed: \(text)")
        continue
      }
    }
  }
}

@Suite("Replay guard")
struct ReplayGuardTests {
  @Test("the highest accepted sequence survives a restart: a replay after restart is refused")
  func acrossRestart() throws {
    let dir = try temporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let path = dir + "/replay"
    let signer = try EnvelopeVectors.signer()
    let ring = try KeyRing([KeyRing.Key(verifier: signer.verifier, allowedCommands: ["stop_all"])])
    let now: Int64 = 1_795_000_000_000
    let envelope = try CommandEnvelope.sign(
      command: Array(#"{"command":"stop_all"}"#.utf8), sequence: 41, timeMs: now, signer: signer)
    let first = CommandVerifier(keyRing: ring, replayGuard: try ReplayGuard(path: path), windowMs: 30_000)
    guard case .success = first.verify(envelope, nowMs: now) else {
      Issue.record("first delivery refused")
      return
    }
    // The controller restarts (a new process: nothing shared but the file).
    let second = CommandVerifier(keyRing: ring, replayGuard: try ReplayGuard(path: path), windowMs: 30_000)
    #expect(
      second.verify(envelope, nowMs: now + 1000)
        == .failure(.replayed(keyId: "ground-1", sequence: 41, highestAccepted: 41)))
    let next = try CommandEnvelope.sign(
      command: Array(#"{"command":"stop_all"}"#.utf8), sequence: 42, timeMs: now, signer: signer)
    guard case .success = second.verify(next, nowMs: now + 1000) else {
      Issue.record("next sequence refused")
      return
    }
    #expect(try String(contentsOfFile: path, encoding: .utf8) == "cloak-replay-guard v1\nground-1 42\n")
  }

  @Test("a power cut between writing the temporary file and the rename leaves the previous state")
  func crashBeforeRename() throws {
    let dir = try temporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let path = dir + "/replay"
    let guardFile = try ReplayGuard(path: path)
    #expect(try guardFile.accept(keyId: "a", sequence: 5) == nil)
    // What a crash before rename leaves: a complete or partial .tmp beside the old file.
    try "cloak-replay-guard v1\na 9\n".write(toFile: path + ".tmp", atomically: false, encoding: .utf8)
    let reloaded = try ReplayGuard(path: path)
    #expect(reloaded.highestAccepted(keyId: "a") == 5)
    #expect(try reloaded.accept(keyId: "a", sequence: 5) == 5)
    #expect(try reloaded.accept(keyId: "a", sequence: 6) == nil)
    #expect(try ReplayGuard(path: path).highestAccepted(keyId: "a") == 6)
  }

  @Test("a damaged state file is an error naming file and line, not an empty guard")
  func damaged() throws {
    let dir = try temporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let path = dir + "/replay"
    try "cloak-replay-guard v1\na 5\nb x\n".write(toFile: path, atomically: false, encoding: .utf8)
    #expect(throws: ReplayGuardError.malformed(path: path, line: 3, detail: "expected 'KEY_ID SEQUENCE', once per key"))
    {
      try ReplayGuard(path: path)
    }
    try "garbage".write(toFile: path, atomically: false, encoding: .utf8)
    #expect(throws: ReplayGuardError.self) { try ReplayGuard(path: path) }
  }

  @Test("a store that cannot be written refuses the command (fail closed)")
  func storeFailure() throws {
    let signer = try EnvelopeVectors.signer()
    let ring = try KeyRing([KeyRing.Key(verifier: signer.verifier, allowedCommands: ["stop_all"])])
    let verifier = CommandVerifier(
      keyRing: ring, replayGuard: try ReplayGuard(path: "/nonexistent-dir/replay"), windowMs: 1000)
    let envelope = try CommandEnvelope.sign(
      command: Array(#"{"command":"stop_all"}"#.utf8), sequence: 1, timeMs: 0, signer: signer)
    guard case .failure(.replayStoreFailed) = verifier.verify(envelope, nowMs: 0) else {
      Issue.record("accepted without a durable sequence")
      return
    }
  }
}

@Suite("Key ring")
struct KeyRingTests {
  @Test("a key ring file lists key id, verifier key and allowed commands; errors name the file and entry")
  func parse() throws {
    let text =
      #"{"keys":[{"key_id":"ground-1","public_key":"\#(EnvelopeVectors.vkey)","allowed_commands":["stop_all"]}]}"#
    let ring = try KeyRing(json: Array(text.utf8), path: "ring.json")
    #expect(ring.keys["ground-1"]?.allowedCommands == ["stop_all"])
    let wrongName = text.replacingOccurrences(of: #""key_id":"ground-1""#, with: #""key_id":"ground-2""#)
    #expect(
      throws: KeyRingError.invalid(
        path: "ring.json", entry: 0, detail: "public_key is for 'ground-1', not key_id 'ground-2'")
    ) {
      try KeyRing(json: Array(wrongName.utf8), path: "ring.json")
    }
    let twice =
      #"{"keys":[{"key_id":"ground-1","public_key":"\#(EnvelopeVectors.vkey)","allowed_commands":[]},"#
      + #"{"key_id":"ground-1","public_key":"\#(EnvelopeVectors.vkey)","allowed_commands":[]}]}"#
    #expect(throws: KeyRingError.duplicateKey(path: "ring.json", keyId: "ground-1")) {
      try KeyRing(json: Array(twice.utf8), path: "ring.json")
    }
  }

  @Test("given the controller's command names, an allowed command that is not one is named")
  func unknownAllowedCommand() throws {
    let text =
      #"{"keys":[{"key_id":"ground-1","public_key":"\#(EnvelopeVectors.vkey)","allowed_commands":["stop_all"]}]}"#
    #expect(
      throws: KeyRingError.invalid(
        path: "ring.json", entry: 0,
        detail: "allowed_commands: 'stop_all' is not a command (known: lease_take, stop_all_drones)")
    ) {
      try KeyRing(json: Array(text.utf8), path: "ring.json", commands: ["stop_all_drones", "lease_take"])
    }
    let fixed = text.replacingOccurrences(of: #""stop_all""#, with: #""stop_all_drones""#)
    let ring = try KeyRing(json: Array(fixed.utf8), path: "ring.json", commands: ["stop_all_drones", "lease_take"])
    #expect(ring.keys["ground-1"]?.allowedCommands == ["stop_all_drones"])
  }
}
