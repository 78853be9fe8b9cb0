import ArgumentParser
import Composition
import Controller
import Foundation
import HAL
import MockHAL

/// `cloak run`: the controller on a board. On `sim` it runs on the virtual clock as fast
/// as the CPU allows, with an optional scripted leak or sensor failure, printing a status
/// line per simulated interval and every warning event; on a Linux board it runs in real
/// time until SIGTERM/SIGINT or --seconds.
struct Run: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "run",
    abstract: "Run the controller on a board (default: the sim board, virtual time).",
    discussion: """
      Scenario options (sim board only): --leak MODULE:PCT_PER_HOUR@START_S lets a module \
      lose air from START_S on (e.g. node1:0.5@120); --fail-sensor ROLE@AT_S removes a sensor \
      from its bus at AT_S, so the fault policy and the stale-data safe state can be seen.
      """)

  @OptionGroup var boardOption: BoardOption
  @OptionGroup var service: ServiceRunOptions

  @Option(help: "How long to run, in (simulated, on sim) seconds.")
  var seconds = 60.0

  @Option(help: "Print a status line every this many (simulated) seconds.")
  var statusEvery = 10.0

  @Option(help: "A leak: MODULE:PCT_PER_HOUR@START_S (sim only; repeatable).")
  var leak: [LeakScenario] = []

  @Option(name: .customLong("fail-sensor"), help: "ROLE@AT_S: the sensor leaves its bus at AT_S (sim only).")
  var failSensor: [SensorFailure] = []

  @Flag(
    name: .customLong("no-watchdog"),
    help: "Do not open the board file's watchdog (bench runs; by default the controller runs under it).")
  var noWatchdog = false

  func validate() throws {
    guard seconds > 0, seconds <= 30 * 86_400 else { throw ValidationError("--seconds must be in (0, 2592000]") }
    guard statusEvery > 0 else { throw ValidationError("--status-every must be positive") }
  }

  func run() throws {
    let clock = VirtualClock()
    // Sensors are initialised through their samplers (below), not by bring-up: one that
    // does not answer at start then starts excluded and is re-initialised by the fault
    // policy, instead of being left out for the whole run.
    // The board file's watchdog is opened here and stroked by the executive while every
    // group is healthy (decision 0713).
    let runtime = try service.configuration()
    let notification = try service.notification()
    let board = try service.board(boardOption, configuration: runtime).bringUp(
      .init(initialiseSensors: false, openWatchdog: !noWatchdog, sensorProfile: .loop), simClock: clock)
    defer {
      // Every exit, a thrown error included, leaves the outputs safe (the executive's
      // shutdown already did on a normal end; repeating it is harmless) and the watchdog
      // disarmed: a clean exit must not reset the board.
      for failure in board.applySafeState() { printError("cloak run: safe state: \(failure)") }
      ServiceRunOptions.reportSafeState(board)
      Self.disarm(board.watchdog)
      board.release()
    }
    let printer = EventPrinter()
    let assembly: ControllerAssembly
    do {
      assembly = try ControllerAssembly(
        board: board, configuration: .standard(), consumer: printer, serviceWatchdog: notification)
      assembly.initialiseSamplers()
    } catch {
      printError("cloak run: \(error)")
      throw ExitCode(1)
    }
    guard let sim = board.backend as? SimBackend else {
      if !leak.isEmpty || !failSensor.isEmpty {
        throw ValidationError("--leak and --fail-sensor need the sim board")
      }
      try RealtimeRun.run(assembly, seconds: seconds, printer: printer, options: service.realtime(runtime))
      return
    }
    try runSimulated(assembly, sim: sim, clock: clock, printer: printer)
  }

  private func runSimulated(
    _ assembly: ControllerAssembly, sim: SimBackend, clock: VirtualClock, printer: EventPrinter
  ) throws {
    let executive = assembly.executive
    let stopRequest = service.attachToSimulation(executive)
    defer { withExtendedLifetime(stopRequest) {} }
    let start = clock.now()
    let baseline = Dictionary(uniqueKeysWithValues: sim.pressureModels.map { ($0.key, $0.value.pressure) })
    for failure in failSensor where sim.pressureModels[failure.role] == nil {
      throw ValidationError("--fail-sensor: no sensor '\(failure.role)' on board \(assembly.board.board.name)")
    }
    print("cloak run: board \(assembly.board.board.name), \(Int(seconds)) s of simulated time")
    var failed: Set<String> = []
    var elapsed = 0.0
    var nextStatus = 0.0
    var steps: Int64 = 0
    while elapsed < seconds && !executive.isFinished {
      for (role, model) in sim.pressureModels {
        model.pressure = Pressure(pascals: pressure(role: role, baseline: baseline[role], at: elapsed))
      }
      for failure in failSensor where elapsed >= failure.atSeconds && !failed.contains(failure.role) {
        failed.insert(failure.role)
        if let spec = assembly.board.board.i2cDevices[failure.role] {
          sim.buses[spec.bus]?.detach(address: spec.address)
          print(String(format: "%9.1f s  scenario: %@ removed from its bus", elapsed, failure.role))
        }
      }
      if elapsed >= nextStatus {
        print(status(assembly, at: elapsed))
        nextStatus += statusEvery
      }
      steps += 1
      elapsed = Double(steps) / 10  // 100 ms of virtual time per step, counted exactly
      executive.run(until: start.advanced(by: .milliseconds(steps * 100)))
      executive.events.flush()  // events print in time order with the status lines
    }
    print(status(assembly, at: elapsed))
    executive.requestShutdown()
    executive.run(until: clock.now().advanced(by: .seconds(1)))
    let report = executive.report()
    print(
      "cloak run: done: \(report.ticks) ticks, \(report.slips) slips, safe mode \(report.safeMode ?? "none"), "
        + "\(printer.count) warning events")
  }

  /// Disarms `watchdog` unless the executive's shutdown already did (then it is closed).
  private static func disarm(_ watchdog: (any Watchdog)?) {
    do { try watchdog?.disarm() } catch  where error.kind == .closed {} catch {
      printError("cloak run: watchdog: \(error)")
    }
  }

  /// Baseline pressure, lowered exponentially by any leak in the role's module.
  private func pressure(role: String, baseline: Pressure?, at time: Double) -> Double {
    let p0 = baseline?.pascals ?? 101_325
    let module = role.split(separator: ".").dropFirst().first.map(String.init) ?? ""
    var p = p0
    for scenario in leak where scenario.module == module && time > scenario.startSeconds {
      p *= Foundation.exp(-scenario.percentPerHour / 100 * (time - scenario.startSeconds) / 3600)
    }
    return p
  }

  private func status(_ assembly: ControllerAssembly, at time: Double) -> String {
    var parts = [String(format: "%9.1f s", time)]
    for (role, sampler) in assembly.samplers.sorted(by: { $0.key < $1.key }) {
      let reading = sampler.latest
      let value = reading.sample.map { String(format: "%.1f Pa", $0.pressure.pascals) } ?? "-"
      parts.append("\(role) \(value) (\(reading.status))")
    }
    let safe = assembly.executive.safety.reason.map { "\($0)" } ?? "none"
    parts.append("safe mode: \(safe)")
    return parts.joined(separator: "  ")
  }
}

