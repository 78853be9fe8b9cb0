#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Why the log cannot be opened or written.
public enum AuditLogError: Error, Equatable, CustomStringConvertible {
  case file(FileError)
  /// A complete record of an existing log is wrong; the log is not appended to (move it
  /// aside, keep it as evidence, start a new one).
  case corrupt(path: String, problem: AuditProblem)
  /// The existing log was written under another checkpoint key or origin.
  case keyMismatch(path: String, logKey: String, signerKey: String)
  case entry(AuditEntryError)
  case checkpoint(CheckpointError)
  /// The log was closed.
  case closed(path: String)
  /// Another writer (process or `AuditLogFile`) holds the log's lock.
  case locked(path: String)

  public var description: String {
    switch self {
    case .file(let error): "\(error)"
    case .corrupt(let path, let problem): "\(path): \(problem)"
    case .keyMismatch(let path, let logKey, let signerKey):
      "\(path): the log is kept under key \(logKey), not \(signerKey)"
    case .entry(let error): "\(error)"
    case .checkpoint(let error): "\(error)"
    case .closed(let path): "\(path): audit log closed"
    case .locked(let path): "\(path): another writer has the audit log open"
    }
  }
}

/// One audit log file open for appending. Not thread-safe: one owner (the `AuditWriter`'s
/// thread, or a tool); an exclusive `flock` on the file keeps out a second writer. Keeps only the tree's right edge (`MerkleFrontier`) in memory.
///
/// Opening an existing file scans it (`AuditLogScan`): every complete record must be
/// intact, else `AuditLogError.corrupt`. A torn tail is cut off (ftruncate to the end of
/// the last complete record, then fsync) and reported in `recoveredTornTail`; appends
/// continue after the last complete record.
public final class AuditLogFile {
  public let path: String
  public let signer: NoteSigner
  private var fd: Int32
  private var frontier = MerkleFrontier()
  /// File length: where the next record starts.
  private var end: Int
  /// Offset and length of a torn tail dropped when the file was opened; nil when none.
  public let recoveredTornTail: (offset: Int, length: Int)?
  /// Entries appended (or found) since the last checkpoint record.
  public private(set) var entriesSinceCheckpoint = 0
  /// Size covered by the last checkpoint written or found; nil before the first.
  public private(set) var lastCheckpointSize: Int?
  /// The last signed checkpoint written or found.
  public private(set) var lastSignedCheckpoint: String?

  /// Number of entries.
  public var size: Int { frontier.size }
  /// RFC 9162 root of all entries.
  public var root: TreeHash { frontier.root }
  /// The log's name (the checkpoint key's name).
  public var origin: String { signer.verifier.name }

