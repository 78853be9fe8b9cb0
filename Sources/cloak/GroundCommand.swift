import ArgumentParser
import AuditLog
import CommandLink
import Controller
import Foundation
import GroundLink

/// `cloak command ...`: signed ground command envelopes (docs/command-envelopes.md).
struct GroundCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "command",
    abstract: "Commands from outside: sign and verify ground envelopes, send over the command link.",
    subcommands: [CommandSign.self, CommandVerify.self, CommandSend.self]
  )
}

/// `cloak command sign --key FILE --seq N [--lease-expires T] [--time-ms MS] COMMAND-JSON`.
struct CommandSign: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "sign",
    abstract: "Sign a command object and print the envelope (one JSON line)."
  )

  @Option(help: "The sender's private key (.key file from `cloak keys generate`).")
  var key: String

  @Option(help: "Sequence number; must rise per key.")
  var seq: UInt64

  @Option(help: "Lease expiry: RFC 3339 time (2026-11-26T17:00:00Z) or +SECONDS from the timestamp.")
  var leaseExpires: String?

  @Option(help: "Timestamp, Unix milliseconds (default: now).")
  var timeMs: Int64?

  @Argument(
    help:
      "The command: one JSON object with a \"command\" name and its arguments, e.g. '{\"command\":\"stop_all_drones\"}' or '{\"command\":\"hatch_close\",\"hatch\":\"node2-hab\"}' (docs/commands.md)."
  )
  var command: String

  func run() throws {
    let signer = try loadSigner(key, for: "cloak command sign")
    let time = timeMs ?? Int64((Date().timeIntervalSince1970 * 1000).rounded())
    var lease: Int64?
    if let leaseExpires {
      if leaseExpires.hasPrefix("+"), let seconds = Double(leaseExpires.dropFirst()), seconds.isFinite {
        lease = time + Int64((seconds * 1000).rounded())
      } else if let date = try? Date(leaseExpires, strategy: .iso8601) {
        lease = Int64((date.timeIntervalSince1970 * 1000).rounded())
      } else {
        printError("cloak command sign: --lease-expires '\(leaseExpires)' is neither RFC 3339 nor +SECONDS")
        throw ExitCode(64)
      }
    }
    do {
      let envelope = try CommandEnvelope.sign(
        command: Array(command.utf8), sequence: seq, timeMs: time, leaseExpiresMs: lease, signer: signer)
      // The controller's own parser: a command it would refuse is not signed.
      do { _ = try LinkProtocol.command(of: try CommandEnvelope(parsing: envelope)) } catch let refusal
        as LinkProtocol.Refusal
      {
        printError("cloak command sign: the controller would refuse this command: \(refusal.reason)")
        throw ExitCode(1)
      }
      print(String(decoding: envelope, as: UTF8.self))
    } catch let exit as ExitCode {
      throw exit
    } catch {
      printError("cloak command sign: \(error)")
      throw ExitCode(1)
    }
  }
}

/// `cloak command verify --keyring FILE --replay-guard FILE [--window-ms MS] ENVELOPE`.
struct CommandVerify: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "verify",
    abstract: "Check one envelope as the controller does (and record its sequence number when accepted).",
    discussion: "Prints `accepted` (exit 0) or `rejected: REASON: detail` (exit 1)."
  )

  @Option(help: "Key ring JSON file (docs/command-envelopes.md).")
  var keyring: String

  @Option(help: "Replay guard state file (created when missing).")
  var replayGuard: String

  @Option(help: "Accepted clock difference, milliseconds.")
  var windowMs: Int64 = 30000

  @Option(help: "The controller's clock, Unix ms (default: now).")
  var nowMs: Int64?

  @Argument(help: "The envelope JSON (or - for standard input).")
  var envelope: String

  func run() throws {
    let command = "cloak command verify"
    let ring: KeyRing
    do {
      ring = try readKeyRing(keyring, for: command)
    } catch let error as KeyRingError {
      printError("\(command): \(error)")
      throw ExitCode(2)
    }
    let guardFile: ReplayGuard
    do { guardFile = try ReplayGuard(path: replayGuard) } catch {
      printError("\(command): \(error)")
      throw ExitCode(2)
    }
    let text = envelope == "-" ? (readLine() ?? "") : envelope
    let verifier = CommandVerifier(keyRing: ring, replayGuard: guardFile, windowMs: windowMs)
    let now = nowMs ?? Int64((Date().timeIntervalSince1970 * 1000).rounded())
    switch verifier.verify(Array(text.utf8), nowMs: now) {
    case .success(let accepted):
      print("accepted: key \(accepted.keyId) seq \(accepted.envelope.sequence) command \(accepted.commandName)")
    case .failure(let rejection):
      print("rejected: \(rejection.reason): \(rejection)")
      throw ExitCode(1)
    }
  }
}

/// Reads a key ring file (docs/command-envelopes.md) whose allowed commands must be the
/// controller's command names (``CommandKind``): `cloak run --link-keyring` and
/// `cloak command verify`. Throws `KeyRingError` naming the file and entry.
func readKeyRing(_ path: String, for command: String) throws -> KeyRing {
  try KeyRing(
    json: Array(try readTextFile(path, for: command).utf8), path: path,
    commands: Set(CommandKind.allCases.map(\.description)))
}
