/// The first thing wrong with a log's complete records. Everything before it is intact;
/// nothing after it is trusted.
public struct AuditProblem: Error, Sendable, Equatable, CustomStringConvertible {
  public enum Kind: Sendable, Equatable {
    /// The header line is missing or malformed, or names another key than the expected one.
    case header
    /// A line that is not a record of the format.
    case malformedRecord
    /// An entry's index field is not its position: an entry was inserted, removed or
    /// reordered before or at this point.
    case indexMismatch(found: Int)
    /// An entry's tree head is not the root recomputed over the entries so far: the entry
    /// (or its tree head) was modified.
    case treeHeadMismatch
    /// An entry that is not a one-line JSON object.
    case invalidEntry
    /// An in-log checkpoint whose signature, origin, size or root does not match.
    case checkpoint
  }

  public let kind: Kind
  /// The position of the entry concerned: for an entry record its index in the file, for
  /// a checkpoint or malformed record the number of entries before it.
  public let entry: Int
  /// Byte offset of the record in the file.
  public let offset: Int
  public let detail: String

  public var description: String {
    switch kind {
    case .header: "header (byte \(offset)): \(detail)"
    case .checkpoint, .malformedRecord: "record at byte \(offset) (after \(entry) entries): \(detail)"
    default: "entry \(entry) (byte \(offset)): \(detail)"
    }
  }
}

/// An entry as read from a log.
public struct ScannedEntry: Sendable, Equatable {
  public let index: Int
  /// Byte offset of its record.
  public let offset: Int
  /// The entry's exact bytes (the leaf's input).
  public let bytes: [UInt8]
}

/// A signed checkpoint found in a log.
public struct ScannedCheckpoint: Sendable, Equatable {
  public let offset: Int
  public let signedNote: String
  public let checkpoint: Checkpoint
}

/// A log read and checked record by record: the header, every entry's index and tree head
/// against the RFC 9162 root recomputed from the entries, every in-log checkpoint's
/// signature and root. Stops at the first problem.
public struct AuditLogScan: Sendable {
  public private(set) var origin: String?
  /// The key checkpoints were checked with (the pinned key, else the header's).
  public private(set) var verifier: NoteVerifier?
  public private(set) var entries: [ScannedEntry] = []
  public private(set) var leafHashes: [TreeHash] = []
  /// roots[k] is the root of the tree of entries 0...k.
  public private(set) var roots: [TreeHash] = []
  public private(set) var checkpoints: [ScannedCheckpoint] = []
  /// The first problem among complete records; nil when all are intact.
  public private(set) var problem: AuditProblem?
  /// Offset and length of bytes after the last LF (a torn write), nil when none.
  public private(set) var tornTail: (offset: Int, length: Int)?
  /// Offset just past the last complete record.
  public private(set) var completeLength = 0

  /// The number of entries (complete and intact up to `problem`).
  public var size: Int { entries.count }
  /// The root of all intact entries.
  public var root: TreeHash { roots.last ?? MerkleTree.emptyRoot }

  /// Root of the first `size` entries.
  public func root(size: Int) -> TreeHash? {
    guard size >= 0, size <= roots.count else { return nil }
    return size == 0 ? MerkleTree.emptyRoot : roots[size - 1]
  }

  /// Scans a file's bytes.
  /// - Parameters:
  ///   - pinnedKey: the log's checkpoint key from a trusted place; when nil the header's key
  ///     is used (which catches damage, not a forger who replaced the header).
  ///   - keepEntries: false to skip keeping entry bytes (the writer's recovery needs only hashes).
  public init(bytes: [UInt8], pinnedKey: NoteVerifier? = nil, keepEntries: Bool = true) {
    let (records, tornOffset) = AuditLogFormat.split(bytes)
    if let tornOffset { tornTail = (tornOffset, bytes.count - tornOffset) }
    var frontier = MerkleFrontier()
    for (position, result) in records.enumerated() {
      let record: AuditRecord
      switch result {
      case .failure(let bad):
        problem = AuditProblem(
          kind: position == 0 ? .header : .malformedRecord, entry: entries.count, offset: bad.offset, detail: bad.reason
        )
        return
      case .success(let parsed): record = parsed
      }
      switch record.kind {
      case .header(let origin, let vkey):
        guard checkHeader(origin: origin, vkey: vkey, pinnedKey: pinnedKey, offset: record.offset) else { return }
      case .entry(let index, let root, let entry):
        let position = entries.count
        guard index == position else {
          problem = AuditProblem(
            kind: .indexMismatch(found: index), entry: position, offset: record.offset,
            detail: "index field says \(index): an entry was inserted, removed or reordered")
          return
        }
        if let lf = entry.firstIndex(of: 0x0A) {
          problem = AuditProblem(
            kind: .invalidEntry, entry: position, offset: record.offset, detail: "newline at \(lf)")
          return
        }
        let leaf = MerkleTree.leafHash(entry)
        frontier.append(leaf)
        let computed = frontier.root
        guard computed == root else {
          problem = AuditProblem(
            kind: .treeHeadMismatch, entry: position, offset: record.offset,
            detail: "tree head \(root.base64) is not the recomputed root \(computed.base64): the entry was modified")
          return
        }
        entries.append(ScannedEntry(index: index, offset: record.offset, bytes: keepEntries ? entry : []))
        leafHashes.append(leaf)
        roots.append(computed)
      case .checkpoint(let note):
        guard checkCheckpoint(note, offset: record.offset) else { return }
      }
      completeLength = record.offset + record.length
    }
    if records.isEmpty, tornTail == nil {
      problem = AuditProblem(kind: .header, entry: 0, offset: 0, detail: "empty file: no header")
    }
  }