  /// Opens `path` for appending, creating it (mode 0640, header, fsync of file and
  /// directory) when it does not exist or holds no complete record.
  public init(path: String, signer: NoteSigner) throws(AuditLogError) {
    self.path = path
    self.signer = signer
    let opened = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0o640)
    guard opened >= 0 else { throw .file(FileError(path: path, operation: "open", errno: errno)) }
    fd = opened
    do throws(AuditLogError) {
      // One writer per log: a second one would interleave records.
      guard flock(opened, LOCK_EX | LOCK_NB) == 0 else {
        throw errno == EWOULDBLOCK
          ? .locked(path: path) : .file(FileError(path: path, operation: "flock", errno: errno))
      }
      let existing: [UInt8]
      do { existing = try DurableFile.read(path) } catch { throw .file(error) }
      let scan = AuditLogScan(bytes: existing, pinnedKey: signer.verifier, keepEntries: false)
      let hasHeader = existing.contains(0x0A)
      if hasHeader {
        if let problem = scan.problem {
          if problem.kind == .header, let first = try? NoteVerifier(vkey: Self.headerKey(existing) ?? "") {
            throw AuditLogError.keyMismatch(path: path, logKey: first.vkey, signerKey: signer.verifier.vkey)
          }
          throw AuditLogError.corrupt(path: path, problem: problem)
        }
        for leaf in scan.leafHashes { frontier.append(leaf) }
        if let last = scan.checkpoints.last {
          lastCheckpointSize = last.checkpoint.size
          lastSignedCheckpoint = last.signedNote
        }
        entriesSinceCheckpoint = scan.size - (lastCheckpointSize ?? 0)
      }
      end = hasHeader ? scan.completeLength : 0
      recoveredTornTail =
        scan.tornTail.map { ($0.offset, $0.length) } ?? (hasHeader || existing.isEmpty ? nil : (0, existing.count))
      if end < existing.count {
        try truncate(to: end)
        try sync()
      }
      if end == 0 {
        try writeRecord(AuditLogFormat.header(origin: signer.verifier.name, vkey: signer.verifier.vkey))
        try sync()
        do { try DurableFile.syncDirectory(of: path) } catch { throw AuditLogError.file(error) }
      }
    } catch {
      DurableFile.closeDescriptor(opened)
      throw error
    }
  }

  private static func headerKey(_ bytes: [UInt8]) -> String? {
    guard let lf = bytes.firstIndex(of: 0x0A), let line = String(validating: bytes[..<lf], as: UTF8.self) else {
      return nil
    }
    let fields = line.split(separator: " ")
    return fields.count == 4 ? String(fields[3]) : nil
  }

  deinit { if fd >= 0 { DurableFile.closeDescriptor(fd) } }

  private func truncate(to length: Int) throws(AuditLogError) {
    guard ftruncate(fd, off_t(length)) == 0 else {
      throw .file(FileError(path: path, operation: "ftruncate", errno: errno))
    }
  }

  /// Writes one record at the end; a failed write is cut back off so the file never holds
  /// a partial record in its middle.
  private func writeRecord(_ bytes: [UInt8]) throws(AuditLogError) {
    guard fd >= 0 else { throw .closed(path: path) }
    guard lseek(fd, off_t(end), SEEK_SET) >= 0 else {
      throw .file(FileError(path: path, operation: "lseek", errno: errno))
    }
    do { try DurableFile.writeAll(fd: fd, bytes, path: path) } catch {
      _ = ftruncate(fd, off_t(end))
      throw .file(error)
    }
    end += bytes.count
  }

  /// Appends one entry (validated: one JSON object, no LF) and returns its index and the
  /// new root. Not yet durable: see `sync()`.
  @discardableResult
  public func append(_ entry: [UInt8]) throws(AuditLogError) -> (index: Int, root: TreeHash) {
    do { _ = try AuditLogFormat.validateEntry(entry) } catch { throw .entry(error) }
    return try appendValidated(entry)
  }

  func appendValidated(_ entry: [UInt8]) throws(AuditLogError) -> (index: Int, root: TreeHash) {
    var next = frontier
    next.append(MerkleTree.leafHash(entry))
    let index = frontier.size
    try writeRecord(AuditLogFormat.entryRecord(index: index, root: next.root, entry: entry))
    frontier = next
    entriesSinceCheckpoint += 1
    return (index, next.root)
  }

  /// Signs a checkpoint of the current tree, appends it as a record and returns the signed
  /// note. Not yet durable: see `sync()`.
  @discardableResult
  public func writeCheckpoint() throws(AuditLogError) -> String {
    let note: String
    do { note = try Checkpoint(origin: origin, size: size, root: root).signed(by: signer) } catch {
      throw .checkpoint(error)
    }
    try writeRecord(AuditLogFormat.checkpointRecord(signedNote: note))
    lastCheckpointSize = size
    lastSignedCheckpoint = note
    entriesSinceCheckpoint = 0
    return note
  }

  /// fsync: everything written so far survives a power cut.
  public func sync() throws(AuditLogError) {
    guard fd >= 0 else { throw .closed(path: path) }
    do { try DurableFile.sync(fd: fd, path: path) } catch { throw .file(error) }
  }

  /// Closes the file (no checkpoint or sync of its own; `AuditWriter.close` does both).
  public func close() {
    if fd >= 0 { DurableFile.closeDescriptor(fd) }
    fd = -1
  }
}
