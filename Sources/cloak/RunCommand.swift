import ArgumentParser
import Boards
import Composition
import Controller
import Foundation
import HAL
import MockHAL
import Simulation
import Station

/// `cloak run`: the controller on a board with a station. On `sim` it runs on the
/// virtual clock as fast as the CPU allows, with optional injected leaks and sensor
/// dropouts, printing a status line per interval and every warning event; on a Linux
/// board it runs in real time until SIGTERM/SIGINT (or `--for`, when given).
struct Run: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "run",
    abstract: "Run the controller on a board (default: the sim board and the demo station, virtual time).",
    discussion: """
      Durations: 90s, 15m, 36h, 30d, or a plain number of seconds. Injections (sim board \
      only): --leak MODULE:PCT_PER_HOUR@START lets a station module lose air from START on \
      (e.g. node1:0.5@2m); --fail-sensor ROLE@AT removes a pressure sensor from its bus at AT. \
      --events FILE.jsonl writes every event as one JSON object per line (docs/events.md).
      """)

  @OptionGroup var boardOption: BoardOption
  @OptionGroup var stationOption: StationOption

  @Option(
    name: [.customLong("for"), .customLong("seconds")],
    help: "How long to run (simulated time on sim; default 60s there, until SIGTERM/SIGINT on a real board).")
  var duration: DurationArgument?

  @Option(help: "Print a status line every this long (simulated time on sim).")
  var statusEvery = DurationArgument(seconds: 10)

  @Option(help: "Write every event as a JSON line to this file.")
  var events: String?

  @Option(help: "A leak: MODULE:PCT_PER_HOUR@START (sim only; repeatable).")
  var leak: [LeakArgument] = []

  @Option(name: .customLong("fail-sensor"), help: "ROLE@AT: the sensor leaves its bus at AT (sim only).")
  var failSensor: [DropoutArgument] = []

  @Flag(
    name: .customLong("no-watchdog"),
    help: "Do not open the board file's watchdog (bench runs; by default the controller runs under it).")
  var noWatchdog = false

  func run() throws {
    let station = try stationOption.loadOrExit()
    let clock = VirtualClock()
    // Sensors are initialised through their samplers (below), not by bring-up: one that
    // does not answer at start then starts excluded and is re-initialised by the fault
    // policy. The board file's watchdog is opened here and stroked by the executive
    // while every group is healthy (decision 0713).
    let board = try boardOption.bringUp(
      .init(initialiseSensors: false, openWatchdog: !noWatchdog, sensorProfile: .loop), simClock: clock)
    defer {
      // Every exit, a thrown error included, leaves the outputs safe (the executive's
      // shutdown already did on a normal end; repeating it is harmless) and the watchdog
      // disarmed: a clean exit must not reset the board.
      for failure in board.applySafeState() { printError("cloak run: safe state: \(failure)") }
      Self.disarm(board.watchdog)
      board.release()
    }
    do { _ = try StationBinding(station: station, board: board.board) } catch {
      printError("cloak run: station \(station.name) does not fit board \(board.board.name):\n\(error)")
      throw ExitCode(1)
    }
    let isSim = board.backend is SimBackend
    // Wall time: the real clock on a board; on sim, the real start time advanced by
    // the virtual clock (so records carry a true UTC date and simulated offsets).
    let wallClock: any WallClock =
      isSim
      ? OffsetWallClock(clock: clock, epochNanosecondsAtZero: Int64(Date().timeIntervalSince1970 * 1e9))
      : FoundationWallClock()
    let formatter = EventRecordFormatter(
      origin: board.clock.now(),
      run: RunInfo(board: board.board.name, station: station.name, softwareVersion: Cloak.version))
    let printer = EventPrinter(formatter: formatter)
    var writer: EventFileWriter?
    if let events {
      do { writer = try EventFileWriter(path: events, formatter: formatter) } catch {
        printError("cloak run: --events \(error)")
        throw ExitCode(1)
      }
    }
    defer { writer?.close() }
    let consumer: any EventConsumer = writer.map { EventFanOut([printer, $0]) } ?? printer
    let assembly: ControllerAssembly
    do {
      assembly = try ControllerAssembly(
        board: board, station: station, configuration: .standard(), consumer: consumer, wallClock: wallClock)
      assembly.initialiseSamplers()
    } catch {
      printError("cloak run: \(error)")
      if let watchdog = board.abandonWatchdog() { printError("cloak run: \(watchdog)") }
      throw ExitCode(1)
    }
    assembly.executive.events.emit(.info, .runStarted, source: .executive)
    guard let sim = board.backend as? SimBackend else {
      if !leak.isEmpty || !failSensor.isEmpty {
        throw ValidationError("--leak and --fail-sensor need the sim board")
      }
      try runRealtime(assembly, printer: printer, writer: writer)
      return
    }
    try runSimulated(assembly, sim: sim, clock: clock, printer: printer, writer: writer)
  }

  private func runRealtime(_ assembly: ControllerAssembly, printer: EventPrinter, writer: EventFileWriter?) throws {
    let report: ExecutiveReport
    do {
      report = try RealtimeRun.run(assembly, duration: duration?.duration) { problems in
        printError("cloak run: warning: real-time set-up incomplete: " + problems.joined(separator: "; "))
      }
    } catch {
      printError("cloak run: \(error)")
      throw ExitCode(1)
    }
    finish(
      assembly, report: report, signalled: assembly.executive.isShutdownRequested, printer: printer, writer: writer)
  }

  private func runSimulated(
    _ assembly: ControllerAssembly, sim: SimBackend, clock: VirtualClock, printer: EventPrinter,
    writer: EventFileWriter?
  ) throws {
    let executive = assembly.executive
    let standIn: StationStandIn
    do {
      standIn = try StationStandIn(
        station: assembly.station, backend: sim, board: assembly.board.board, leaks: leak.map(\.injection),
        dropouts: failSensor.map(\.dropout))
    } catch {
      printError("cloak run: \(error)")
      throw ExitCode(1)
    }
    let total = duration?.seconds ?? 60
    let start = clock.now()
    print(
      "cloak run: board \(assembly.board.board.name), station \(assembly.station.name), "
        + "\(DurationArgument(seconds: total)) of simulated time")
    var elapsed = 0.0
    var nextStatus = 0.0
    var steps: Int64 = 0
    while elapsed < total && !executive.isFinished {
      for note in standIn.advance(toSeconds: elapsed) { print(String(format: "%10.1f s  injected: ", elapsed) + note) }
      if elapsed >= nextStatus {
        print(status(assembly, at: elapsed))
        nextStatus += statusEvery.seconds
      }
      steps += 1
      elapsed = Double(steps) / 10  // 100 ms of virtual time per step, counted exactly
      executive.run(until: start.advanced(by: .milliseconds(steps * 100)))
      executive.events.flush()  // events print in time order with the status lines
    }
    print(status(assembly, at: elapsed))
    executive.requestShutdown()
    executive.run(until: clock.now().advanced(by: .seconds(1)))
    finish(assembly, report: executive.report(), signalled: false, printer: printer, writer: writer)
  }

  /// The run's last event and the summary line.
  private func finish(
    _ assembly: ControllerAssembly, report: ExecutiveReport, signalled: Bool, printer: EventPrinter,
    writer: EventFileWriter?
  ) {
    let reason = signalled ? "signal" : "completed"
    printer.formatter.run.stopReason = reason
    writer?.formatter.run.stopReason = reason
    assembly.executive.events.emit(.info, .runStopped, source: .executive)
    assembly.executive.events.flush()
    print(
      "cloak run: done: \(report.ticks) ticks, \(report.slips) slips, safe mode \(report.safeMode ?? "none"), "
        + "\(printer.count) warning events" + (writer.map { ", events in \($0.path)" } ?? ""))
  }

  /// Disarms `watchdog` unless the executive's shutdown already did (then it is closed).
  private static func disarm(_ watchdog: (any Watchdog)?) {
    do { try watchdog?.disarm() } catch  where error.kind == .closed {} catch {
      printError("cloak run: watchdog: \(error)")
    }
  }

  private func status(_ assembly: ControllerAssembly, at time: Double) -> String {
    var parts = [String(format: "%10.1f s", time)]
    for module in assembly.station.modules {
      let values = module.sensors.compactMap { assembly.samplers[$0]?.latest.sample?.pressure.pascals }
      let text = values.isEmpty ? "blind" : String(format: "%.1f Pa", values.reduce(0, +) / Double(values.count))
      parts.append("\(module.id) \(text)")
    }
    let safe = assembly.executive.safety.reason.map { "\($0)" } ?? "none"
    parts.append("safe mode: \(safe)")
    return parts.joined(separator: "  ")
  }
}

