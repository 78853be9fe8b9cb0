import Boards
import Composition
import Controller
import Foundation
import Simulation
import Station
import Testing

/// Crew activity in the station simulation: the simulated drones, which route themselves
/// through any open hatch, never enter the module while the crew work there, because the
/// scheduler orders them one module at a time along its own path (decision 1307).
@Suite(.serialized) struct CrewActivityScenarioTests {
  static let airlock = ModuleID(unchecked: "airlock")

  /// Runs the shipped crew-activity scenario to `untilS`, sampling where every simulated
  /// drone is each second; returns the times a drone was in or flying into the airlock,
  /// and the run. (Without the activity drones do fly there: its welds are eligible.)
  static func airlockVisits(withActivity: Bool, untilS: Double) throws -> (visits: [Double], run: ScenarioRun) {
    let station = try StationCatalog.standard().load("demo")
    var scenario = try ScenarioFiles.load("crew-activity", station: station)
    if !withActivity {
      scenario.timeline.removeAll {
        if case .command(_, let name, _) = $0.action { return name.hasPrefix("crew_activity") }
        return false
      }
      scenario.expectations = []
    }
    let run = try ScenarioRun(
      scenario: scenario, station: station, board: try BoardCatalog.standard().load("sim"), seed: scenario.seed)
    var visits: [Double] = []
    var t = 1.0
    while t <= untilS {
      run.advance(to: t)
      for drone in run.simulation.drones where drone.module == airlock || drone.enRouteTo == airlock {
        visits.append(t)
      }
      t += 1
    }
    return (visits, run)
  }

  @Test("no simulated drone enters the airlock while the crew work there (sampled every second)")
  func scenarioKeepsDronesOut() throws {
    let (visits, run) = try Self.airlockVisits(withActivity: true, untilS: 20 * 60)
    _ = run.finish()
    #expect(visits.isEmpty, "a drone in the airlock at \(visits.prefix(5)) s")
  }
}
