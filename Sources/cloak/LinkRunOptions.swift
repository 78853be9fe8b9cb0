import ArgumentParser
import CommandLink
import Controller
import Foundation
import GroundLink

/// `cloak run`'s command link options (docs/command-link.md, decision 1011). The link is
/// off unless asked for: `--link-socket PATH` opens the crew console socket (peers admitted
/// by SO_PEERCRED: the controller's own uid, plus `--link-console-uid`/`--link-console-gid`),
/// `--link-tcp HOST:PORT` the ground listener, which needs `--link-keyring` and
/// `--link-replay-guard`.
struct LinkRunOptions: ParsableArguments {
  /// The console socket `cloak command send` uses when none is given.
  static let defaultSocket = "/run/cloak/console.sock"

  @Option(name: .customLong("link-socket"), help: ArgumentHelp("Crew console Unix socket.", valueName: "PATH"))
  var socket: String?

  @Option(name: .customLong("link-console-uid"), help: "A uid admitted to the console socket (repeatable).")
  var uids: [UInt32] = []

  @Option(
    name: .customLong("link-console-gid"),
    help: "A gid admitted to the console socket, as primary or supplementary group (repeatable).")
  var gids: [UInt32] = []

  @Option(
    name: .customLong("link-tcp"), help: ArgumentHelp("Ground listener (e.g. 127.0.0.1:7710).", valueName: "HOST:PORT"))
  var tcp: String?

  @Option(name: .customLong("link-keyring"), help: ArgumentHelp("Ground key ring (JSON).", valueName: "FILE"))
  var keyring: String?

  @Option(name: .customLong("link-replay-guard"), help: ArgumentHelp("Replay guard state file.", valueName: "FILE"))
  var replayGuard: String?

  @Option(name: .customLong("link-window-ms"), help: "Accepted envelope clock skew, ms.")
  var windowMs: Int64 = 300_000

  /// The ground envelope verifier from `--link-keyring` and `--link-replay-guard` (the
  /// command link's ground listener and the operator API's ground endpoint share it, so
  /// one replay guard sees every envelope), or nil when no key ring is given. Exits 1
  /// naming the file that failed.
  func verifier(command: String) throws -> CommandVerifier? {
    guard let keyring else {
      if tcp != nil {
        printError("\(command): --link-tcp needs --link-keyring FILE and --link-replay-guard FILE")
        throw ExitCode(1)
      }
      return nil
    }
    guard let replayGuard else {
      printError("\(command): --link-keyring needs --link-replay-guard FILE")
      throw ExitCode(1)
    }
    do {
      let ring = try readKeyRing(keyring, for: command)
      return CommandVerifier(keyRing: ring, replayGuard: try ReplayGuard(path: replayGuard), windowMs: windowMs)
    } catch let exit as ExitCode {
      throw exit
    } catch {
      printError("\(command): \(error)")
      throw ExitCode(1)
    }
  }

  /// Starts the link on `router` (shared with the operator API; the caller stops it
  /// after the link), or returns nil when no listener was asked for. Exits 1 naming what
  /// failed.
  func start(router: ResponseRouter, verifier: CommandVerifier?, command: String) throws -> CommandLinkServer? {
    guard socket != nil || tcp != nil else { return nil }
    var settings = CommandLinkSettings(consoleSocket: socket)
    settings.consoleAccess.uids.formUnion(uids)
    settings.consoleAccess.gids.formUnion(gids)
    if let tcp {
      let parts = tcp.split(separator: ":", maxSplits: 1).map(String.init)
      guard parts.count == 2, let port = Int(parts[1]), (0...65535).contains(port) else {
        printError("\(command): --link-tcp wants HOST:PORT, not \(tcp)")
        throw ExitCode(1)
      }
      settings.groundHost = parts[0]
      settings.groundPort = port
    }
    do { return try CommandLinkServer(settings: settings, router: router, verifier: verifier) } catch {
      printError("\(command): \(error)")
      throw ExitCode(1)
    }
  }
}
