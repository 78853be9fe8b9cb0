import Boards
import Composition
import Controller
import Foundation
import Scheduler
import Simulation
import Station
import Testing

/// Records each event's code and subject (what the scheduler's tests look at).
private final class Seen: EventConsumer, @unchecked Sendable {
  var events: [(code: EventCode, subject: EventSubject, timeS: Double)] = []
  func consume(_ event: Event, subject: EventSubject) {
    events.append((event.code, subject, Double(event.monotonic.nanoseconds) / 1e9))
  }
}

/// The deployed controller in the simulation: the scheduler flies the simulated drones
/// through the arbiter, persists the schedule and takes leak evidence.
@Suite(.serialized) struct SchedulerInSimulationTests {
  static func station() throws -> StationDescription { try StationCatalog.standard().load("demo") }
  static func board() throws -> BoardDescription { try BoardCatalog.standard().load("sim") }

  @Test("a quiet station: drones armed with thrust by the scheduler fly, scan and report, through the arbiter")
  func dronesFlyScans() throws {
    let seen = Seen()
    let run = try ScenarioRun(
      scenario: ScenarioDescription(name: "t", file: "<test>"), station: try Self.station(),
      board: try Self.board(), seed: 3, consumers: [seen])
    run.advance(to: 180)
    run.finish()
    let codes = seen.events.map(\.code)
    #expect(codes.contains(.scanStarted))
    #expect(codes.contains(.scanDone))
    #expect(codes.contains(.droneState))
    #expect(run.fleet.scansRecorded >= 1)
    // The simulated drone itself scanned: its own counter moved, so it flew with propulsion.
    #expect(run.simulation.drones.contains { $0.scanCount > 0 })
    #expect(run.fleet.refusedCommands == 0)
  }

  @Test("leak_evidence is parsed and an alarm puts the module's targets first")
  func leakAlarmReorders() throws {
    let station = try Self.station()
    let yaml = """
      version: 1
      name: t
      duration: 20m
      timeline:
        - {at: 1m, leak_evidence: {module: dock, kind: alarm}}
      """
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("cloak-ev-\(UUID()).yaml").path
    try yaml.write(toFile: path, atomically: true, encoding: .utf8)
    defer { try? FileManager.default.removeItem(atPath: path) }
    let scenario = try ScenarioFiles.load(path, station: station)
    #expect(scenario.timeline.first?.action == .leakEvidence(ModuleID(unchecked: "dock"), .alarm))
    let seen = Seen()
    let run = try ScenarioRun(scenario: scenario, station: station, board: try Self.board(), seed: 1, consumers: [seen])
    run.advance(to: 400)
    run.finish()
    let dock = ModuleID(unchecked: "dock")
    let starts = seen.events.filter { $0.code == .scanStarted }
    // No dock target is eligible without the alarm; after it, one is scanned.
    #expect(!starts.contains { $0.subject.module == dock && $0.timeS < 60 })
    #expect(starts.contains { $0.subject.module == dock })
  }

  @Test("a bad leak_evidence kind is a located error")
  func badKind() throws {
    let yaml = "version: 1\nname: t\ntimeline:\n  - {at: 1m, leak_evidence: {module: dock, kind: maybe}}\n"
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("cloak-ev-\(UUID()).yaml").path
    try yaml.write(toFile: path, atomically: true, encoding: .utf8)
    defer { try? FileManager.default.removeItem(atPath: path) }
    #expect(throws: BoardLoadError.self) { try ScenarioFiles.load(path, station: try Self.station()) }
    do { _ = try ScenarioFiles.load(path, station: try Self.station()) } catch {
      #expect("\(error)".contains(":4: timeline.0.leak_evidence.kind"))
    }
  }

  @Test("a schedule database: the scans of one run are there for the next, which resumes with a new boot epoch")
  func persistsAcrossRuns() throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("cloak-sched-\(UUID())")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    let path = directory.appendingPathComponent("schedule.db").path
    let scenario = ScenarioDescription(name: "t", file: "<test>")
    let first = try ScenarioRun(
      scenario: scenario, station: try Self.station(), board: try Self.board(), seed: 3, scheduleDatabase: path)
    first.advance(to: 180)
    first.finish()
    let scans = first.fleet.scansRecorded
    #expect(scans >= 1)
    let saved = try ScheduleStore(path: path).load()
    #expect(UInt64(saved.scans.count) == scans)
    #expect(saved.bootEpoch == 1)
  }
}
