import ArgumentParser
import Boards
import Composition
import Controller
import Foundation
import HAL
import Simulation
import Station

/// `--speed`: `max` (as fast as the CPU allows) or `Nx` (N simulated seconds per wall
/// second; a plain number means the same).
struct SpeedArgument: ExpressibleByArgument, Sendable, Hashable, CustomStringConvertible {
  /// Simulated seconds per wall second; nil: as fast as possible.
  var factor: Double?

  init(factor: Double?) { self.factor = factor }

  init?(argument: String) {
    if argument == "max" {
      factor = nil
      return
    }
    let digits = argument.hasSuffix("x") ? String(argument.dropLast()) : argument
    guard let value = Double(digits), value.isFinite, value > 0, value <= 1e7 else { return nil }
    factor = value
  }

  var description: String { factor.map { "\(SpeedArgument.plain($0))x" } ?? "max" }

  static func plain(_ value: Double) -> String { value == value.rounded() ? String(Int(value)) : String(value) }
}

/// Prints the notable events of a simulated run in words: warnings and worse, command
/// events, hatch moves, module watch changes, and the run's start and stop.
final class TimelinePrinter: EventConsumer, @unchecked Sendable {
  var formatter: EventRecordFormatter
  private(set) var warnings = 0

  init(formatter: EventRecordFormatter) { self.formatter = formatter }

  func consume(_ event: Event, subject: EventSubject) {
    let notable: Bool
    switch event.code {
    case .runStarted, .runStopped, .hatchMoved, .moduleWatched, .deviceRestored, .safeModeCleared: notable = true
    default: notable = event.command != nil || event.severity >= .warning
    }
    guard notable else { return }
    if event.severity >= .warning { warnings += 1 }
    print(formatter.words(event, subject: subject))
  }
}

/// Runs a ``ScenarioRun`` from the command line: paced or as fast as possible, for a
/// duration or until SIGINT/SIGTERM, with the human timeline, an optional status view
/// once per wall second and a progress bar on a terminal.
struct SimulationSession {
  var run: ScenarioRun
  /// Simulated seconds to run; nil: until a signal.
  var total: Double?
  var speed: SpeedArgument
  /// Print the status block once per wall second.
  var statusView: Bool
  /// Print a status line every this many simulated seconds (nil: never).
  var statusEvery: Double?
  /// Show a progress bar on standard error when it is a terminal.
  var progress: Bool
  /// Called after each slice of simulated time (the executive is not running then).
  var afterSlice: (() -> Void)?

  init(
    run: ScenarioRun, total: Double?, speed: SpeedArgument, statusView: Bool, statusEvery: Double?, progress: Bool,
    afterSlice: (() -> Void)? = nil
  ) {
    self.run = run
    self.total = total
    self.speed = speed
    self.statusView = statusView
    self.statusEvery = statusEvery
    self.progress = progress
    self.afterSlice = afterSlice
  }

