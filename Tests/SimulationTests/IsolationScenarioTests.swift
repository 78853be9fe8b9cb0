import Boards
import Composition
import Controller
import Foundation
import Scheduler
import Simulation
import Station
import Testing

/// The guided leak isolation end to end (issue 10): the station simulation, the
/// controller's leak watch and isolation procedure, hatch moves through the arbiter, on
/// the virtual clock. Every hatch open, the crew in the hab, the lab and node2, a leak in
/// logistics of 1 % of the whole station's air per hour.
@Suite(.serialized) struct IsolationScenarioTests {
  static let logistics = ModuleID(unchecked: "logistics")

  static func start(seed: UInt64 = 3) throws -> (ScenarioRun, EventRecorder) {
    var scenario = ScenarioDescription(name: "isolation", file: "<test>")
    scenario.timeline = [.init(atS: 20, action: .leak(logistics, .percentPerHour(7.2)))]
    let recorder = EventRecorder()
    let run = try ScenarioRun(
      scenario: scenario, station: try ScenarioRunTests.station(), board: try ScenarioRunTests.board(), seed: seed,
      consumers: [recorder])
    return (run, recorder)
  }

  /// Advances in 1 s steps until `done` or `limit` seconds; `each` runs after every step.
  @discardableResult
  static func advance(
    _ run: ScenarioRun, limit: Double, each: () -> Void = {}, until done: () -> Bool
  ) -> Bool {
    while run.time < limit {
      run.advance(to: run.time + 1)
      each()
      if done() { return true }
    }
    return false
  }

  static func steps(_ recorder: EventRecorder) -> [IsolationStep] {
    recorder.records(.isolationStep).compactMap { IsolationStep(rawValue: UInt8($0.event.value)) }
  }

  static func send(_ run: ScenarioRun, _ command: Command, by principal: Principal = .crewConsole) {
    _ = run.assembly.submit(CommandRequest(id: 9_000 + UInt64(run.time), principal: principal, command: command))
  }

  /// Proposed, then approved by the crew.
  static func approved(_ run: ScenarioRun, _ recorder: EventRecorder) throws {
    let proposed = advance(run, limit: 1_200) { !recorder.records(.isolationProposed).isEmpty }
    try #require(proposed, "no isolation_proposed; events: \(run.eventCounts)")
    #expect(run.assembly.isolation.phase == .proposed)
    // Nothing moves before the crew approves.
    advance(run, limit: run.time + 30) { false }
    #expect(recorder.records(.commandAccepted).filter { $0.event.command == .hatchClose }.isEmpty)
    send(run, .isolationApprove)
  }

  /// Every crew module joined to the dock through hatches not at their closed stop.
  static func crewJoined(_ run: ScenarioRun) -> Bool {
    let station = run.station
    let passable = station.hatches.map { run.simulation.hatch($0.id)?.endStop != .closed }
    let crew = run.assembly.crewLocation
    return IsolationPlan(station: station).crewJoinedToReturnVehicle(open: passable, crew: crew.indices(crew.bits))
  }

  /// The largest pressure difference across a closed hatch, Pa.
  static func largestDifference(_ run: ScenarioRun) -> Double {
    run.station.hatches.filter { run.simulation.hatch($0.id)?.endStop == .closed }.map { hatch in
      abs((run.simulation.pressure(of: hatch.between[0]) ?? 0) - (run.simulation.pressure(of: hatch.between[1]) ?? 0))
    }.max() ?? 0
  }