/// `MODULE:PCT_PER_HOUR@START`, the module parsed as a station id.
struct LeakArgument: ExpressibleByArgument {
  var injection: LeakInjection

  init?(argument: String) {
    let halves = argument.split(separator: "@", maxSplits: 1).map(String.init)
    let head = halves.first?.split(separator: ":", maxSplits: 1).map(String.init) ?? []
    guard halves.count == 2, head.count == 2, let module = ModuleID(parsing: head[0]), let rate = Double(head[1]),
      rate >= 0, rate.isFinite, let start = DurationText.seconds(halves[1]) ?? (halves[1] == "0" ? 0 : nil)
    else { return nil }
    injection = LeakInjection(module: module, percentPerHour: rate, startSeconds: start)
  }
}

/// `ROLE@AT`, the role parsed as a board role.
struct DropoutArgument: ExpressibleByArgument {
  var dropout: SensorDropout

  init?(argument: String) {
    let parts = argument.split(separator: "@", maxSplits: 1).map(String.init)
    guard parts.count == 2, let role = BoardRole(parsing: parts[0]),
      let at = DurationText.seconds(parts[1]) ?? (parts[1] == "0" ? 0 : nil)
    else { return nil }
    dropout = SensorDropout(sensor: role, atSeconds: at)
  }
}

/// Prints warning and worse events (and the run's start and stop) in words, with their
/// time since the start: to standard output for `cloak run`, to standard error where
/// standard output carries JSON.
final class EventPrinter: EventConsumer, @unchecked Sendable {
  var formatter: EventRecordFormatter
  private let toStandardError: Bool
  private let lock = NSLock()
  private(set) var count = 0

  init(formatter: EventRecordFormatter, toStandardError: Bool = false) {
    self.formatter = formatter
    self.toStandardError = toStandardError
  }

  func consume(_ event: Event, subject: EventSubject) {
    let notable = event.code == .runStarted || event.code == .runStopped || event.command != nil
    guard event.severity >= .warning || notable else { return }
    lock.lock()
    if event.severity >= .warning { count += 1 }
    lock.unlock()
    let line = formatter.words(event, subject: subject)
    if toStandardError { printError(line) } else { print(line) }
  }
}
