import ArgumentParser
import Boards
import Composition
import Controller
import Foundation
import HAL

#if canImport(LinuxHAL)
  import LinuxHAL
#endif

/// What `cloak run` needs to run as a service (docs/deployment.md): the runtime
/// configuration (`--config`: board, station, real-time settings), systemd's notify
/// protocol whenever `NOTIFY_SOCKET` is set (``ServiceNotification``), a clean stop on
/// SIGTERM/SIGINT on the `sim` board too, and the final safe-state report. Kept apart
/// from `RunCommand` so that command calls it in a few lines.
struct ServiceRunOptions: ParsableArguments {
  @Option(
    help: ArgumentHelp(
      "Runtime configuration file (board, station, real-time settings), e.g. /etc/cloak/cloak.yaml.",
      valueName: "FILE"))
  var config: String?

  /// Test hook (the notify-socket test): once FILE exists, the rate group named by
  /// --test-stall-group stops answering on the sim board, so the health monitor turns
  /// unhealthy and the watchdog pings must stop.
  @Option(help: .hidden) var testStallGroup: String?
  @Option(help: .hidden) var testStallWhen: String?

  /// The configuration file's contents, or nil without `--config`; exits 1 naming the
  /// file, line and key on an error.
  func configuration() throws -> RuntimeConfiguration? {
    guard let config else { return nil }
    do {
      return try RuntimeConfiguration.load(path: config)
    } catch {
      printError("cloak run: configuration \(config): \(error)")
      throw ExitCode(1)
    }
  }

  /// `option` with the configuration's board when the configuration names one.
  func board(_ option: BoardOption, configuration: RuntimeConfiguration?) -> BoardOption {
    guard let board = configuration?.board else { return option }
    var chosen = option
    chosen.board = board
    return chosen
  }

  /// The configuration's real-time settings (none without a configuration).
  func realtime(_ configuration: RuntimeConfiguration?) -> RealtimeOptions {
    configuration?.realtime ?? .none
  }

  /// systemd's notifier when `NOTIFY_SOCKET` is set, else nil; exits 1 when the socket
  /// is unusable.
  func notification() throws -> ServiceNotification? {
    #if canImport(LinuxHAL)
      do {
        return try ServiceNotification.fromEnvironment(ProcessInfo.processInfo.environment)
      } catch {
        printError("cloak run: NOTIFY_SOCKET: \(error)")
        throw ExitCode(1)
      }
    #else
      return nil
    #endif
  }

  /// `option` with the configuration's station when the configuration names one and
  /// the command line does not.
  func station(_ option: StationOption, configuration: RuntimeConfiguration?) -> StationOption {
    guard let station = configuration?.station, option.station == StationCatalog.defaultStationName else {
      return option
    }
    var chosen = option
    chosen.station = station
    return chosen
  }

  /// The test stall hook on the sim board: once the file exists, the named group takes
  /// a year of simulated time per cycle, so it stops answering its health pings for
  /// good (an hour was over within seconds of wall time at full simulation speed).
  /// (SIGTERM/SIGINT on the sim board are the simulation session's StopRequest.)
  func installTestStall(_ executive: Executive) {
    guard let group = testStallGroup, let file = testStallWhen else { return }
    executive.virtualCost = { name, _ in
      name == group && FileManager.default.fileExists(atPath: file) ? .seconds(365 * 86_400) : .zero
    }
  }

  /// Prints whether the run left every output at its safe value: read at the end of
  /// `cloak run`'s exit path (the executive's shutdown, then the board's safe state),
  /// from the output handles.
  static func reportSafeState(_ board: RunningBoard, command: String) {
    let away = board.outputsAwayFromSafe()
    if away.isEmpty {
      print("\(command): stopped with every output at its safe value (\(board.outputCount) outputs)")
    } else {
      print("\(command): stopped with outputs away from safe: " + away.joined(separator: "; "))
    }
  }
}
