import ArgumentParser
import Boards
import Composition
import Controller
import Foundation
import HAL
import MockHAL
import Simulation
import Station

/// `cloak run`: the controller on a board with a station. On a Linux board it runs in
/// real time until SIGTERM/SIGINT (or `--for`, when given). On the `sim` board it runs
/// the full controller against the station simulation (``ScenarioRun``): open-ended
/// (no `--for`) it plays the demo scenario (or `--scenario`) paced for a watcher, with a
/// status view once per wall second, until Ctrl-C; with `--for` it runs as fast as the
/// CPU allows (or at `--speed`) over a quiet station (or `--scenario`), with the
/// `--leak`/`--fail-sensor` injections added to the timeline.
struct Run: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "run",
    abstract: "Run the controller on a board (default: the sim board, demo station and demo scenario).",
    discussion: """
      Durations: 90s, 15m, 36h, 30d, or a plain number of seconds (at most 10 years). On \
      the sim board with no --for: the demo scenario (examples/scenarios/demo.yaml) at \
      \(Int(Run.demoSpeed))x with a status view each second, until Ctrl-C. Injections (sim \
      board only): --leak MODULE:PCT_PER_HOUR@START lets a station module lose air from \
      START on (e.g. node1:0.5@2m); --fail-sensor ROLE@AT removes a pressure sensor from \
      its bus at AT. --events FILE.jsonl writes every event as one JSON object per line \
      (docs/events.md).
      """)

  /// The pace of the open-ended demo on the sim board, simulated seconds per wall second:
  /// within a minute of wall time a newcomer sees the leak start, the crew close a
  /// hatch and a drone fly (examples/scenarios/demo.yaml).
  static let demoSpeed = 20.0

  @OptionGroup var boardOption: BoardOption
  @OptionGroup var stationOption: StationOption
  @OptionGroup var service: ServiceRunOptions
  @OptionGroup var auditOptions: AuditRunOptions
  @OptionGroup var linkOptions: LinkRunOptions
  @OptionGroup var apiOptions: OperatorRunOptions
  @OptionGroup var schedule: ScheduleDatabaseOption

  @Option(
    name: [.customLong("for"), .customLong("seconds")],
    help: "How long to run (simulated time on sim; default: until SIGTERM/SIGINT).", transform: DurationArgument.parse)
  var duration: DurationArgument?

  @Option(help: "Scenario to play on the sim board (name in examples/scenarios/ or path).")
  var scenario: String?

  @Option(
    help:
      "Sim board: max, or Nx simulated seconds per wall second (default: \(Int(Run.demoSpeed))x until a signal, max with --for)."
  )
  var speed: SpeedArgument?

  @Option(help: "Seed of the simulation's random draws (sim board).")
  var seed: UInt64?

  @Option(
    help: "With --for on sim: print a status line every this long (simulated time; default: 10s).",
    transform: DurationArgument.parse)
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

  func validate() throws {
    try statusEvery.requirePositive("--status-every")
  }

  func run() throws {
    StopSignals.catchFromNow()
    // The runtime configuration (`--config`) names the board, the station and the
    // real-time settings of an installed controller; options given here win.
    let runtime = try service.configuration()
    let boardOption = service.board(self.boardOption, configuration: runtime)
    let stationOption = service.station(self.stationOption, configuration: runtime)
    let notification = try service.notification()
    let station = try stationOption.loadOrExit()
    let description = try loadBoardOrExit(boardOption.board)
    if description.backend == .sim {
      try runSimulated(station: station, board: description, notification: notification, runtime: runtime)
      return
    }
    if !leak.isEmpty || !failSensor.isEmpty || scenario != nil {
      throw ValidationError("--leak, --fail-sensor and --scenario need the sim board")
    }
    try auditOptions.requireKey(configuration: runtime, command: "cloak run")
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
      ServiceRunOptions.reportSafeState(board, command: "cloak run")
      Self.disarm(board.watchdog)
      board.release()
    }
    do { _ = try StationBinding(station: station, board: board.board) } catch {
      printError("cloak run: station \(station.name) does not fit board \(board.board.name):\n\(error)")
      throw ExitCode(1)
    }
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
    let auditLog = try auditOptions.open(
      configuration: runtime, simulated: false, fresh: false, formatter: formatter, command: "cloak run")
    defer { AuditRunOptions.close(auditLog, command: "cloak run") }
    let services = try OperatorServices(
      api: apiOptions, link: linkOptions, defaultOn: false, command: "cloak run", configuration: runtime?.api)
    let consumer: any EventConsumer = EventFanOut(
      [printer] + (writer.map { [$0] } ?? []) + (auditLog.map { [$0] } ?? [])
        + services.consumers(formatter: formatter))
    let assembly: ControllerAssembly
    do {
      assembly = try ControllerAssembly(
        board: board, station: station, configuration: .standard(), consumer: consumer,
        wallClock: FoundationWallClock(), serviceWatchdog: notification)
      assembly.initialiseSamplers()
    } catch {
      printError("cloak run: \(error)")
      if let watchdog = board.abandonWatchdog() { printError("cloak run: \(watchdog)") }
      throw ExitCode(1)
    }
    let scheduler = try schedule.attach(to: assembly)
    defer { scheduler?.writer.stop() }
    assembly.executive.events.emit(.info, .runStarted, source: .executive)
    _ = try services.start(
      assembly: assembly, fleet: scheduler?.fleet, origin: formatter.origin, drainsArbiter: true, simulated: false,
      audit: auditLog?.writer)
    defer { services.stop(reason: assembly.executive.isShutdownRequested ? "signal" : "completed") }
    try runRealtime(
      assembly, printer: printer, writer: writer, audit: auditLog, options: service.realtime(runtime))
  }

  /// The sim board: the station simulation under the full controller.
  private func runSimulated(
    station: StationDescription, board: BoardDescription, notification: ServiceNotification?,
    runtime: RuntimeConfiguration?
  ) throws {
    let openEnded = duration == nil
    var played: ScenarioDescription
    if let name = scenario ?? (openEnded ? ScenarioCatalog.demoScenarioName : nil) {
      do { played = try ScenarioFiles.load(name, station: station) } catch {
        printError("cloak run: \(error)")
        throw ExitCode(1)
      }
    } else {
      played = ScenarioDescription(name: "quiet", file: "<none>", summary: "no injections")
    }
    for leak in leak.map(\.injection) {
      guard station.module(leak.module) != nil else {
        let modules = station.modules.map(\.id.rawValue).joined(separator: ", ")
        printError("cloak run: leak: station \(station.name) has no module '\(leak.module)' (modules: \(modules))")
        throw ExitCode(1)
      }
      played.timeline.append(
        .init(atS: leak.startSeconds, action: .leak(leak.module, .percentPerHour(leak.percentPerHour))))
    }
    for dropout in failSensor.map(\.dropout) {
      guard station.module(ofSensor: dropout.sensor) != nil else {
        printError("cloak run: sensor dropout: no module of station \(station.name) lists sensor '\(dropout.sensor)'")
        throw ExitCode(1)
      }
      played.timeline.append(.init(atS: dropout.atSeconds, action: .sensorFault(dropout.sensor, .dropout(forS: nil))))
    }
    played.timeline = played.timeline.enumerated().sorted {
      $0.element.atS != $1.element.atS ? $0.element.atS < $1.element.atS : $0.offset < $1.offset
    }.map(\.element)
    let ok = try SimCommand.play(
      played, station: station, board: board, seed: seed, total: duration?.seconds,
      speed: speed ?? SpeedArgument(factor: openEnded ? Self.demoSpeed : nil), events: events,
      statusView: openEnded, statusEvery: openEnded ? nil : statusEvery.seconds, command: "cloak run",
      schedule: schedule, serviceWatchdog: notification, configure: service.installTestStall, audit: auditOptions,
      configuration: runtime,
      services: try OperatorServices(
        api: apiOptions, link: linkOptions, defaultOn: openEnded, command: "cloak run", configuration: runtime?.api))
    // A run's expectations are reported, but only `cloak sim` fails on them.
    _ = ok
  }

  private func runRealtime(
    _ assembly: ControllerAssembly, printer: EventPrinter, writer: EventFileWriter?, audit: AuditEventConsumer?,
    options: RealtimeOptions
  ) throws {
    let report: ExecutiveReport
    do {
      report = try RealtimeRun.run(assembly, duration: duration?.duration, options: options) { problems in
        printError("cloak run: warning: real-time set-up incomplete: " + problems.joined(separator: "; "))
      }
    } catch {
      printError("cloak run: \(error)")
      throw ExitCode(1)
    }
    audit?.formatter.run.stopReason = assembly.executive.isShutdownRequested ? "signal" : "completed"
    finish(
      assembly, report: report, signalled: assembly.executive.isShutdownRequested, printer: printer, writer: writer)
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

}

