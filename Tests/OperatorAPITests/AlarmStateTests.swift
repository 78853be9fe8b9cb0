import Boards
import Composition
import Controller
import Foundation
import HAL
import Station
import Testing

@testable import OperatorAPI

/// Each module's alarm as the leak watch keeps it, through the state frame to the API:
/// the crew's `alarm_acknowledge` (decision 1407).
@Suite(.serialized) struct AlarmStateTests {
  static let hab = ModuleID(unchecked: "hab")

  /// A 2 %/h loss in the hab behind its closed hatches from 150 s.
  static func leakingHab() throws -> Harness {
    try Harness(
      timeline: [.init(atS: 150, action: .leak(hab, .percentPerHour(2)))],
      closedHatches: [HatchID(unchecked: "node2-hab"), HatchID(unchecked: "node3-hab")])
  }

  /// Submits `command` from `principal`, steps 1 s, returns the arbiter's answer.
  static func answer(_ harness: Harness, _ command: Command, by principal: Principal, id: UInt64) -> CommandResponse? {
    let run = harness.run
    let answers = Answers()
    let router = harness.router
    run.claimResponse = { response in
      answers.note(response)
      return router.offer(response)
    }
    if let busy = run.assembly.submit(CommandRequest(id: id, principal: principal, command: command)) { return busy }
    harness.advance(to: run.time + 1)
    return answers.response(id)
  }

  static func records(_ harness: Harness, _ name: String) -> [String] {
    harness.run.assembly.executive.events.flush()
    return harness.journal.page(limit: 256).records.map(\.1).filter { $0.contains("\"event\":\"\(name)\"") }
  }

