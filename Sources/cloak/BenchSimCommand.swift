import ArgumentParser
import Boards
import Foundation
import Simulation
import Station

/// `cloak bench sim`: simulated seconds per wall second for the demo station on the sim
/// board with the full controller at its default rates (every sensor read through its
/// driver and register emulator) and the station simulation, over a quiet scenario.
struct BenchSim: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "sim",
    abstract: "Simulation speed: simulated seconds per wall second (demo station, full controller).")

  @Option(name: .customLong("for"), help: "Simulated time per run (default: 1h).", transform: DurationArgument.parse)
  var duration = DurationArgument(seconds: 3_600)

  @Option(help: "Runs (the median is reported).")
  var runs = 3

  @OptionGroup var stationOption: StationOption

  func run() throws {
    let station = try stationOption.loadOrExit()
    let board = try loadBoardOrExit(BoardCatalog.defaultBoardName)
    var rates: [Double] = []
    for index in 0..<max(runs, 1) {
      let scenario = ScenarioDescription(name: "quiet", file: "<bench>")
      let run: ScenarioRun
      do { run = try ScenarioRun(scenario: scenario, station: station, board: board, seed: UInt64(index + 1)) } catch {
        printError("cloak bench sim: \(error)")
        throw ExitCode(1)
      }
      let start = Date()
      run.advance(to: duration.seconds)
      let wall = Date().timeIntervalSince(start)
      run.finish()
      let rate = run.time / max(wall, 1e-9)
      rates.append(rate)
      print(
        String(format: "run %d: %@ simulated in %.2f s wall: %.0fx real time", index + 1, "\(duration)", wall, rate))
    }
    let sorted = rates.sorted()
    let median = sorted[sorted.count / 2]
    print(
      String(
        format: "median: %.0f simulated seconds per wall second (%.0fx; a simulated day in %.0f s)", median, median,
        86_400 / median))
  }
}
