import ArgumentParser
import Boards
import Composition
import Controller
import Foundation
import HAL
import Simulation
import Station

/// `cloak sim SCENARIO`: the full controller on the sim board and the virtual clock
/// against the station simulation, playing a scenario's timeline and judging its
/// expectations. Exit 0 only when every expectation holds; 1 when one fails or a file
/// is malformed (`FILE:LINE: KEY.PATH: message`).
struct SimCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "sim",
    abstract: "Run a scenario against the station simulation and check its expectations.",
    discussion: """
      SCENARIO is a name in examples/scenarios/ or a path (format: docs/scenario-format.md). \
      Prints a timeline (one line per notable event, simulated time) and a summary; exits 0 \
      only if every expectation holds. Durations: 90s, 15m, 36h, 30d, or seconds.
      """)

  @Argument(help: "Scenario name (examples/scenarios/) or path to a scenario file.")
  var scenario: String

  @OptionGroup var stationOption: StationOption

  @Option(help: "Seed of every random draw (default: the scenario's).")
  var seed: UInt64?

  @Option(
    name: .customLong("for"), help: "How long to simulate (default: the scenario's duration).",
    transform: DurationArgument.parse)
  var duration: DurationArgument?

  @Option(help: "Write every event as a JSON line to this file.")
  var events: String?

  @Option(help: "max, or Nx: N simulated seconds per wall second.")
  var speed = SpeedArgument(factor: nil)

  @OptionGroup var auditOptions: AuditRunOptions
  @OptionGroup var schedule: ScheduleDatabaseOption

  func run() throws {
    StopSignals.catchFromNow()
    let station = try stationOption.loadOrExit()
    let description: ScenarioDescription
    do { description = try ScenarioFiles.load(scenario, station: station) } catch {
      printError("cloak sim: \(error)")
      throw ExitCode(1)
    }
    let board = try loadBoardOrExit(BoardCatalog.defaultBoardName)
    let ok = try Self.play(
      description, station: station, board: board, seed: seed, total: duration?.seconds ?? description.durationS,
      speed: speed, events: events, statusView: false, statusEvery: nil, command: "cloak sim", schedule: schedule,
      audit: auditOptions)
    if !ok { throw ExitCode(1) }
  }

  /// Plays `scenario` and prints the timeline and summary; returns whether every
  /// expectation holds. Shared by `cloak sim` and `cloak run` on the sim board.
  static func play(
    _ scenario: ScenarioDescription, station: StationDescription, board: BoardDescription, seed: UInt64?,
    total: Double?, speed: SpeedArgument, events: String?, statusView: Bool, statusEvery: Double?, command: String,
    schedule: ScheduleDatabaseOption, serviceWatchdog: (any Watchdog)? = nil, configure: (Executive) -> Void = { _ in },
    audit: AuditRunOptions? = nil, configuration: RuntimeConfiguration? = nil, services: OperatorServices? = nil
  ) throws -> Bool {
    let database = try schedule.forSimulation()
    defer { database.cleanup() }
    let origin = MonotonicInstant.zero
    let info = RunInfo(board: board.name, station: station.name, softwareVersion: Cloak.version)
    let formatter = EventRecordFormatter(origin: origin, run: info)
    let printer = TimelinePrinter(formatter: formatter)
    var writer: EventFileWriter?
    if let events {
      do { writer = try EventFileWriter(path: events, formatter: formatter) } catch {
        printError("\(command): --events \(error)")
        throw ExitCode(1)
      }
    }
    defer { writer?.close() }
    let auditLog = try audit?.open(
      configuration: configuration, simulated: true, fresh: true, formatter: formatter, command: command)
    defer { AuditRunOptions.close(auditLog, command: command) }
    let run: ScenarioRun
    do {
      run = try ScenarioRun(
        scenario: scenario, station: station, board: board, seed: seed,
        consumers: [printer] + (writer.map { [$0] } ?? []) + (auditLog.map { [$0] } ?? [])
          + (services?.consumers(formatter: formatter) ?? []),
        serviceWatchdog: serviceWatchdog, scheduleDatabase: database.path)
      configure(run.assembly.executive)
    } catch {
      printError("\(command): \(error)")
      throw ExitCode(1)
    }
    // The command link and the operator API: this run is the one consumer of the
    // arbiter's responses, so it offers each to their router first.
    if let services {
      run.claimResponse = try services.start(
        assembly: run.assembly, fleet: run.fleet, origin: origin, drainsArbiter: false, simulated: true,
        audit: auditLog?.writer)
    }
    print(
      "\(command): scenario \(scenario.name), station \(station.name), board \(board.name), seed \(run.seed), "
        + (total.map { DurationText.format($0) + " simulated" } ?? "until Ctrl-C") + ", speed \(speed)")
    var session = SimulationSession(
      run: run, total: total, speed: speed, statusView: statusView, statusEvery: statusEvery, progress: true)
    if let services { session.afterSlice = { [run] in services.slice(run.assembly.executive) } }
    let (signalled, wall) = session.play()
    let reason = signalled ? "signal" : "completed"
    services?.noteStopReason(reason)
    printer.formatter.run.stopReason = reason
    writer?.formatter.run.stopReason = reason
    auditLog?.formatter.run.stopReason = reason
    let results = run.finish()
    // As on a real board: every output to its safe value (the PWM controllers' output
    // enable included, which the executive's shutdown leaves to the driver), reported,
    // before the operator services stop (a client can hold the API's stop for seconds).
    for failure in run.board.applySafeState() { printError("\(command): safe state: \(failure)") }
    ServiceRunOptions.reportSafeState(run.board, command: command)
    services?.stop(reason: reason)
    return SimulationSession.summarise(
      run, results: results, signalled: signalled, wallSeconds: wall, writer: writer, judge: command == "cloak sim")
  }
}
