import Boards
import Composition
import Controller
import Foundation
import Simulation
import Station
import Testing

/// Scenario runs: determinism, seeds, noise, files.
@Suite(.serialized) struct ScenarioRunTests {
  static func station() throws -> StationDescription { try StationCatalog.standard().load("demo") }
  static func board() throws -> BoardDescription { try BoardCatalog.standard().load("sim") }

  /// Runs `scenario` for `seconds` and returns its event file's bytes.
  static func eventBytes(_ scenario: ScenarioDescription, seed: UInt64, seconds: Double) throws -> Data {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("cloak-sim-\(UUID()).jsonl").path
    defer { try? FileManager.default.removeItem(atPath: path) }
    let formatter = EventRecordFormatter(
      origin: .zero, run: RunInfo(board: "sim", station: "demo", softwareVersion: "test"))
    let writer = try EventFileWriter(path: path, formatter: formatter)
    let run = try ScenarioRun(
      scenario: scenario, station: try station(), board: try board(), seed: seed, consumers: [writer])
    run.advance(to: seconds)
    run.finish()
    writer.close()
    return try Data(contentsOf: URL(fileURLWithPath: path))
  }

  static func faulty() throws -> ScenarioDescription {
    var scenario = ScenarioDescription(name: "t", file: "<test>")
    let role = SensorRole(unchecked: "pressure.lab.a")
    scenario.timeline = [
      .init(atS: 2, action: .sensorFault(role, .dropout(forS: 3))),
      .init(atS: 1, action: .command(principal: "crew_console", name: "hatch_close", arguments: ["hatch": "node2"])),
    ].sorted { $0.atS < $1.atS }
    return scenario
  }

  @Test func sameSeedSameEventFileByteForByte() throws {
    let scenario = try Self.faulty()
    let first = try Self.eventBytes(scenario, seed: 7, seconds: 20)
    let second = try Self.eventBytes(scenario, seed: 7, seconds: 20)
    #expect(!first.isEmpty)
    #expect(first == second)
    let text = String(decoding: first, as: UTF8.self)
    #expect(text.contains("\"utc\":\"2030-01-01T00:00:00."))
    #expect(text.contains("\"event\":\"hatch_moved\""))
    #expect(text.contains("\"event\":\"device_excluded\""))
  }

  /// The raw codes the controller reads, per conversion, for one sensor.
  static func readings(seed: UInt64) throws -> [Double] {
    let run = try ScenarioRun(
      scenario: ScenarioDescription(name: "t", file: "<test>"), station: try station(), board: try board(), seed: seed)
    var values: [Double] = []
    let sampler = try #require(run.assembly.samplers[SensorRole(unchecked: "pressure.node1.a")])
    for step in 1...100 {
      run.advance(to: Double(step) * 0.1)
      if let p = sampler.latest.sample?.pressure.pascals { values.append(p) }
    }
    run.finish()
    return values
  }

  @Test func aDifferentSeedChangesTheNoise() throws {
    let a = try Self.readings(seed: 1)
    let b = try Self.readings(seed: 1)
    let c = try Self.readings(seed: 2)
    #expect(a.count > 50)
    #expect(a == b)
    #expect(a != c)
    // Noise of about 1.3 Pa RMS around the sensor's (offset) mean.
    let mean = a.reduce(0, +) / Double(a.count)
    let sd = (a.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(a.count)).squareRoot()
    #expect(sd > 0.7 && sd < 2.5, "sd \(sd) Pa")
  }

  @Test func hatchClosedByCommandClosesInTheSimulationAndItsSensorsSaySoo() throws {
    let run = try ScenarioRun(scenario: try Self.faulty(), station: try Self.station(), board: try Self.board())
    let hatch = try #require(run.simulation.hatch(HatchID(unchecked: "node2")))
    #expect(hatch.endStop == .open)
    run.advance(to: 5)
    #expect(hatch.motion == .closing || hatch.position < 1)
    run.advance(to: 15)
    #expect(hatch.endStop == .closed)
    run.finish()
  }

  @Test func theSixScenariosAndTheDemoLoad() throws {
    let station = try Self.station()
    for name in [
      "quiet-day", "slow-leak", "rapid-depressurisation", "sensor-failure", "leak-thermal-step",
      "crew-ground-contending", "demo",
    ] {
      let scenario = try ScenarioFiles.load(name, station: station)
      #expect(!scenario.expectations.isEmpty, "\(name)")
    }
  }

  @Test(arguments: [
    (
      "version: 1\nname: x\ntimeline:\n  - {at: 1m, leak: {module: nowhere, pct_per_hour: 1}}\n",
      "x.yaml:4: timeline.0.leak.module: no module 'nowhere'"
    ),
    (
      "version: 1\nname: x\ntimeline:\n  - {at: 1x, seal_leak: {module: lab}}\n",
      "x.yaml:4: timeline.0.at: expected a duration"
    ),
    (
      "version: 1\nname: x\ntimeline:\n  - {at: 1m, command: {principal: ground, name: hatch_opn, hatch: node1}}\n",
      "unknown command 'hatch_opn'"
    ),
    (
      "version: 1\nname: x\ntimeline:\n  - {at: 1m, command: {principal: boss, name: hatch_open, hatch: node1}}\n",
      "x.yaml:4: timeline.0.command.principal: 'boss' is not one of"
    ),
    (
      "version: 1\nname: x\nexpect:\n  - {event: leak_detected, before: 1m}\n",
      "x.yaml:4: expect.0.event: 'leak_detected' is not an event name"
    ),
    ("version: 1\nname: x\nbogus: 1\n", "x.yaml:3: bogus: unknown key"),
    (
      "version: 1\nname: x\ntimeline:\n  - {at: 1m, sensor_fault: {sensor: pressure.lab.a, kind: melt}}\n",
      "x.yaml:4: timeline.0.sensor_fault.kind: 'melt' is not one of"
    ),
    (
      "version: 1\nname: x\ntimeline:\n  - {at: 1m, leak: {module: lab, hole_mm2: 1, pct_per_hour: 1}}\n",
      "exactly one size"
    ),
    ("version: 2\nname: x\n", "x.yaml:1: version: schema version 2 is not supported"),
  ])
  func malformedScenariosGiveLocatedErrors(yaml: String, message: String) throws {
    let station = try Self.station()
    let error = #expect(throws: BoardLoadError.self) {
      try ScenarioLoader.load(yaml: yaml, file: "x.yaml", station: station, vocabulary: .controller)
    }
    let text = error.map { "\($0)" } ?? ""
    #expect(text.contains(message), "\(text)")
  }
}
