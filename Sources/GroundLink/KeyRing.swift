import AuditLog

/// The ground keys the controller accepts: per key id, the Ed25519 public key (a C2SP
/// verifier key whose name is the key id) and the command names it may send.
public struct KeyRing: Sendable, Equatable {
  public struct Key: Sendable, Equatable {
    public let verifier: NoteVerifier
    public let allowedCommands: Set<String>

    public init(verifier: NoteVerifier, allowedCommands: Set<String>) {
      self.verifier = verifier
      self.allowedCommands = allowedCommands
    }

    public var keyId: String { verifier.name }
  }

  public let keys: [String: Key]

  /// - Throws: `KeyRingError.duplicateKey` when two keys share an id.
  public init(_ keys: [Key]) throws(KeyRingError) {
    var byId: [String: Key] = [:]
    for key in keys {
      guard byId[key.keyId] == nil else { throw .duplicateKey(path: nil, keyId: key.keyId) }
      byId[key.keyId] = key
    }
    self.keys = byId
  }

  /// Parses a key ring file:
  /// `{"keys":[{"key_id":"ground-1","public_key":"VKEY","allowed_commands":["stop_all_drones"]}]}`,
  /// where VKEY is the text of the `.pub` file `cloak keys generate` writes. With
  /// `commands` (the controller's command names), an allowed command that is not one of
  /// them is an error naming it: a misspelt name would otherwise refuse that command
  /// (`not_allowed`) without a word at start.
  public init(json bytes: [UInt8], path: String, commands: Set<String>? = nil) throws(KeyRingError) {
    let root: JSONValue
    do { root = try JSONValue.parse(bytes) } catch { throw .invalid(path: path, entry: nil, detail: "\(error)") }
    guard case .array(let entries)? = root["keys"] else {
      throw .invalid(path: path, entry: nil, detail: "expected an object with an array \"keys\"")
    }
    var keys: [Key] = []
    for (index, entry) in entries.enumerated() {
      guard let keyId = entry["key_id"]?.string else {
        throw .invalid(path: path, entry: index, detail: "\"key_id\" missing or not a string")
      }
      guard let vkey = entry["public_key"]?.string else {
        throw .invalid(path: path, entry: index, detail: "\"public_key\" missing or not a string")
      }
      let verifier: NoteVerifier
      do { verifier = try NoteVerifier(vkey: vkey) } catch {
        throw .invalid(path: path, entry: index, detail: "public_key: \(error)")
      }
      guard verifier.name == keyId else {
        throw .invalid(path: path, entry: index, detail: "public_key is for '\(verifier.name)', not key_id '\(keyId)'")
      }
      guard case .array(let names)? = entry["allowed_commands"] else {
        throw .invalid(path: path, entry: index, detail: "\"allowed_commands\" missing or not an array")
      }
      var allowed = Set<String>()
      for name in names {
        guard let text = name.string else {
          throw .invalid(path: path, entry: index, detail: "allowed_commands holds a non-string")
        }
        if let commands, !commands.contains(text) {
          throw .invalid(
            path: path, entry: index,
            detail: "allowed_commands: '\(text)' is not a command (known: \(commands.sorted().joined(separator: ", ")))"
          )
        }
        allowed.insert(text)
      }
      keys.append(Key(verifier: verifier, allowedCommands: allowed))
    }
    do { try self.init(keys) } catch {
      if case .duplicateKey(_, let keyId) = error { throw .duplicateKey(path: path, keyId: keyId) }
      throw error
    }
  }
}

/// A key ring that cannot be used.
public enum KeyRingError: Error, Equatable, CustomStringConvertible {
  case invalid(path: String, entry: Int?, detail: String)
  case duplicateKey(path: String?, keyId: String)

  public var description: String {
    switch self {
    case .invalid(let path, let entry, let detail):
      "\(path): " + (entry.map { "keys[\($0)]: " } ?? "") + detail
    case .duplicateKey(let path, let keyId): (path.map { "\($0): " } ?? "") + "key id '\(keyId)' listed twice"
    }
  }
}
