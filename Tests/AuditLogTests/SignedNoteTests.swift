import AuditLog
import Crypto
import Testing

/// Vectors computed independently with Python's `cryptography` (Ed25519) and `hashlib` from
/// the C2SP signed-note and tlog-checkpoint specifications: seed bytes 0x00...0x1F, key name
/// `example.com/log`, a checkpoint of the 8 CT test leaves.
enum NoteVectors {
  static let seed: [UInt8] = Array(0...31)
  static let name = "example.com/log"
  static let vkey = "example.com/log+d455c521+AQOhB7/zzhC+HXDdGOdLwJln5NYwm6UNXx3chmQSVTG4"
  static let privateKey = "PRIVATE+KEY+example.com/log+d455c521+AQABAgMEBQYHCAkKCwwNDg8QERITFBUWFxgZGhscHR4f"
  static let checkpointText = "example.com/log\n8\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=\n"
  static let signedCheckpoint =
    checkpointText
    + "\n\u{2014} example.com/log 1FXFIQghEbt48JV0nbbvyoj51oOGWi8PWVu51z3js1zWy2qLhh2zcvy6M2X+e8pEVRpGR/9z7MVVru29jIzLkdPuEwg=\n"

  static func signer(name: String = name) throws -> NoteSigner {
    try NoteSigner(name: name, privateKey: Curve25519.Signing.PrivateKey(rawRepresentation: seed))
  }
}

@Suite("C2SP signed notes and tlog checkpoints")
struct SignedNoteTests {
  @Test("key hash, verifier key and private key texts match the independent vectors")
  func keyTexts() throws {
    let signer = try NoteVectors.signer()
    #expect(signer.verifier.vkey == NoteVectors.vkey)
    #expect(signer.privateKeyText == NoteVectors.privateKey)
    #expect(signer.verifier.keyHash == 0xD455_C521)
    let parsed = try NoteSigner(privateKeyText: NoteVectors.privateKey + "\n")
    #expect(parsed.verifier == signer.verifier)
    #expect(try NoteVerifier(vkey: NoteVectors.vkey) == signer.verifier)
  }

  @Test("a checkpoint's text and signed note are byte for byte the independent vector")
  func checkpointBytes() throws {
    let root = try #require(TreeHash(base64: "XcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg="))
    #expect(hex(root) == ctRoots[8])
    let checkpoint = Checkpoint(origin: NoteVectors.name, size: 8, root: root)
    #expect(checkpoint.text == NoteVectors.checkpointText)
    let signed = try checkpoint.signed(by: NoteVectors.signer())
    #expect(Array(signed.utf8) == Array(NoteVectors.signedCheckpoint.utf8))
    // The signature line starts with U+2014 EM DASH (E2 80 94) and a space.
    let line = Array(signed.utf8).dropFirst(NoteVectors.checkpointText.utf8.count + 1)
    #expect(Array(line.prefix(4)) == [0xE2, 0x80, 0x94, 0x20])
    let opened = try Checkpoint(
      signedNote: NoteVectors.signedCheckpoint, verifier: NoteVerifier(vkey: NoteVectors.vkey))
    #expect(opened == checkpoint)
  }

  @Test("a changed text, a changed signature or another key is refused, each with its reason")
  func refusals() throws {
    let verifier = try NoteVerifier(vkey: NoteVectors.vkey)
    let changedText = NoteVectors.signedCheckpoint.replacingOccurrences(of: "\n8\n", with: "\n9\n")
    #expect(throws: NoteError.badSignature(name: NoteVectors.name)) { try verifier.open(changedText) }
    let changedSig = NoteVectors.signedCheckpoint.replacingOccurrences(of: "1FXFIQgh", with: "1FXFIQgi")
    #expect(throws: NoteError.badSignature(name: NoteVectors.name)) { try verifier.open(changedSig) }
    let other = try NoteSigner.generate(name: NoteVectors.name)
    #expect(throws: NoteError.self) { try other.verifier.open(NoteVectors.signedCheckpoint) }
    #expect(throws: NoteError.self) { try verifier.open(NoteVectors.checkpointText) }
    // A second signature from an unknown key is ignored.
    let cosigned = try other.sign(text: NoteVectors.checkpointText)
    let both = NoteVectors.signedCheckpoint + String(cosigned.split(separator: "\n").last ?? "") + "\n"
    #expect(try verifier.open(both) == NoteVectors.checkpointText)
  }

