import AuditLog

/// A signed ground command (docs/command-envelopes.md). The envelope is one JSON object:
///
///     {"v":1,"key_id":"ground-1","seq":42,"time_ms":1795000000000,
///      "lease_expires_ms":1795000600000,"command":{"command":"stop_all_drones"},"sig":"BASE64"}
///
/// `sig` is the Ed25519 signature (64 bytes, standard base64) over the signing input
/// `SigningInput.bytes`: a fixed text header of the scalar fields and then the command
/// object's exact bytes as they appear in the envelope. Nothing is re-serialised, so the
/// verifier checks the bytes the sender signed. `lease_expires_ms` is optional.
public struct CommandEnvelope: Sendable, Equatable {
  /// The format version.
  public static let version: UInt64 = 1

  public let keyId: String
  /// Must rise per key.
  public let sequence: UInt64
  /// Sender's wall clock, milliseconds since the Unix epoch (UTC).
  public let timeMs: Int64
  /// When the ground lease this command asks for or renews ends (Unix ms); nil for none.
  public let leaseExpiresMs: Int64?
  /// The command object's exact bytes.
  public let commandBytes: [UInt8]
  /// The command object, parsed.
  public let command: JSONValue
  /// The command object's `"command"` member: the name the key ring allows or not.
  public let commandName: String
  /// The raw signature; nil when the envelope has no `sig`.
  public let signature: [UInt8]?

  /// The bytes the signature covers:
  /// `"cloak-command-v1\n" KEY_ID "\n" SEQ "\n" TIME_MS "\n" (LEASE_MS | "-") "\n" COMMAND`,
  /// numbers in decimal without leading zeros, COMMAND the command object's exact bytes.
  /// A key id holds no LF (key name rules), so the fields cannot run into each other.
  public static func signingInput(
    keyId: String, sequence: UInt64, timeMs: Int64, leaseExpiresMs: Int64?, commandBytes: [UInt8]
  ) -> [UInt8] {
    let lease = leaseExpiresMs.map { String($0) } ?? "-"
    return Array("cloak-command-v1\n\(keyId)\n\(sequence)\n\(timeMs)\n\(lease)\n".utf8) + commandBytes
  }

  /// The signing input of this envelope.
  public var signingInput: [UInt8] {
    Self.signingInput(
      keyId: keyId, sequence: sequence, timeMs: timeMs, leaseExpiresMs: leaseExpiresMs, commandBytes: commandBytes)
  }

  /// Signs a command and returns the envelope's JSON text (one line).
  /// - Parameter command: one JSON object with a string member `"command"`.
  /// - Throws: `EnvelopeRejection.malformed` for a command that is not such an object, or
  ///   a key name unfit for a key id.
  public static func sign(
    command: [UInt8], sequence: UInt64, timeMs: Int64, leaseExpiresMs: Int64? = nil, signer: NoteSigner
  ) throws(EnvelopeRejection) -> [UInt8] {
    let trimmed = trimWhitespace(command)
    _ = try commandName(of: trimmed)
    let keyId = signer.verifier.name
    let input = signingInput(
      keyId: keyId, sequence: sequence, timeMs: timeMs, leaseExpiresMs: leaseExpiresMs, commandBytes: trimmed)
    let signature: [UInt8]
    do { signature = try signer.signature(over: input) } catch { throw .malformed("signing failed: \(error)") }
    var text = "{\"v\":\(version),\"key_id\":\(JSONValue.quote(keyId)),\"seq\":\(sequence),\"time_ms\":\(timeMs)"
    if let leaseExpiresMs { text += ",\"lease_expires_ms\":\(leaseExpiresMs)" }
    text += ",\"command\":"
    return Array(text.utf8) + trimmed + Array(",\"sig\":\(JSONValue.quote(Base64.encode(signature)))}".utf8)
  }

  static func trimWhitespace(_ bytes: [UInt8]) -> [UInt8] {
    let space: Set<UInt8> = [0x20, 0x09, 0x0A, 0x0D]
    guard let first = bytes.firstIndex(where: { !space.contains($0) }),
      let last = bytes.lastIndex(where: { !space.contains($0) })
    else { return [] }
    return Array(bytes[first...last])
  }

  static func commandName(of commandBytes: [UInt8]) throws(EnvelopeRejection) -> (JSONValue, String) {
    let value: JSONValue
    do { value = try JSONValue.parse(commandBytes) } catch { throw .malformed("command: \(error)") }
    guard value.members != nil else { throw .malformed("command is not a JSON object") }
    guard let name = value["command"]?.string, !name.isEmpty else {
      throw .malformed("command object has no string member \"command\"")
    }
    return (value, name)
  }

  /// Parses an envelope (strict JSON, no duplicate members, no unknown members).
  /// - Throws: `.malformed` for anything that is not a well-formed envelope, `.unsigned`
  ///   when it has no `sig` (or an empty one).
  public init(parsing bytes: [UInt8]) throws(EnvelopeRejection) {
    let value: JSONValue
    do { value = try JSONValue.parse(bytes) } catch { throw .malformed("\(error)") }
    guard let members = value.members else { throw .malformed("envelope is not a JSON object") }
    let known: Set<String> = ["v", "key_id", "seq", "time_ms", "lease_expires_ms", "command", "sig"]
    if let unknown = members.first(where: { !known.contains($0.key) }) {
      throw .malformed("unknown envelope member \"\(unknown.key)\"")
    }
    guard value["v"]?.uint64 == Self.version else { throw .malformed("\"v\" must be \(Self.version)") }
    guard let keyId = value["key_id"]?.string, NoteKey.isValidName(keyId) else {
      throw .malformed("\"key_id\" missing or not a key name")
    }
    guard let sequence = value["seq"]?.uint64 else { throw .malformed("\"seq\" missing or not an unsigned integer") }
    guard let timeMs = value["time_ms"]?.int64 else { throw .malformed("\"time_ms\" missing or not an integer") }
    var lease: Int64?
    if let leaseValue = value["lease_expires_ms"] {
      guard let ms = leaseValue.int64 else { throw .malformed("\"lease_expires_ms\" is not an integer") }
      lease = ms
    }
    guard let commandMember = members.first(where: { $0.key == "command" }) else { throw .malformed("no \"command\"") }
    let commandBytes = Array(bytes[commandMember.valueRange])
    let (command, name) = try Self.commandName(of: commandBytes)
    var signature: [UInt8]?
    if let sigValue = value["sig"] {
      guard let text = sigValue.string else { throw .malformed("\"sig\" is not a string") }
      if !text.isEmpty {
        guard let raw = Base64.decode(text) else { throw .malformed("\"sig\" is not base64") }
        signature = raw
      }
    }
    self.keyId = keyId
    self.sequence = sequence
    self.timeMs = timeMs
    self.leaseExpiresMs = lease
    self.commandBytes = commandBytes
    self.command = command
    self.commandName = name
    self.signature = signature
  }
}