  @Test("only a module with an alarm can be acknowledged; the crew's acknowledgement marks it, the alarm stays")
  func crewAcknowledgesAnAlarm() throws {
    let harness = try Self.leakingHab()
    harness.advance(to: 60)
    // No alarm yet: nothing to acknowledge.
    #expect(Self.answer(harness, .alarmAcknowledge(Self.hab), by: .crewConsole, id: 1)?.rejection == .execution)
    #expect(
      Self.answer(harness, .alarmAcknowledge(ModuleID(unchecked: "nowhere")), by: .crewConsole, id: 2)?.rejection
        == .validation)
    harness.advance(to: 900)
    harness.api.publishState()
    var module = try #require(harness.api.currentState().view?.modules.first { $0.id == "hab" })
    #expect(module.alarm == "alarm" || module.alarm == "rapid_depress")
    #expect(module.acknowledgedBy == nil && module.acknowledgedUtc == nil)
    // Only the crew acknowledge.
    for (n, principal) in [Principal.ground, .autonomy, .localOperator].enumerated() {
      #expect(
        Self.answer(harness, .alarmAcknowledge(Self.hab), by: principal, id: 10 + UInt64(n))?.rejection == .authority)
    }
    #expect(Self.records(harness, "alarm_acknowledged").isEmpty)
    #expect(Self.answer(harness, .alarmAcknowledge(Self.hab), by: .crewPanel, id: 20)?.result == .ok)
    let acknowledged = Self.records(harness, "alarm_acknowledged")
    #expect(acknowledged.count == 1)
    let record = try #require(acknowledged.first)
    #expect(record.contains("\"module\":\"hab\"") && record.contains("\"principal\":\"crew_panel\""))
    #expect(record.contains("\"request_id\":20") && record.contains("\"command\":\"alarm_acknowledge\""))
    #expect(record.contains("\"alarm\":\"alarm\"") || record.contains("\"alarm\":\"rapid_depress\""))
    // A second acknowledgement is answered ok and changes nothing.
    #expect(Self.answer(harness, .alarmAcknowledge(Self.hab), by: .crewConsole, id: 21)?.result == .ok)
    #expect(Self.records(harness, "alarm_acknowledged").count == 1)
    harness.advance(to: harness.run.time + 2)
    harness.api.publishState()
    module = try #require(harness.api.currentState().view?.modules.first { $0.id == "hab" })
    #expect(module.alarm == "alarm" || module.alarm == "rapid_depress")
    #expect(module.acknowledgedBy == "crew_panel")
    let utc = try #require(module.acknowledgedUtc)
    #expect(record.contains("\"utc\":\"\(utc)\""))
    #expect(harness.api.currentState().view?.modules.first { $0.id == "lab" }?.acknowledgedBy == nil)
  }

  @Test("low_pressure ends when the module is back above the floor: an event, the state, the acknowledgement")
  func lowPressureEnds() throws {
    // The hab behind its closed hatches loses 40 %/h from 150 s (below the 96.5 kPa floor
    // within about 10 minutes); the hole is sealed at 900 s and the crew open both hatches
    // at 960 s: the station's air brings the hab back above the floor plus 500 Pa.
    let open = { (hatch: String) in
      ScenarioDescription.TimedAction(
        atS: 960, action: .command(principal: "crew_console", name: "hatch_open", arguments: ["hatch": hatch]))
    }
    let harness = try Harness(
      timeline: [
        .init(atS: 150, action: .leak(Self.hab, .percentPerHour(40))), .init(atS: 900, action: .sealLeak(Self.hab)),
        open("node2-hab"), open("node3-hab"),
      ],
      closedHatches: [HatchID(unchecked: "node2-hab"), HatchID(unchecked: "node3-hab")])
    harness.advance(to: 890)
    harness.api.publishState()
    var module = try #require(harness.api.currentState().view?.modules.first { $0.id == "hab" })
    #expect(module.lowPressure)
    #expect(Self.records(harness, "low_pressure").count == 1)
    #expect(Self.answer(harness, .alarmAcknowledge(Self.hab), by: .crewConsole, id: 1)?.result == .ok)
    harness.advance(to: 1_500)
    let cleared = Self.records(harness, "low_pressure_cleared")
    #expect(cleared.count == 1)
    #expect(cleared.first?.contains("\"module\":\"hab\"") == true, "\(cleared)")
    #expect(Self.records(harness, "low_pressure").count == 1, "no second low_pressure")
    harness.api.publishState()
    module = try #require(harness.api.currentState().view?.modules.first { $0.id == "hab" })
    #expect(!module.lowPressure)
    #expect((module.pressurePa ?? 0) > 97_000)
  }

  @Test("the crew acknowledge whoever holds control, in safe mode too; nobody else ever")
  func acknowledgementAuthority() throws {
    let station = StationDescription(
      name: "t", file: "<test>", modules: [], hatches: [],
      crew: .init(modules: [], overrideRole: BoardRole(unchecked: "crew.override_switch")), batches: [:],
      targets: [], drones: [])
    let rules = AuthorityRules(station: station, events: nil)
    let now = MonotonicInstant(nanoseconds: 1_000_000_000)
    let acknowledge = Command.alarmAcknowledge(Self.hab)
    func deny(_ principal: Principal, safe: Bool = false) -> Bool {
      rules.deny(CommandRequest(id: 1, principal: principal, command: acknowledge), safeMode: safe, now: now) != nil
    }
    #expect(!deny(.crewConsole) && !deny(.crewPanel))
    rules.accepted(CommandRequest(id: 2, principal: .ground, command: .leaseTake(seconds: 600)), now: now)
    #expect(rules.holder == .ground)
    #expect(!deny(.crewConsole, safe: true) && !deny(.crewPanel))
    for principal in [Principal.ground, .autonomy, .localOperator] {
      #expect(deny(principal))
    }
    #expect(try Command.parse(name: "alarm_acknowledge", arguments: ["module": "hab"]) == acknowledge)
    #expect(try Command.parse(name: acknowledge.kind.description, arguments: acknowledge.arguments) == acknowledge)
    #expect(throws: CommandParseError.self) { try Command.parse(name: "alarm_acknowledge", arguments: [:]) }
  }
}

/// The responses a run drained (its claim hook's record).
final class Answers: @unchecked Sendable {
  private let lock = NSLock()
  private var responses: [UInt64: CommandResponse] = [:]
  func note(_ response: CommandResponse) { lock.withLock { responses[response.requestID] = response } }
  func response(_ id: UInt64) -> CommandResponse? { lock.withLock { responses[id] } }
}
