import Crypto
import Foundation

/// Ed25519 keys in the text forms of the C2SP signed-note specification
/// (https://c2sp.org/signed-note): the key hash is the first 4 bytes of
/// `SHA-256(name || 0x0A || 0x01 || public key)`; a verifier key ("vkey") is
/// `name+hex(key hash)+base64(0x01 || public key)`. The private key file uses the
/// same shape with a `PRIVATE+KEY+` prefix and the 32-byte seed. One format serves the
/// audit log's checkpoint key and the ground command keys.
public enum NoteKey {
  /// The signature type byte of Ed25519 in the signed-note specification.
  public static let ed25519Type: UInt8 = 0x01

  /// A key name per the specification: non-empty, no '+', no whitespace or control
  /// characters (they would break the `— NAME SIG` line and the `+`-separated key text).
  public static func isValidName(_ name: String) -> Bool {
    !name.isEmpty
      && !name.unicodeScalars.contains {
        $0 == "+" || $0.properties.isWhitespace || $0.value < 0x20 || $0.value == 0x7F
      }
  }

  /// First 4 bytes of `SHA-256(name || 0x0A || 0x01 || publicKey)` as a big-endian number.
  public static func keyHash(name: String, publicKey: [UInt8]) -> UInt32 {
    var hasher = SHA256()
    hasher.update(data: Array(name.utf8))
    hasher.update(data: [0x0A, ed25519Type])
    hasher.update(data: publicKey)
    let digest = Array(hasher.finalize())
    return digest.prefix(4).reduce(0) { $0 << 8 | UInt32($1) }
  }

  static func hex8(_ value: UInt32) -> String {
    let digits = String(value, radix: 16)
    return String(repeating: "0", count: 8 - digits.count) + digits
  }
}

/// What is wrong with a key text, a note or a signature.
public enum NoteError: Error, Equatable, CustomStringConvertible {
  /// A key name that is empty or holds '+', whitespace or control characters.
  case invalidKeyName(String)
  /// A key text that does not have the `name+hash+base64` shape, the Ed25519 type byte or
  /// 32 key bytes, or whose hash does not match its name and key.
  case malformedKey(String)
  /// Note text that is empty, does not end in a newline or holds a blank line.
  case malformedText(String)
  /// A note without the blank line and signature lines, or with a malformed signature line.
  case malformedNote(String)
  /// No signature line from the expected key (name and key hash).
  case noSignatureFrom(name: String, keyHash: String)
  /// The expected key's signature does not verify.
  case badSignature(name: String)
  /// Signing failed in the crypto library.
  case signingFailed(String)

  public var description: String {
    switch self {
    case .invalidKeyName(let name):
      "invalid key name '\(name)' (empty, or holds '+', whitespace or a control character)"
    case .malformedKey(let why): "malformed key: \(why)"
    case .malformedText(let why): "malformed note text: \(why)"
    case .malformedNote(let why): "malformed signed note: \(why)"
    case .noSignatureFrom(let name, let hash): "no signature from key \(name)+\(hash)"
    case .badSignature(let name): "signature of key \(name) does not verify"
    case .signingFailed(let why): "signing failed: \(why)"
    }
  }
}

/// The public half: verifies signed notes and raw signatures.
public struct NoteVerifier: Sendable, Equatable {
  /// The key name (the audit log's origin, or a ground key id).
  public let name: String
  /// 4-byte key hash (see `NoteKey.keyHash`).
  public let keyHash: UInt32
  /// 32-byte Ed25519 public key.
  public let publicKey: [UInt8]

  /// A verifier for a raw 32-byte Ed25519 public key.
  public init(name: String, publicKey: [UInt8]) throws(NoteError) {
    guard NoteKey.isValidName(name) else { throw .invalidKeyName(name) }
    guard publicKey.count == 32 else {
      throw .malformedKey("an Ed25519 public key has 32 bytes, not \(publicKey.count)")
    }
    self.name = name
    self.publicKey = publicKey
    self.keyHash = NoteKey.keyHash(name: name, publicKey: publicKey)
  }

