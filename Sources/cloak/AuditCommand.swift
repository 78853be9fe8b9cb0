import ArgumentParser
import AuditLog
import Foundation

/// `cloak audit ...`: the tamper-evident audit log (docs/audit-log.md).
struct AuditCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "audit",
    abstract: "Audit log: verify, checkpoints, inclusion proofs, show, append.",
    subcommands: [
      AuditVerify.self, AuditCheckpoint.self, AuditProve.self, AuditVerifyProof.self, AuditShow.self,
      AuditAppend.self,
    ]
  )
}

/// Reads a text file for a subcommand, or exits 2 naming it.
func readTextFile(_ path: String, for command: String) throws -> String {
  let bytes: [UInt8]
  do { bytes = try DurableFile.read(path) } catch {
    printError("\(command): \(error)")
    throw ExitCode(2)
  }
  guard let text = String(validating: bytes, as: UTF8.self) else {
    printError("\(command): \(path): not UTF-8 text")
    throw ExitCode(2)
  }
  return text
}

/// Scans a log file, or exits 2 when it cannot be read.
func scanAuditLog(_ path: String, key: NoteVerifier?, for command: String) throws -> AuditLogScan {
  do { return AuditLogScan(bytes: try DurableFile.read(path), pinnedKey: key) } catch {
    printError("\(command): \(error)")
    throw ExitCode(2)
  }
}

/// Loads a verifier key given as a `.pub` file path or as the key text itself.
func loadVerifierKey(_ fileOrText: String, for command: String) throws -> NoteVerifier {
  let text =
    FileManager.default.fileExists(atPath: fileOrText) ? try readTextFile(fileOrText, for: command) : fileOrText
  do { return try NoteVerifier(vkey: text) } catch {
    printError("\(command): key \(fileOrText): \(error)")
    throw ExitCode(2)
  }
}

/// Loads a private key file written by `cloak keys generate`.
func loadSigner(_ path: String, for command: String) throws -> NoteSigner {
  do { return try NoteSigner(privateKeyText: try readTextFile(path, for: command)) } catch let error as NoteError {
    printError("\(command): \(path): \(error)")
    throw ExitCode(2)
  }
}

/// `cloak audit verify FILE [--checkpoint CP]... [--key VKEY]`.
struct AuditVerify: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "verify",
    abstract: "Check a log's integrity and that it extends every given checkpoint.",
    discussion: """
      Exit 0: every record intact and the log extends every --checkpoint. Exit 1: a \
      modified, inserted, removed or reordered entry (the first bad one is named with its \
      index and byte offset), a bad in-log checkpoint, or a log that is not an extension of a \
      given checkpoint. Exit 3: intact, but the last record is torn (a write cut short). \
      Exit 2: a file cannot be read.
      """
  )

  @Argument(help: "The audit log file.")
  var file: String

  @Option(name: .customLong("checkpoint"), help: "A signed checkpoint kept elsewhere (repeatable).")
  var checkpoints: [String] = []

  @Option(help: "The log's verifier key (.pub file or key text); default: the key in the log's header.")
  var key: String?

  func run() throws {
    let command = "cloak audit verify"
    let pinned = try key.map { try loadVerifierKey($0, for: command) }
    let scan = try scanAuditLog(file, key: pinned, for: command)
    var external: [(name: String, signedNote: String)] = []
    for path in checkpoints { external.append((path, try readTextFile(path, for: command))) }
    let result = scan.verify(against: external)
    let covered = scan.checkpoints.last.map { "the last signed checkpoint in the log covers \($0.checkpoint.size)" }
    let summary = "\(scan.size) entries, root \(scan.root.base64); \(covered ?? "no signed checkpoint in the log")"
    switch result {
    case .intact:
      print("\(file): intact: \(summary)" + (checkpoints.isEmpty ? "" : "; extends \(checkpoints.count) checkpoint(s)"))
    case .torn(let offset, let length):
      print("\(file): torn: \(length) bytes at byte \(offset) are an incomplete record; \(summary)")
    case .tampered(let problem):
      print("\(file): TAMPERED: \(problem)")
    case .inconsistent(let name, let detail):
      print("\(file): NOT AN EXTENSION of checkpoint \(name): \(detail)")
    }
    if result.exitStatus != 0 { throw ExitCode(result.exitStatus) }
  }
}