/// `MODULE:PCT_PER_HOUR@START`, the module parsed as a station id.
struct LeakArgument: ExpressibleByArgument {
  struct Injection {
    var module: ModuleID
    var percentPerHour: Double
    var startSeconds: Double
  }
  var injection: Injection

  init?(argument: String) {
    let halves = argument.split(separator: "@", maxSplits: 1).map(String.init)
    let head = halves.first?.split(separator: ":", maxSplits: 1).map(String.init) ?? []
    guard halves.count == 2, head.count == 2, let module = ModuleID(parsing: head[0]), let rate = Double(head[1]),
      rate >= 0, rate.isFinite, let start = DurationText.seconds(halves[1]) ?? (halves[1] == "0" ? 0 : nil)
    else { return nil }
    injection = Injection(module: module, percentPerHour: rate, startSeconds: start)
  }
}

/// `ROLE@AT`, the role parsed as a board role.
struct DropoutArgument: ExpressibleByArgument {
  struct Dropout {
    var sensor: SensorRole
    var atSeconds: Double
  }
  var dropout: Dropout

  init?(argument: String) {
    let parts = argument.split(separator: "@", maxSplits: 1).map(String.init)
    guard parts.count == 2, let role = BoardRole(parsing: parts[0]),
      let at = DurationText.seconds(parts[1]) ?? (parts[1] == "0" ? 0 : nil)
    else { return nil }
    dropout = Dropout(sensor: role, atSeconds: at)
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