  @Test("malformed key texts and names are refused")
  func malformedKeys() {
    #expect(throws: NoteError.self) {
      try NoteVerifier(vkey: "example.com/log+d455c522+AQOhB7/zzhC+HXDdGOdLwJln5NYwm6UNXx3chmQSVTG4")
    }
    #expect(throws: NoteError.self) { try NoteVerifier(vkey: "example.com/log+d455c521") }
    #expect(throws: NoteError.invalidKeyName("a b")) { try NoteSigner.generate(name: "a b") }
    #expect(throws: NoteError.invalidKeyName("a+b")) { try NoteSigner.generate(name: "a+b") }
    #expect(throws: NoteError.self) { try NoteSigner(privateKeyText: NoteVectors.vkey) }
  }

  @Test("checkpoint text: decimal size without leading zeros, base64 root of 32 bytes, origin required")
  func checkpointParsing() throws {
    #expect(throws: CheckpointError.self) {
      try Checkpoint(text: "o\n08\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=\n")
    }
    #expect(throws: CheckpointError.self) { try Checkpoint(text: "o\n8\nXcna\n") }
    #expect(throws: CheckpointError.self) {
      try Checkpoint(text: "\n8\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=\n")
    }
    #expect(throws: CheckpointError.self) { try Checkpoint(text: "o\n8\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=") }
    let extended = try Checkpoint(text: "o\n8\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=\nextra\n")
    #expect(extended.extensions == ["extra"])
    #expect(extended.text == "o\n8\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=\nextra\n")
    #expect(throws: CheckpointError.originMismatch(origin: "other", keyName: NoteVectors.name)) {
      try Checkpoint(origin: "other", size: 0, root: MerkleTree.emptyRoot).signed(by: NoteVectors.signer())
    }
  }
}

@Suite("Strict JSON with raw spans")
struct JSONTests {
  @Test("member value ranges are the exact bytes of the input")
  func ranges() throws {
    let text = Array(#"{ "a" : {"x": [1, 2.50]} , "b":"\u00e9"}"#.utf8)
    let value = try JSONValue.parse(text)
    let member = try #require(value.members?.first)
    #expect(String(decoding: text[member.valueRange], as: UTF8.self) == #"{"x": [1, 2.50]}"#)
    #expect(value["b"]?.string == "é")
  }

  @Test("duplicates, trailing commas, leading zeros, control characters, lone surrogates and bad UTF-8 are refused")
  func strictness() {
    for bad in [
      #"{"a":1,"a":2}"#, #"{"a":{"b":1,"b":1}}"#, #"[1,]"#, #"{"a":01}"#, "{\"a\":\"x\u{01}\"}", #"{"a":"\ud800"}"#,
      #"{"a":1} x"#, #"{"a":.5}"#, #"{"a":tru}"#, "",
    ] {
      #expect(throws: JSONError.self, "\(bad)") { try JSONValue.parse(Array(bad.utf8)) }
    }
    #expect(throws: JSONError.self) { try JSONValue.parse([0x22, 0xFF, 0x22]) }
    var deep = Array(repeating: UInt8(ascii: "["), count: 100)
    deep += Array(repeating: UInt8(ascii: "]"), count: 100)
    #expect(throws: JSONError.self) { try JSONValue.parse(deep) }
  }

  @Test("numbers keep their text; integers fit 64 bits or are nil")
  func numbers() throws {
    let value = try JSONValue.parse(Array(#"{"a":18446744073709551615,"b":-1,"c":1e3,"d":-0.5}"#.utf8))
    #expect(value["a"]?.uint64 == UInt64.max)
    #expect(value["a"]?.int64 == nil)
    #expect(value["b"]?.int64 == -1)
    #expect(value["c"]?.int64 == nil)
    #expect(value["c"]?.double == 1000)
    #expect(value["d"]?.double == -0.5)
  }
}
