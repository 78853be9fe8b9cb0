import Boards
import Composition
import Controller
import Foundation
import Simulation
import Station
import Testing

/// Modules going blind during the guided isolation (issue 10, decision 0923): the station
/// simulation, the controller's stale-data monitor, leak watch and isolation procedure, on
/// the virtual clock. The leak: 1 % of the station's air per hour in logistics, as in
/// ``IsolationScenarioTests``.
@Suite(.serialized) struct IsolationBlindModuleTests {
  typealias Scenario = IsolationScenarioTests
  static let logistics = ModuleID(unchecked: "logistics")
  static let airlock = ModuleID(unchecked: "airlock")

  static func sensors(_ module: String) -> [SensorRole] {
    [SensorRole(unchecked: "pressure.\(module).a"), SensorRole(unchecked: "pressure.\(module).b")]
  }

  /// Both of `module`'s sensors leave their bus for good.
  static func blind(_ run: ScenarioRun, _ module: String) {
    for role in sensors(module) { _ = run.simulation.apply(.sensorFault(role, .dropout(forS: nil))) }
  }

  /// Isolation steps recorded from event number `mark` on, with their subjects' modules.
  static func steps(_ recorder: EventRecorder, from mark: Int) -> [(step: IsolationStep, module: ModuleID?)] {
    recorder.events.dropFirst(mark).filter { $0.event.code == .isolationStep }.compactMap { record in
      IsolationStep(rawValue: UInt8(record.event.value)).map { ($0, record.subject.module) }
    }
  }