  @Test("after the crew's approval the binary search names logistics, keeps every interlock and reopens all")
  func locatesTheLeakingModule() throws {
    let (run, recorder) = try Self.start()
    try Self.approved(run, recorder)
    var joined = true
    var difference = 0.0
    let located = Self.advance(
      run, limit: run.time + 3_600,
      each: {
        joined = joined && Self.crewJoined(run)
        difference = max(difference, Self.largestDifference(run))
      }, until: { run.assembly.isolation.phase == .idle && !recorder.records(.leakLocated).isEmpty })
    run.finish()
    #expect(located, "steps: \(Self.steps(recorder))")
    #expect(recorder.records(.leakLocated).map(\.subject.module) == [Self.logistics])
    #expect(recorder.records(.leakLocated).first?.event.value == 1)
    #expect(Self.steps(recorder).last == .finished)
    #expect(!Self.steps(recorder).contains { $0.isAbort })
    #expect(joined, "the crew were cut off from the return vehicle")
    // Half the time to 1 mmHg: the difference across a closed hatch stays under 1 mmHg.
    #expect(difference < 133.3, "largest difference across a closed hatch: \(difference) Pa")
    for hatch in run.station.hatches { #expect(run.simulation.hatch(hatch.id)?.endStop == .open, "\(hatch.id)") }
    let moves = recorder.records(.commandAccepted).filter { $0.event.command == .hatchClose }
    #expect(!moves.isEmpty && moves.allSatisfy { $0.event.principal == .autonomy })
    #expect(recorder.records(.commandRejected).filter { $0.event.principal == .autonomy }.isEmpty)
    // The scheduler heard of it: logistics' targets first, and no keep-out left.
    let m = try #require(run.station.modules.firstIndex { $0.id == Self.logistics })
    #expect(run.fleet.planner.leak[m] == .alarm)
    #expect(run.assembly.isolation.isolatingModules == 0)
    // The records carry the rates in every unit.
    let record = try #require(recorder.records(.leakLocated).first?.event)
    #expect(record.rate > 1 && record.rateKgPerDay > 1 && record.rateMmHgPerDay > 1)
  }

  @Test("the crew's isolation_abort reopens what the isolation closed, and nothing is located")
  func crewAbortReopens() throws {
    let (run, recorder) = try Self.start()
    try Self.approved(run, recorder)
    let measuring = Self.advance(run, limit: run.time + 120) { run.assembly.isolation.phase == .measuring }
    try #require(measuring, "steps: \(Self.steps(recorder))")
    #expect(run.assembly.isolation.isolatingModules != 0)
    Self.send(run, .isolationAbort)
    let ended = Self.advance(run, limit: run.time + 60) { run.assembly.isolation.phase == .idle }
    run.finish()
    #expect(ended)
    #expect(Self.steps(recorder).contains(.abortedByCrew))
    #expect(recorder.records(.leakLocated).isEmpty)
    for hatch in run.station.hatches { #expect(run.simulation.hatch(hatch.id)?.endStop == .open, "\(hatch.id)") }
  }

  @Test("after an abort, the crew's isolation_approve while the alarm stands starts it again and it locates")
  func crewStartsAgainAfterAnAbort() throws {
    let (run, recorder) = try Self.start()
    try Self.approved(run, recorder)
    let measuring = Self.advance(run, limit: run.time + 120) { run.assembly.isolation.phase == .measuring }
    try #require(measuring, "steps: \(Self.steps(recorder))")
    Self.send(run, .isolationAbort)
    let ended = Self.advance(run, limit: run.time + 60) { run.assembly.isolation.phase == .idle }
    try #require(ended)
    // Idle with the alarm standing: nothing starts by itself.
    Self.advance(run, limit: run.time + 60) { false }
    #expect(run.assembly.isolation.phase == .idle)
    #expect(Self.steps(recorder).filter { $0 == .approved }.count == 1)
    Self.send(run, .isolationApprove)
    let located = Self.advance(run, limit: run.time + 3_600) {
      run.assembly.isolation.phase == .idle && !recorder.records(.leakLocated).isEmpty
    }
    run.finish()
    #expect(located, "steps: \(Self.steps(recorder))")
    #expect(Self.steps(recorder).filter { $0 == .approved }.count == 2)
    #expect(recorder.records(.leakLocated).map(\.subject.module) == [Self.logistics])
    for hatch in run.station.hatches { #expect(run.simulation.hatch(hatch.id)?.endStop == .open, "\(hatch.id)") }
  }

  @Test("isolation_approve and isolation_abort with nothing to act on are refused (execution), not answered ok")
  func approveWithoutAlarmIsRefused() throws {
    var scenario = ScenarioDescription(name: "quiet", file: "<test>")
    scenario.timeline = []
    let recorder = EventRecorder()
    let run = try ScenarioRun(
      scenario: scenario, station: try ScenarioRunTests.station(), board: try ScenarioRunTests.board(), seed: 3,
      consumers: [recorder])
    Self.advance(run, limit: 30) { false }
    Self.send(run, .isolationApprove)
    Self.advance(run, limit: 45) { false }
    Self.send(run, .isolationAbort)
    Self.advance(run, limit: 60) { false }
    run.finish()
    let refused = recorder.records(.commandRejected).filter {
      $0.event.command == .isolationApprove || $0.event.command == .isolationAbort
    }
    #expect(refused.map(\.event.command) == [.isolationApprove, .isolationAbort])
    #expect(refused.allSatisfy { $0.event.rejection == .execution })
    #expect(Self.steps(recorder).isEmpty)
    #expect(run.assembly.isolation.phase == .idle)
    #expect(recorder.records(.commandAccepted).filter { $0.event.command == .hatchClose }.isEmpty)
  }

  @Test("a jammed hatch aborts the split: the other hatch reopens, the crew keep their way home")
  func jammedHatchAborts() throws {
    let (run, recorder) = try Self.start()
    let proposed = Self.advance(run, limit: 1_200) { !recorder.records(.isolationProposed).isEmpty }
    try #require(proposed)
    let jammed = try #require(recorder.records(.isolationProposed).first?.subject.hatch)
    _ = run.simulation.apply(.hatchJam(jammed))
    Self.send(run, .isolationApprove)
    var joined = true
    let ended = Self.advance(
      run, limit: run.time + 120, each: { joined = joined && Self.crewJoined(run) },
      until: { run.assembly.isolation.phase == .idle })
    run.finish()
    #expect(ended)
    #expect(joined)
    #expect(Self.steps(recorder).contains(.abortedHatchFault), "steps: \(Self.steps(recorder))")
    #expect(recorder.records(.hatchFault).contains { $0.subject.hatch == jammed })
    for hatch in run.station.hatches where hatch.id != jammed {
      #expect(run.simulation.hatch(hatch.id)?.endStop == .open, "\(hatch.id)")
    }
  }

  @Test("the crew override switch thrown during the isolation aborts it and reopens")
  func overrideSwitchAborts() throws {
    let (run, recorder) = try Self.start()
    try Self.approved(run, recorder)
    let measuring = Self.advance(run, limit: run.time + 120) { run.assembly.isolation.phase == .measuring }
    try #require(measuring)
    _ = run.simulation.apply(.crewOverride(active: true))
    var joined = true
    let ended = Self.advance(
      run, limit: run.time + 60, each: { joined = joined && Self.crewJoined(run) },
      until: { run.assembly.isolation.phase == .idle })
    run.finish()
    #expect(ended)
    #expect(joined)
    #expect(Self.steps(recorder).contains(.abortedCrewOverride), "steps: \(Self.steps(recorder))")
    #expect(recorder.records(.leakLocated).isEmpty)
    for hatch in run.station.hatches { #expect(run.simulation.hatch(hatch.id)?.endStop == .open, "\(hatch.id)") }
  }

  @Test("the crew moving during the isolation aborts it and reopens")
  func crewMoveAborts() throws {
    let (run, recorder) = try Self.start()
    try Self.approved(run, recorder)
    let measuring = Self.advance(run, limit: run.time + 120) { run.assembly.isolation.phase == .measuring }
    try #require(measuring)
    run.assembly.crewLocation.set([ModuleID(unchecked: "hab"), ModuleID(unchecked: "node1")])
    let ended = Self.advance(run, limit: run.time + 60) { run.assembly.isolation.phase == .idle }
    run.finish()
    #expect(ended)
    #expect(Self.steps(recorder).contains(.abortedCrewMoved))
    for hatch in run.station.hatches { #expect(run.simulation.hatch(hatch.id)?.endStop == .open, "\(hatch.id)") }
  }

  @Test("safe mode stops the isolation where it is; the crew open the hatches themselves")
  func safeModeStops() throws {
    let (run, recorder) = try Self.start()
    try Self.approved(run, recorder)
    let measuring = Self.advance(run, limit: run.time + 120) { run.assembly.isolation.phase == .measuring }
    try #require(measuring)
    Self.send(run, .enterSafeMode)
    Self.advance(run, limit: run.time + 5) { false }
    #expect(run.assembly.isolation.phase == .idle)
    #expect(Self.steps(recorder).last == .abortedSafeMode)
    #expect(Self.crewJoined(run))
    let closed = run.station.hatches.filter { run.simulation.hatch($0.id)?.endStop == .closed }
    #expect(!closed.isEmpty)
    for hatch in closed { Self.send(run, .hatchOpen(hatch.id)) }
    Self.advance(run, limit: run.time + 30) { false }
    run.finish()
    for hatch in run.station.hatches { #expect(run.simulation.hatch(hatch.id)?.endStop == .open, "\(hatch.id)") }
  }
}
