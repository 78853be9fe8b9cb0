/// A tree head in the C2SP tlog-checkpoint format (https://c2sp.org/tlog-checkpoint): the
/// note text `origin\nsize\nbase64(root)\n` (size in decimal without leading zeros, root in
/// standard padded base64), optionally followed by extension lines, signed as a C2SP signed
/// note by the log's key, whose name is the origin.
public struct Checkpoint: Sendable, Equatable {
  /// The log's identity (its key name).
  public let origin: String
  /// Number of entries the tree covers.
  public let size: Int
  /// RFC 9162 root hash of the first `size` entries.
  public let root: TreeHash
  /// Extension lines after the root line (none in the checkpoints this log writes).
  public let extensions: [String]

  public init(origin: String, size: Int, root: TreeHash, extensions: [String] = []) {
    self.origin = origin
    self.size = size
    self.root = root
    self.extensions = extensions
  }

  /// The note text that is signed.
  public var text: String {
    ([origin, String(size), root.base64] + extensions).map { $0 + "\n" }.joined()
  }

  /// Parses checkpoint note text (the part before the blank line).
  public init(text: String) throws(CheckpointError) {
    guard text.hasSuffix("\n") else { throw .malformed("checkpoint text does not end in a newline") }
    let lines = text.dropLast().split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    guard lines.count >= 3 else { throw .malformed("a checkpoint has an origin, a size and a root hash line") }
    guard !lines[0].isEmpty else { throw .malformed("empty origin line") }
    guard let size = Int(lines[1]), size >= 0, String(size) == lines[1] else {
      throw .malformed("tree size '\(lines[1])' is not a decimal number without leading zeros")
    }
    guard let root = TreeHash(base64: lines[2]) else {
      throw .malformed("root hash '\(lines[2])' is not base64 of 32 bytes")
    }
    guard lines[3...].allSatisfy({ !$0.isEmpty }) else { throw .malformed("empty extension line") }
    self.init(origin: lines[0], size: size, root: root, extensions: Array(lines[3...]))
  }

  /// Signs the checkpoint; the signer's name must be the origin.
  public func signed(by signer: NoteSigner) throws(CheckpointError) -> String {
    guard signer.verifier.name == origin else { throw .originMismatch(origin: origin, keyName: signer.verifier.name) }
    do { return try signer.sign(text: text) } catch { throw .note(error) }
  }

  /// Opens a signed checkpoint with the log's verifier key and checks that the origin is the
  /// key's name.
  public init(signedNote: String, verifier: NoteVerifier) throws(CheckpointError) {
    let text: String
    do { text = try verifier.open(signedNote) } catch { throw .note(error) }
    try self.init(text: text)
    guard origin == verifier.name else { throw .originMismatch(origin: origin, keyName: verifier.name) }
  }

  /// Parses a signed checkpoint without checking its signature (to learn its origin and
  /// size before the key is known; never trust the result alone).
  public init(unverifiedNote: String) throws(CheckpointError) {
    let parsed: SignedNote
    do { parsed = try SignedNote(parsing: unverifiedNote) } catch { throw .note(error) }
    try self.init(text: parsed.text)
  }
}

/// What is wrong with a checkpoint.
public enum CheckpointError: Error, Equatable, CustomStringConvertible {
  case malformed(String)
  case originMismatch(origin: String, keyName: String)
  case note(NoteError)

  public var description: String {
    switch self {
    case .malformed(let why): "malformed checkpoint: \(why)"
    case .originMismatch(let origin, let keyName): "checkpoint origin '\(origin)' is not the key name '\(keyName)'"
    case .note(let error): "\(error)"
    }
  }
}
