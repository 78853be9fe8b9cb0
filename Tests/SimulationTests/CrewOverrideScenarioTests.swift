import Boards
import Composition
import Controller
import Foundation
import HAL
import Simulation
import Station
import Testing

/// The `crew_override` scenario action drives the board's override input; the example
/// scenario shows ground's lease ended by the switch and control with the crew.
@Suite(.serialized) struct CrewOverrideScenarioTests {
  @Test func groundLeaseEndedByTheSwitchWithin200Milliseconds() throws {
    let station = try StationCatalog.standard().load("demo")
    let board = try BoardCatalog.standard().load("sim")
    let scenario = try ScenarioFiles.load("ground-lease-crew-override", station: station)
    let recorder = EventRecorder()
    let run = try ScenarioRun(scenario: scenario, station: station, board: board, consumers: [recorder])
    run.advance(to: scenario.durationS)
    let results = run.finish()
    #expect(!results.isEmpty)
    let failed = results.filter { !$0.passed }
    #expect(failed.isEmpty, "\(failed)")
    let thrownAt = run.origin.advanced(by: .seconds(20))
    let handover = try #require(
      recorder.events(.controlChanged).first { $0.value == 1 && $0.monotonic >= thrownAt })
    let latency = Double(handover.monotonic.nanoseconds - thrownAt.nanoseconds) / 1e6
    #expect(latency >= 0 && latency <= 200, "control to the crew \(latency) ms after the switch")
    #expect(recorder.events(.crewOverride).map(\.value) == [1, 0])
  }

  @Test func crewOverrideNeedsABooleanActive() throws {
    let station = try StationCatalog.standard().load("demo")
    let text = "version: 1\nname: x\ntimeline:\n  - {at: 1s, crew_override: {active: maybe}}\n"
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("x.yaml").path
    try text.write(toFile: path, atomically: true, encoding: .utf8)
    defer { try? FileManager.default.removeItem(atPath: path) }
    do {
      _ = try ScenarioFiles.load(path, station: station)
      Issue.record("a crew_override with active: maybe was accepted")
    } catch {
      #expect("\(error)".contains("x.yaml:4: timeline.0.crew_override.active"), "\(error)")
    }
  }
}