  /// Runs; returns whether a stop signal ended it, and the wall time it took.
  func play() -> (signalled: Bool, wallSeconds: Double) {
    #if canImport(LinuxHAL)
      let stop = StopRequest()
      let stopped: () -> Bool = { stop.isStopped }
      let sleep: (Double) -> Bool = { stop.wait(.nanoseconds(Int64(max($0, 0) * 1e9))) }
    #else
      let stopped: () -> Bool = { false }
      let sleep: (Double) -> Bool = { seconds in
        Thread.sleep(forTimeInterval: max(seconds, 0))
        return false
      }
    #endif
    let showProgress = progress && isatty(STDERR_FILENO) == 1 && total != nil
    let start = Date()
    var nextWallStatus = 0.0
    var nextSimStatus = 0.0
    var signalled = false
    var lastProgress = -1.0
    run.onNote = { note in print(String(format: "%10.1f s  sim     ", note.timeS) + note.text) }
    if statusView { printStatus() }
    while total.map({ run.time < $0 - run.stepS / 2 }) ?? true {
      if stopped() {
        signalled = true
        break
      }
      let wall = Date().timeIntervalSince(start)
      var target: Double
      if let factor = speed.factor {
        // Paced: 50 ms of wall time per slice.
        target = (wall + 0.05) * factor
      } else {
        target = run.time + 60
      }
      if let total { target = min(target, total) }
      // At most one status line per slice, and the next one strictly later: a period the
      // options did not refuse (0, or below the floating-point spacing at this time) must
      // not spin here, where no stop signal is looked at.
      if let every = statusEvery {
        if every > 0, nextSimStatus <= run.time {
          print(statusLine())
          let next = ((run.time / every).rounded(.down) + 1) * every
          nextSimStatus = next > run.time ? next : run.time.nextUp
        }
        target = min(target, max(nextSimStatus, run.time + run.stepS))
      }
      run.advance(to: target)
      afterSlice?()
      let now = Date().timeIntervalSince(start)
      if statusView, now >= nextWallStatus + 1 {
        nextWallStatus = now.rounded(.down)
        printStatus()
      }
      if showProgress, let total, now - lastProgress >= 0.2 {
        lastProgress = now
        drawProgress(done: run.time, total: total, wall: now)
      }
      if let factor = speed.factor {
        let due = run.time / factor
        if due > now, sleep(due - now) {
          signalled = true
          break
        }
      }
    }
    if showProgress { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
    if statusEvery != nil || statusView { print(statusLine()) }
    return (signalled, Date().timeIntervalSince(start))
  }

  private func drawProgress(done: Double, total: Double, wall: Double) {
    let width = 30
    let filled = Int((done / max(total, 1e-9)) * Double(width))
    let bar = String(repeating: "#", count: min(filled, width)) + String(repeating: " ", count: max(width - filled, 0))
    let rate = wall > 0 ? done / wall : 0
    let line = "\r[\(bar)] \(DurationText.format(done.rounded())) of \(DurationText.format(total)), \(Int(rate))x"
    FileHandle.standardError.write(Data(line.utf8))
  }

  /// One line: time, each module's pressure as the controller reads it, safe mode.
  func statusLine() -> String {
    let assembly = run.assembly
    var parts = [String(format: "%10.1f s", run.time)]
    for module in assembly.station.modules {
      let values = module.sensors.compactMap { assembly.samplers[$0]?.latest.sample?.pressure.pascals }
      let text = values.isEmpty ? "blind" : String(format: "%.1f Pa", values.reduce(0, +) / Double(values.count))
      parts.append("\(module.id) \(text)")
    }
    parts.append("safe mode: " + (assembly.executive.safety.reason.map { "\($0)" } ?? "none"))
    return parts.joined(separator: "  ")
  }

  /// The status block: per module the controller's pressure and temperature, per hatch
  /// its position, per drone its activity and battery.
  func printStatus() {
    let assembly = run.assembly
    let sim = run.simulation
    var lines = ["---- \(DurationText.format(run.time.rounded())) simulated " + String(repeating: "-", count: 50)]
    var row = ""
    for module in assembly.station.modules {
      let samples = module.sensors.compactMap { assembly.samplers[$0]?.latest.sample }
      let text: String
      if samples.isEmpty {
        text = "   blind          "
      } else {
        let p = samples.map(\.pressure.pascals).reduce(0, +) / Double(samples.count)
        let t = samples.map(\.temperature.celsius).reduce(0, +) / Double(samples.count)
        text = String(format: "%9.1f Pa %5.2f C", p, t)
      }
      let crew = sim.crew[module.id].map { " crew \($0)" } ?? ""
      row = "  " + module.id.rawValue.padding(toLength: 10, withPad: " ", startingAt: 0) + text + crew
      lines.append(row)
    }
    var hatches: [String] = []
    for hatch in sim.hatches {
      let state: String
      switch (hatch.endStop, hatch.motion) {
      case (.open?, _): state = "open"
      case (.closed?, _): state = "closed"
      case (nil, .opening): state = String(format: "opening %.0f%%", hatch.position * 100)
      case (nil, .closing): state = String(format: "closing %.0f%%", hatch.position * 100)
      case (nil, .still): state = String(format: "stopped %.0f%%", hatch.position * 100)
      }
      hatches.append("\(hatch.id) \(state)\(hatch.jammed ? " JAMMED" : "")")
    }
    lines.append("  hatches: " + hatches.joined(separator: ", "))
    for drone in sim.drones {
      lines.append(
        String(format: "  drone %@: %@, battery %.1f Wh", drone.id.rawValue, drone.activity, drone.batteryWh))
    }
    print(lines.joined(separator: "\n"))
  }

  /// The end-of-run summary and, with `judge`, each expectation; true when all hold.
  static func summarise(
    _ run: ScenarioRun, results: [ExpectationResult], signalled: Bool, wallSeconds: Double, writer: EventFileWriter?,
    judge: Bool
  ) -> Bool {
    let report = run.assembly.executive.report()
    print(
      String(
        format: "cloak: done: %@ simulated in %.1f s wall (%.0fx), %llu ticks, %llu slips, safe mode %@%@",
        DurationText.format(run.time.rounded()), wallSeconds, wallSeconds > 0 ? run.time / wallSeconds : 0,
        report.ticks, report.slips, report.safeMode ?? "none", signalled ? ", stopped by a signal" : ""))
    let counts = run.eventCounts.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }
    print("events: " + counts.joined(separator: ", ") + (writer.map { " (records in \($0.path))" } ?? ""))
    for module in run.station.modules {
      if let p = run.simulation.pressure(of: module.id) {
        print(String(format: "  %@: %.1f Pa (true)", module.id.rawValue, p))
      }
    }
    guard judge, !results.isEmpty else { return true }
    let failed = results.filter { !$0.passed }
    print("expectations: \(results.count - failed.count) of \(results.count) hold")
    for result in results {
      print(
        "  \(result.passed ? "ok  " : "FAIL") line \(result.expectation.line): \(result.expectation.text): \(result.detail)"
      )
    }
    return failed.isEmpty
  }
}