/// `MODULE:PCT_PER_HOUR@START_S`.
struct LeakScenario: ExpressibleByArgument {
  var module: String
  var percentPerHour: Double
  var startSeconds: Double

  init?(argument: String) {
    let halves = argument.split(separator: "@", maxSplits: 1).map(String.init)
    let head = halves.first?.split(separator: ":", maxSplits: 1).map(String.init) ?? []
    guard halves.count == 2, head.count == 2, let rate = Double(head[1]), let start = Double(halves[1]),
      rate >= 0, rate.isFinite, start >= 0, start.isFinite, !head[0].isEmpty
    else { return nil }
    module = head[0]
    percentPerHour = rate
    startSeconds = start
  }
}

/// `ROLE@AT_S`.
struct SensorFailure: ExpressibleByArgument {
  var role: String
  var atSeconds: Double

  init?(argument: String) {
    let parts = argument.split(separator: "@", maxSplits: 1).map(String.init)
    guard parts.count == 2, !parts[0].isEmpty, let at = Double(parts[1]), at >= 0, at.isFinite else { return nil }
    role = parts[0]
    atSeconds = at
  }
}

/// Prints warning and worse events with their time on the board's clock: to standard
/// output for `cloak run`, to standard error where standard output carries JSON.
final class EventPrinter: EventConsumer, @unchecked Sendable {
  private let toStandardError: Bool
  private let lock = NSLock()
  private(set) var count = 0

  init(toStandardError: Bool = false) { self.toStandardError = toStandardError }

  func consume(_ event: Event, sourceName: String) {
    guard event.severity >= .warning else { return }
    lock.lock()
    count += 1
    lock.unlock()
    let seconds = Double(event.monotonic.nanoseconds) / 1e9
    let line = String(format: "%9.3f s  ", seconds) + "\(event.severity) \(event.code) [\(sourceName)] \(event.value)"
    if toStandardError { printError(line) } else { print(line) }
  }
}