/// `cloak audit checkpoint FILE`.
struct AuditCheckpoint: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "checkpoint",
    abstract: "Print the log's latest signed checkpoint (C2SP tlog-checkpoint note).",
    discussion: "Store the output away from the controller; `audit verify --checkpoint` checks a later log against it."
  )

  @Argument(help: "The audit log file.")
  var file: String

  func run() throws {
    let scan = try scanAuditLog(file, key: nil, for: "cloak audit checkpoint")
    if let problem = scan.problem {
      printError("cloak audit checkpoint: \(file): \(problem)")
      throw ExitCode(1)
    }
    guard let last = scan.checkpoints.last else {
      printError("cloak audit checkpoint: \(file): no signed checkpoint in the log yet")
      throw ExitCode(1)
    }
    print(last.signedNote, terminator: "")
    if scan.size > last.checkpoint.size {
      printError("note: \(scan.size - last.checkpoint.size) entries follow this checkpoint")
    }
  }
}

/// The text form of an inclusion proof (docs/audit-log.md, "Inclusion proofs").
struct InclusionProofText {
  static let header = "cloak-audit-inclusion-proof v1"
  var origin: String
  var index: Int
  var size: Int
  var entry: [UInt8]
  var hashes: [TreeHash]

  var text: String {
    var lines = [
      Self.header, "origin \(origin)", "index \(index)", "size \(size)",
      "leaf \(MerkleTree.leafHash(entry).base64)", "entry \(Base64.encode(entry))",
    ]
    lines += hashes.map { "hash \($0.base64)" }
    return lines.map { $0 + "\n" }.joined()
  }

  init(origin: String, index: Int, size: Int, entry: [UInt8], hashes: [TreeHash]) {
    self.origin = origin
    self.index = index
    self.size = size
    self.entry = entry
    self.hashes = hashes
  }

  init?(parsing text: String) {
    let lines = text.split(separator: "\n").map(String.init)
    guard lines.count >= 6, lines[0] == Self.header else { return nil }
    func field(_ line: String, _ name: String) -> String? {
      line.hasPrefix(name + " ") ? String(line.dropFirst(name.count + 1)) : nil
    }
    guard let origin = field(lines[1], "origin"), let index = field(lines[2], "index").flatMap({ Int($0) }),
      let size = field(lines[3], "size").flatMap({ Int($0) }),
      let leaf = field(lines[4], "leaf").flatMap({ TreeHash(base64: $0) }),
      let entry = field(lines[5], "entry").flatMap({ Base64.decode($0) }), MerkleTree.leafHash(entry) == leaf
    else { return nil }
    var hashes: [TreeHash] = []
    for line in lines[6...] {
      guard let hash = field(line, "hash").flatMap({ TreeHash(base64: $0) }) else { return nil }
      hashes.append(hash)
    }
    self.init(origin: origin, index: index, size: size, entry: entry, hashes: hashes)
  }
}

/// `cloak audit prove FILE --entry N [--size S]`.
struct AuditProve: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "prove",
    abstract: "Print an RFC 9162 inclusion proof of one entry, checkable against a checkpoint.",
    discussion: "The tree size defaults to the log's latest signed checkpoint; check with `cloak audit verify-proof`."
  )

  @Argument(help: "The audit log file.")
  var file: String

  @Option(help: "The entry's index (from 0).")
  var entry: Int

  @Option(help: "Tree size to prove against (default: the latest signed checkpoint's size).")
  var size: Int?

  func run() throws {
    let command = "cloak audit prove"
    let scan = try scanAuditLog(file, key: nil, for: command)
    if let problem = scan.problem {
      printError("\(command): \(file): \(problem)")
      throw ExitCode(1)
    }
    let treeSize = size ?? scan.checkpoints.last?.checkpoint.size ?? scan.size
    guard treeSize <= scan.size, entry >= 0, entry < treeSize, let origin = scan.origin else {
      printError("\(command): entry \(entry) is not in a tree of \(treeSize) entries (log has \(scan.size))")
      throw ExitCode(1)
    }
    let hashes: [TreeHash]
    do { hashes = try MerkleTree.inclusionProof(index: entry, leafHashes: Array(scan.leafHashes[..<treeSize])) } catch {
      printError("\(command): \(error)")
      throw ExitCode(1)
    }
    let proof = InclusionProofText(
      origin: origin, index: entry, size: treeSize, entry: scan.entries[entry].bytes, hashes: hashes)
    print(proof.text, terminator: "")
  }
}