  private mutating func checkHeader(origin: String, vkey: String, pinnedKey: NoteVerifier?, offset: Int) -> Bool {
    let headerKey: NoteVerifier
    do { headerKey = try NoteVerifier(vkey: vkey) } catch {
      problem = AuditProblem(kind: .header, entry: 0, offset: offset, detail: "header key: \(error)")
      return false
    }
    if let pinnedKey, pinnedKey != headerKey {
      problem = AuditProblem(
        kind: .header, entry: 0, offset: offset,
        detail: "header names key \(headerKey.vkey), not the expected \(pinnedKey.vkey)")
      return false
    }
    guard headerKey.name == origin else {
      problem = AuditProblem(kind: .header, entry: 0, offset: offset, detail: "origin '\(origin)' is not the key name")
      return false
    }
    self.origin = origin
    self.verifier = pinnedKey ?? headerKey
    return true
  }

  private mutating func checkCheckpoint(_ note: String, offset: Int) -> Bool {
    func fail(_ detail: String) -> Bool {
      problem = AuditProblem(kind: .checkpoint, entry: entries.count, offset: offset, detail: detail)
      return false
    }
    guard let verifier else { return fail("checkpoint before the header") }
    let checkpoint: Checkpoint
    do { checkpoint = try Checkpoint(signedNote: note, verifier: verifier) } catch { return fail("\(error)") }
    guard checkpoint.size <= entries.count else {
      return fail("checkpoint covers \(checkpoint.size) entries but only \(entries.count) precede it")
    }
    guard root(size: checkpoint.size) == checkpoint.root else {
      return fail(
        "signed root for size \(checkpoint.size) is not the root of the entries: an entry before it was changed")
    }
    checkpoints.append(ScannedCheckpoint(offset: offset, signedNote: note, checkpoint: checkpoint))
    return true
  }
}

/// The result of checking a log against checkpoints kept elsewhere.
public enum AuditVerification: Sendable, Equatable {
  /// Every complete entry is intact and the log extends every given checkpoint.
  case intact
  /// As `intact`, but the file ends in a torn record (a write cut short).
  case torn(offset: Int, length: Int)
  /// A complete record is wrong (see the problem for entry, offset and kind).
  case tampered(AuditProblem)
  /// The log is self-consistent but not an extension of a given checkpoint.
  case inconsistent(checkpoint: String, detail: String)

  /// The exit status of `cloak audit verify`: 0 intact, 1 tampered or inconsistent, 3 torn.
  public var exitStatus: Int32 {
    switch self {
    case .intact: 0
    case .torn: 3
    case .tampered, .inconsistent: 1
    }
  }
}

extension AuditLogScan {
  /// Checks the scan against signed checkpoints kept outside the log (`name` labels each in
  /// messages). Each must carry a valid signature of the log's key, name the log's origin,
  /// cover no more entries than the log has, and its root must equal the log's root at its
  /// size; a consistency proof from its size to the log's size is generated and verified
  /// (RFC 9162 section 2.1.4) as the evidence.
  public func verify(against external: [(name: String, signedNote: String)]) -> AuditVerification {
    if let problem { return .tampered(problem) }
    guard let verifier, let origin else {
      return .tampered(AuditProblem(kind: .header, entry: 0, offset: 0, detail: "no header"))
    }
    for (name, note) in external {
      let checkpoint: Checkpoint
      do { checkpoint = try Checkpoint(signedNote: note, verifier: verifier) } catch {
        return .inconsistent(
          checkpoint: name, detail: "checkpoint does not verify with the log's key \(verifier.vkey): \(error)")
      }
      guard checkpoint.origin == origin else {
        return .inconsistent(checkpoint: name, detail: "checkpoint is for log '\(checkpoint.origin)', not '\(origin)'")
      }
      guard checkpoint.size <= size else {
        return .inconsistent(
          checkpoint: name,
          detail:
            "checkpoint covers \(checkpoint.size) entries but the log has \(size): entries were removed or the log was replaced"
        )
      }
      let proof: [TreeHash]
      do { proof = try MerkleTree.consistencyProof(oldSize: checkpoint.size, leafHashes: leafHashes) } catch {
        return .inconsistent(checkpoint: name, detail: "\(error)")
      }
      guard
        MerkleTree.verifyConsistency(
          oldSize: checkpoint.size, newSize: size, oldRoot: checkpoint.root, newRoot: root, proof: proof)
      else {
        let actual = self.root(size: checkpoint.size)?.base64 ?? "?"
        return .inconsistent(
          checkpoint: name,
          detail: "the log is not an extension of the checkpoint: the consistency proof from size \(checkpoint.size) "
            + "fails (log root at that size \(actual), checkpoint root \(checkpoint.root.base64))")
      }
    }
    if let tornTail { return .torn(offset: tornTail.offset, length: tornTail.length) }
    return .intact
  }
}