  /// Parses a vkey `name+hex8+base64(0x01 || key)`; the hash must match.
  public init(vkey: String) throws(NoteError) {
    let text = vkey.trimmingCharacters(in: .whitespacesAndNewlines)
    // Base64 may hold '+': the key is everything after the second '+'.
    let parts = text.split(separator: "+", maxSplits: 2, omittingEmptySubsequences: false)
    guard parts.count == 3 else { throw .malformedKey("a verifier key is NAME+HASH+KEY, got \(parts.count) fields") }
    guard let bytes = Base64.decode(parts[2]), bytes.count == 33, bytes[0] == NoteKey.ed25519Type else {
      throw .malformedKey("the key field is not base64 of the Ed25519 type byte 0x01 and 32 key bytes")
    }
    try self.init(name: String(parts[0]), publicKey: Array(bytes[1...]))
    guard parts[1].count == 8, UInt32(parts[1], radix: 16) == keyHash else {
      throw .malformedKey(
        "key hash \(parts[1]) does not match name \(name) and its key (expected \(NoteKey.hex8(keyHash)))")
    }
  }

  /// The vkey text.
  public var vkey: String {
    "\(name)+\(NoteKey.hex8(keyHash))+\(Base64.encode([NoteKey.ed25519Type] + publicKey))"
  }

  /// Checks a raw Ed25519 signature over `message`.
  public func isValidSignature(_ signature: [UInt8], over message: [UInt8]) -> Bool {
    guard let key = try? Curve25519.Signing.PublicKey(rawRepresentation: publicKey) else { return false }
    return key.isValidSignature(signature, for: message)
  }

  /// Opens a signed note: finds this key's signature line (name and key hash), verifies it
  /// over the text and returns the text (with its final newline). Lines of other keys are
  /// ignored, as the specification requires.
  public func open(_ note: String) throws(NoteError) -> String {
    let parsed = try SignedNote(parsing: note)
    guard let line = parsed.signatures.first(where: { $0.name == name && $0.keyHash == keyHash }) else {
      throw .noSignatureFrom(name: name, keyHash: NoteKey.hex8(keyHash))
    }
    guard isValidSignature(line.signature, over: Array(parsed.text.utf8)) else { throw .badSignature(name: name) }
    return parsed.text
  }
}

/// The private half: signs notes. Holds the Ed25519 private key in memory.
public struct NoteSigner: Sendable {
  public let verifier: NoteVerifier
  /// The 32-byte Ed25519 seed (swift-crypto's key type is not Sendable).
  private let seed: [UInt8]

  private var key: Curve25519.Signing.PrivateKey {
    get throws { try Curve25519.Signing.PrivateKey(rawRepresentation: seed) }
  }

  /// Wraps an existing private key.
  public init(name: String, privateKey: Curve25519.Signing.PrivateKey) throws(NoteError) {
    self.seed = Array(privateKey.rawRepresentation)
    self.verifier = try NoteVerifier(name: name, publicKey: Array(privateKey.publicKey.rawRepresentation))
  }

  /// A fresh random key (the system's CSPRNG through swift-crypto).
  public static func generate(name: String) throws(NoteError) -> NoteSigner {
    try NoteSigner(name: name, privateKey: Curve25519.Signing.PrivateKey())
  }

  /// Parses `PRIVATE+KEY+name+hex8+base64(0x01 || 32-byte seed)`.
  public init(privateKeyText: String) throws(NoteError) {
    let text = privateKeyText.trimmingCharacters(in: .whitespacesAndNewlines)
    let parts = text.split(separator: "+", maxSplits: 4, omittingEmptySubsequences: false)
    guard parts.count == 5, parts[0] == "PRIVATE", parts[1] == "KEY" else {
      throw .malformedKey("a private key is PRIVATE+KEY+NAME+HASH+KEY")
    }
    guard let bytes = Base64.decode(parts[4]), bytes.count == 33, bytes[0] == NoteKey.ed25519Type,
      let key = try? Curve25519.Signing.PrivateKey(rawRepresentation: bytes[1...])
    else { throw .malformedKey("the key field is not base64 of the Ed25519 type byte 0x01 and a 32-byte seed") }
    try self.init(name: String(parts[2]), privateKey: key)
    guard parts[3].count == 8, UInt32(parts[3], radix: 16) == verifier.keyHash else {
      throw .malformedKey("key hash \(parts[3]) does not match name \(verifier.name) and its key")
    }
  }