  static func allOpen(_ run: ScenarioRun) {
    for hatch in run.station.hatches { #expect(run.simulation.hatch(hatch.id)?.endStop == .open, "\(hatch.id)") }
  }

  @Test("both sensors of the suspect module dropping out mid-split abort it at once, named, and reopen all")
  func suspectGoesBlind() throws {
    let (run, recorder) = try Scenario.start()
    try Scenario.approved(run, recorder)
    let measuring = Scenario.advance(run, limit: run.time + 120) { run.assembly.isolation.phase == .measuring }
    try #require(measuring, "steps: \(Scenario.steps(recorder))")
    let mark = recorder.events.count
    let dropped = run.time
    Self.blind(run, "logistics")
    var abortedAt: Double?
    let ended = Scenario.advance(
      run, limit: run.time + 120,
      each: {
        if abortedAt == nil, Self.steps(recorder, from: mark).contains(where: { $0.step.isAbort }) {
          abortedAt = run.time
        }
      }, until: { run.assembly.isolation.phase == .idle })
    run.finish()
    #expect(ended, "phase \(run.assembly.isolation.phase); steps \(Self.steps(recorder, from: mark))")
    let after = Self.steps(recorder, from: mark)
    // The abort comes first, before any judgement, and names the blind module.
    #expect(after.first?.step == .abortedModuleBlind, "steps after the dropout: \(after)")
    #expect(after.first?.module == Self.logistics)
    #expect(!after.contains { $0.step == .measured || $0.step == .cleared })
    #expect(after.last?.step == .finished)
    #expect((abortedAt ?? .infinity) - dropped <= 3, "aborted \(String(describing: abortedAt)), dropped \(dropped)")
    // The controller's own watch said so, and the detector named no sensor.
    #expect(recorder.records(.moduleBlind).contains { $0.subject.module == Self.logistics })
    #expect(recorder.records(.leakLocated).isEmpty)
    #expect(run.assembly.isolation.phase == .idle)
    #expect(run.assembly.isolation.isolatingModules == 0)
    #expect(run.assembly.isolation.closedByProcedure.isEmpty)
    Self.allOpen(run)
  }

  @Test("a suspect blind before the approval: the split is not closed")
  func blindBeforeApproval() throws {
    let (run, recorder) = try Scenario.start()
    let proposed = Scenario.advance(run, limit: 1_200) { !recorder.records(.isolationProposed).isEmpty }
    try #require(proposed)
    Self.blind(run, "logistics")
    Scenario.advance(run, limit: run.time + 5) { false }
    Scenario.send(run, .isolationApprove)
    Scenario.advance(run, limit: run.time + 30) { false }
    run.finish()
    let steps = Scenario.steps(recorder)
    #expect(steps == [.approved, .abortedModuleBlind, .finished], "\(steps)")
    #expect(recorder.records(.isolationStep).first { $0.event.value == 31 }?.subject.module == Self.logistics)
    #expect(recorder.records(.commandAccepted).filter { $0.event.command == .hatchClose }.isEmpty)
    #expect(recorder.records(.leakLocated).isEmpty)
    Self.allOpen(run)
  }

  @Test("one sensor of two dropping out mid-split: its twin keeps the module watched, logistics is located")
  func oneSensorDropsOut() throws {
    let (run, recorder) = try Scenario.start()
    try Scenario.approved(run, recorder)
    let measuring = Scenario.advance(run, limit: run.time + 120) { run.assembly.isolation.phase == .measuring }
    try #require(measuring)
    let role = Self.sensors("logistics")[0]
    _ = run.simulation.apply(.sensorFault(role, .dropout(forS: nil)))
    let located = Scenario.advance(run, limit: run.time + 3_600) {
      run.assembly.isolation.phase == .idle && !recorder.records(.leakLocated).isEmpty
    }
    run.finish()
    #expect(located, "steps: \(Scenario.steps(recorder))")
    #expect(recorder.records(.sensorFault).contains { $0.subject.sensor == role })
    #expect(!recorder.records(.moduleBlind).contains { $0.subject.module == Self.logistics })
    #expect(!Scenario.steps(recorder).contains { $0.isAbort }, "steps: \(Scenario.steps(recorder))")
    #expect(recorder.records(.leakLocated).map(\.subject.module) == [Self.logistics])
    #expect(Scenario.steps(recorder).last == .finished)
    Self.allOpen(run)
  }

  @Test("a blind module shut off from both sides of the split does not stop it")
  func blindOutsideTheSplit() throws {
    // The airlock sealed off from the start (both its hatches closed): its own segment,
    // never part of a split of the leaking segment.
    var scenario = ScenarioDescription(name: "isolation-blind-airlock", file: "<test>")
    scenario.physics.closedHatches = [HatchID(unchecked: "node1-airlock"), HatchID(unchecked: "airlock-node3")]
    scenario.timeline = [.init(atS: 20, action: .leak(Self.logistics, .percentPerHour(7.2)))]
    let recorder = EventRecorder()
    let run = try ScenarioRun(
      scenario: scenario, station: try ScenarioRunTests.station(), board: try ScenarioRunTests.board(), seed: 3,
      consumers: [recorder])
    try Scenario.approved(run, recorder)
    let measuring = Scenario.advance(run, limit: run.time + 120) { run.assembly.isolation.phase == .measuring }
    try #require(measuring, "steps: \(Scenario.steps(recorder))")
    Self.blind(run, "airlock")
    let located = Scenario.advance(run, limit: run.time + 3_600) {
      run.assembly.isolation.phase == .idle && !recorder.records(.leakLocated).isEmpty
    }
    run.finish()
    #expect(located, "steps: \(Scenario.steps(recorder))")
    #expect(recorder.records(.moduleBlind).contains { $0.subject.module == Self.airlock })
    #expect(!Scenario.steps(recorder).contains { $0.isAbort }, "steps: \(Scenario.steps(recorder))")
    #expect(recorder.records(.leakLocated).map(\.subject.module) == [Self.logistics])
    for hatch in run.station.hatches where !scenario.physics.closedHatches.contains(hatch.id) {
      #expect(run.simulation.hatch(hatch.id)?.endStop == .open, "\(hatch.id)")
    }
  }

  @Test("a cleared module in a measured side going blind aborts the split: its sensors enter that side's rate")
  func clearedModuleInASideGoesBlind() throws {
    let (run, recorder) = try Scenario.start()
    try Scenario.approved(run, recorder)
    // The first split clears the airlock and node3; wait for the second split's measurement.
    let second = Scenario.advance(run, limit: run.time + 1_200) {
      Scenario.steps(recorder).contains(.cleared) && run.assembly.isolation.phase == .measuring
    }
    try #require(second, "steps: \(Scenario.steps(recorder))")
    let airlockIndex = try #require(run.station.modules.firstIndex { $0.id == Self.airlock })
    try #require(!run.assembly.isolation.suspects.contains(airlockIndex), "airlock still suspected")
    let mark = recorder.events.count
    Self.blind(run, "airlock")
    let ended = Scenario.advance(run, limit: run.time + 120) { run.assembly.isolation.phase == .idle }
    run.finish()
    #expect(ended)
    let after = Self.steps(recorder, from: mark)
    #expect(after.first?.step == .abortedModuleBlind, "steps after the dropout: \(after)")
    #expect(after.first?.module == Self.airlock)
    #expect(!after.contains { $0.step == .measured || $0.step == .cleared })
    #expect(recorder.records(.leakLocated).isEmpty)
    Self.allOpen(run)
  }

  @Test("a hatch that cannot reopen is reported (reopen_failed, hatch_fault) and the isolation ends")
  func reopenFailsVisibly() throws {
    let (run, recorder) = try Scenario.start()
    try Scenario.approved(run, recorder)
    let measuring = Scenario.advance(run, limit: run.time + 120) { run.assembly.isolation.phase == .measuring }
    try #require(measuring)
    let closed = run.assembly.isolation.closedByProcedure.sorted().map { run.station.hatches[$0].id }
    try #require(closed.count >= 2, "closed: \(closed)")
    let stuck = closed[0]
    _ = run.simulation.apply(.hatchJam(stuck))
    Scenario.send(run, .isolationAbort)
    let ordered = run.time
    var joined = true
    let ended = Scenario.advance(
      run, limit: run.time + 120, each: { joined = joined && Scenario.crewJoined(run) },
      until: { run.assembly.isolation.phase == .idle })
    run.finish()
    #expect(ended, "phase \(run.assembly.isolation.phase)")
    // Within the hatch's move timeout (1.5 x 12 s travel + 2 s) and the 2 s margin.
    #expect(run.time - ordered <= 23, "ended \(run.time - ordered) s after the abort")
    #expect(joined)
    let failed = recorder.records(.isolationStep).filter {
      $0.event.value == Double(IsolationStep.reopenFailed.rawValue)
    }
    #expect(failed.map(\.subject.hatch) == [stuck])
    #expect(failed.first?.event.severity == .warning)
    #expect(recorder.records(.hatchFault).contains { $0.subject.hatch == stuck })
    #expect(Scenario.steps(recorder).contains(.abortedByCrew))
    #expect(!Scenario.steps(recorder).contains(.finished))
    #expect(run.assembly.isolation.closedByProcedure.isEmpty)
    #expect(run.simulation.hatch(stuck)?.endStop == .closed)
    for hatch in closed.dropFirst() { #expect(run.simulation.hatch(hatch)?.endStop == .open, "\(hatch)") }
  }
}