/// `cloak audit verify-proof PROOF --checkpoint CP --key VKEY`.
struct AuditVerifyProof: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "verify-proof",
    abstract: "Check an inclusion proof against a signed checkpoint (exit 0 valid, 1 invalid).")

  @Argument(help: "The proof printed by `cloak audit prove`.")
  var proof: String

  @Option(help: "The signed checkpoint of the proof's tree size.")
  var checkpoint: String

  @Option(help: "The log's verifier key (.pub file or key text).")
  var key: String

  func run() throws {
    let command = "cloak audit verify-proof"
    let verifier = try loadVerifierKey(key, for: command)
    guard let parsed = InclusionProofText(parsing: try readTextFile(proof, for: command)) else {
      printError("\(command): \(proof): not a well-formed inclusion proof (or its leaf is not its entry's hash)")
      throw ExitCode(1)
    }
    let head: Checkpoint
    do { head = try Checkpoint(signedNote: try readTextFile(checkpoint, for: command), verifier: verifier) } catch {
      print("INVALID: checkpoint \(checkpoint): \(error)")
      throw ExitCode(1)
    }
    guard head.origin == parsed.origin, head.size == parsed.size else {
      print(
        "INVALID: the proof is for \(parsed.origin) at size \(parsed.size), the checkpoint for \(head.origin) at \(head.size)"
      )
      throw ExitCode(1)
    }
    let leaf = MerkleTree.leafHash(parsed.entry)
    guard
      MerkleTree.verifyInclusion(
        leafHash: leaf, index: parsed.index, size: parsed.size, proof: parsed.hashes, root: head.root)
    else {
      print("INVALID: entry \(parsed.index) is not in the tree of checkpoint \(checkpoint)")
      throw ExitCode(1)
    }
    print(
      "valid: entry \(parsed.index) is in \(head.origin) at size \(head.size): \(String(decoding: parsed.entry, as: UTF8.self))"
    )
  }
}

/// `cloak audit show FILE [--since T] [--principal P] [--json]`.
struct AuditShow: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "show",
    abstract: "List a log's entries, filtered by time and principal.",
    discussion: "Shows the entries before the first bad record (run `audit verify` for integrity)."
  )

  @Argument(help: "The audit log file.")
  var file: String

  @Option(help: "Only entries with time_s >= T (seconds since start).")
  var since: Double?

  @Option(help: "Only entries with this principal.")
  var principal: String?

  @Flag(help: "Print each entry's JSON as stored, one per line.")
  var json = false

  func run() throws {
    let scan = try scanAuditLog(file, key: nil, for: "cloak audit show")
    for entry in scan.entries {
      guard let value = try? JSONValue.parse(entry.bytes) else { continue }
      let fields = AuditEntry.Fields(value)
      if let since, (fields.timeS ?? -.infinity) < since { continue }
      if let principal, fields.principal != principal { continue }
      if json {
        print(String(decoding: entry.bytes, as: UTF8.self))
      } else {
        let time = fields.timeS.map { AuditEntry.formatSeconds($0) } ?? "-"
        print("\(entry.index)\t\(time)\t\(fields.utc ?? "-")\t\(fields.event ?? "-")\t\(fields.principal ?? "-")")
      }
    }
    if let problem = scan.problem { printError("cloak audit show: stopped at \(problem)") }
  }
}

/// `cloak audit append FILE --key KEY [--safety] [ENTRY...]`.
struct AuditAppend: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "append",
    abstract: "Append JSON entries (arguments, or lines on standard input) to a log, creating it if needed.",
    discussion: """
      Goes through the controller's writer: a --safety entry is followed by a signed \
      checkpoint and an fsync; on exit a checkpoint covers every entry. The log's name is the \
      key's name.
      """
  )

  @Argument(help: "The audit log file.")
  var file: String

  @Option(help: "The checkpoint private key (.key file from `cloak keys generate`).")
  var key: String

  @Flag(help: "Treat the entries as safety actions (checkpoint and fsync after each).")
  var safety = false

  @Argument(help: "Entries: one JSON object each; none reads lines from standard input.")
  var entries: [String] = []

  func run() throws {
    let command = "cloak audit append"
    let signer = try loadSigner(key, for: command)
    let log: AuditLogFile
    do { log = try AuditLogFile(path: file, signer: signer) } catch {
      printError("\(command): \(error)")
      throw ExitCode(1)
    }
    let start = ContinuousClock.now
    let writer = AuditWriter(file: log) {
      let elapsed = start.duration(to: .now)
      return (AuditWriter.seconds(elapsed), AuditEntry.utc(Date()))
    }
    var lines = entries
    if lines.isEmpty {
      while let line = readLine() {
        if !line.isEmpty { lines.append(line) }
      }
    }
    var failed = false
    for line in lines {
      let result = writer.submitWaiting(
        Array(line.utf8), durability: safety ? .safety : .routine, timeout: .seconds(10))
      if result != .queued {
        printError("\(command): entry not appended (\(result)): \(line)")
        failed = true
      }
    }
    writer.close()
    let status = writer.status
    if let error = status.lastError {
      printError("\(command): \(error)")
      failed = true
    }
    print("appended \(status.written) entries; \(status.checkpoints) checkpoint(s)")
    if failed { throw ExitCode(1) }
  }
}