  /// The private key text (keep it in a file of mode 0600).
  public var privateKeyText: String {
    "PRIVATE+KEY+\(verifier.name)+\(NoteKey.hex8(verifier.keyHash))+"
      + Base64.encode([NoteKey.ed25519Type] + seed)
  }

  /// A raw 64-byte Ed25519 signature of `message`.
  public func signature(over message: [UInt8]) throws(NoteError) -> [UInt8] {
    do { return Array(try key.signature(for: message)) } catch { throw .signingFailed("\(error)") }
  }

  /// Signs note text: returns `text + "\n" + "— NAME BASE64(keyhash || signature)\n"`.
  /// - Throws: `NoteError.malformedText` when the text is empty, lacks its final newline or
  ///   holds a blank line (the note syntax could not then be parsed back).
  public func sign(text: String) throws(NoteError) -> String {
    try SignedNote.checkText(text)
    let sig = try signature(over: Array(text.utf8))
    let hash = withUnsafeBytes(of: verifier.keyHash.bigEndian) { Array($0) }
    return text + "\n" + SignedNote.dash + verifier.name + " " + Base64.encode(hash + sig) + "\n"
  }
}

/// A signed note split into its text and signature lines (not yet verified).
public struct SignedNote: Sendable, Equatable {
  /// One `— NAME BASE64` line.
  public struct Line: Sendable, Equatable {
    public let name: String
    public let keyHash: UInt32
    public let signature: [UInt8]
  }

  /// "— " : U+2014 EM DASH (bytes E2 80 94) and a space, the signature line prefix.
  public static let dash = "\u{2014} "

  /// The signed text, with its final newline.
  public let text: String
  public let signatures: [Line]

  static func checkText(_ text: String) throws(NoteError) {
    guard !text.isEmpty, text.hasSuffix("\n") else {
      throw .malformedText("text must be non-empty and end in a newline")
    }
    guard !text.contains("\n\n") else { throw .malformedText("text must not hold a blank line") }
  }

  /// Splits at the last blank line; every line after it must be a signature line.
  public init(parsing note: String) throws(NoteError) {
    let bytes = Array(note.utf8)
    var split: Int?
    var i = bytes.count - 2
    while i >= 0 {
      if bytes[i] == 0x0A && bytes[i + 1] == 0x0A {
        split = i
        break
      }
      i -= 1
    }
    guard let split else { throw .malformedNote("no blank line before the signatures") }
    let text = String(decoding: bytes[...split], as: UTF8.self)
    try Self.checkText(text)
    let block = String(decoding: bytes[(split + 2)...], as: UTF8.self)
    guard block.hasSuffix("\n") else { throw .malformedNote("the last signature line does not end in a newline") }
    var lines: [Line] = []
    for raw in block.dropLast().split(separator: "\n", omittingEmptySubsequences: false) {
      guard raw.hasPrefix(Self.dash) else { throw .malformedNote("signature line does not start with '— '") }
      let fields = raw.dropFirst(Self.dash.count).split(separator: " ", omittingEmptySubsequences: false)
      guard fields.count == 2, NoteKey.isValidName(String(fields[0])),
        let blob = Base64.decode(fields[1]), blob.count > 4
      else { throw .malformedNote("signature line is not '— NAME BASE64'") }
      let hash = blob.prefix(4).reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
      lines.append(Line(name: String(fields[0]), keyHash: hash, signature: Array(blob.dropFirst(4))))
    }
    guard !lines.isEmpty else { throw .malformedNote("no signature lines") }
    self.text = text
    self.signatures = lines
  }
}
