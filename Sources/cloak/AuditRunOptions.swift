import ArgumentParser
import AuditLog
import Boards
import Composition
import Foundation

/// `--audit FILE` and `--audit-key FILE` for `cloak run` and `cloak sim`: the controller's
/// tamper-evident audit log (docs/audit-log.md, "The controller's log"; decision 1010).
/// Without `--audit`, `cloak run` keeps the log at the runtime configuration's `audit:`
/// path (an installed controller always keeps one); that log is always continued, never
/// replaced, on the sim board too.
///
/// The checkpoint key: `--audit-key FILE`, else `audit.key` in the runtime configuration's
/// keys directory (`keys:`), else, on the sim board only, an ephemeral key generated for the
/// run with a warning (its public half is in the log's header and written to `FILE.pub`).
/// A real board refuses to run with `--audit` and no key: checkpoints signed by a key that
/// dies with the process prove nothing later.
struct AuditRunOptions: ParsableArguments {
  @Option(help: ArgumentHelp("Append every audited event to this tamper-evident audit log.", valueName: "FILE"))
  var audit: String?

  @Option(
    name: .customLong("audit-key"),
    help: ArgumentHelp(
      "The audit log's checkpoint private key (.key from `cloak keys generate`); default: audit.key in the configuration's keys directory.",
      valueName: "FILE"))
  var auditKey: String?

  /// The name of the key file in the runtime configuration's keys directory.
  static let keyFileName = "audit.key"

  /// Opens the log and its writer, or returns nil without `--audit`. `fresh` (simulated
  /// runs) starts a new log, replacing any file at the path, as `--events` does; otherwise
  /// an existing log is continued after its last complete entry (a torn tail is cut off and
  /// recorded). Exits 1 naming the file on any failure; 2 when the key cannot be read.
  func open(
    configuration: RuntimeConfiguration?, simulated: Bool, fresh: Bool, formatter: EventRecordFormatter,
    command: String
  ) throws -> AuditEventConsumer? {
    guard let (audit, configured) = path(configuration: configuration) else { return nil }
    let signer: NoteSigner
    if let path = auditKey
      ?? configuration?.keysDirectory.map({ ($0 as NSString).appendingPathComponent(Self.keyFileName) })
    {
      signer = try loadSigner(path, for: command)
    } else if simulated {
      do { signer = try NoteSigner.generate(name: "cloak-sim/audit") } catch {
        printError("\(command): audit log: cannot generate a key: \(error)")
        throw ExitCode(1)
      }
      printError(
        "\(command): WARNING: no --audit-key: the audit log is signed with an EPHEMERAL key "
          + "(public key in \(audit).pub); its checkpoints prove nothing once this run ends")
    } else {
      try requireKey(configuration: configuration, command: command)
      return nil
    }
    if fresh, !configured, FileManager.default.fileExists(atPath: audit) {
      do { try FileManager.default.removeItem(atPath: audit) } catch {
        printError("\(command): audit log \(audit): cannot replace the existing file: \(error)")
        throw ExitCode(1)
      }
    }
    let file: AuditLogFile
    do { file = try AuditLogFile(path: audit, signer: signer) } catch {
      printError("\(command): audit log \(error)")
      throw ExitCode(1)
    }
    if auditKey == nil, configuration?.keysDirectory == nil {
      do {
        try DurableFile.replace(audit + ".pub", with: Array((signer.verifier.vkey + "\n").utf8), mode: 0o644)
      } catch {
        printError("\(command): audit log: cannot write \(audit).pub: \(error)")
      }
    }
    let start = ContinuousClock.now
    let writer = AuditWriter(file: file) {
      (AuditWriter.seconds(start.duration(to: .now)), AuditEntry.utc(Date()))
    }
    return AuditEventConsumer(writer: writer, formatter: formatter)
  }

  /// Exits 1 when `--audit` is given without a checkpoint key (a real board: checked before
  /// bring-up, so nothing is touched).
  func requireKey(configuration: RuntimeConfiguration?, command: String) throws {
    guard let (path, _) = self.path(configuration: configuration), auditKey == nil,
      configuration?.keysDirectory == nil
    else { return }
    printError(
      "\(command): the audit log \(path) needs the checkpoint key: --audit-key FILE, or \(Self.keyFileName) in the "
        + "configuration's keys directory (cloak keys generate --out DIR --name audit)")
    throw ExitCode(1)
  }

  /// The log's path: `--audit`, else the configuration's `audit:` (`configured`), else nil.
  func path(configuration: RuntimeConfiguration?) -> (path: String, configured: Bool)? {
    if let audit { return (audit, false) }
    return configuration?.auditLog.map { ($0, true) }
  }

  /// Closes the log and prints what went into it.
  static func close(_ consumer: AuditEventConsumer?, command: String) {
    guard let consumer else { return }
    consumer.close()
    let status = consumer.writer.status
    let counts = consumer.submitted
    print(
      "\(command): audit log: \(status.written) entries written (\(counts.safety) safety), "
        + "\(status.checkpoints) checkpoints, \(status.lost) lost")
    if let error = status.lastError { printError("\(command): audit log: \(error)") }
  }
}
