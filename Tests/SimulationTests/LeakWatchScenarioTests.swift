import Boards
import Composition
import Controller
import Foundation
import Simulation
import Station
import Testing

/// The live leak watch end to end: the station simulation's sensors through the
/// controller's samplers and its leak group (``LeakWatch``), on the virtual clock.
@Suite(.serialized) struct LeakWatchScenarioTests {
  static let hab = ModuleID(unchecked: "hab")

  /// The hab isolated behind its two hatches, the default thermal cycle, and (when
  /// `leakPctPerHour` is given) a leak in the hab from `onsetS`.
  static func scenario(leakPctPerHour: Double?, onsetS: Double) -> ScenarioDescription {
    var scenario = ScenarioDescription(name: "leak-watch", file: "<test>")
    scenario.physics.closedHatches = [HatchID(unchecked: "node2-hab"), HatchID(unchecked: "node3-hab")]
    if let leakPctPerHour {
      scenario.timeline = [.init(atS: onsetS, action: .leak(hab, .percentPerHour(leakPctPerHour)))]
    }
    return scenario
  }

  /// Runs until the first `leak_alarm` or `seconds`; returns the alarms and every event.
  static func run(_ scenario: ScenarioDescription, seconds: Double) throws -> (
    alarms: [(time: Double, module: ModuleID?, rate: Double)], recorder: EventRecorder
  ) {
    let recorder = EventRecorder()
    let run = try ScenarioRun(
      scenario: scenario, station: try ScenarioRunTests.station(), board: try ScenarioRunTests.board(),
      consumers: [recorder])
    var time = 0.0
    while time < seconds, recorder.records(.leakAlarm).isEmpty {
      time += 10
      run.advance(to: time)
    }
    run.finish()
    let alarms = recorder.records(.leakAlarm).map {
      (
        time: Double($0.event.monotonic.nanoseconds - run.origin.nanoseconds) / 1e9, module: $0.subject.module,
        rate: $0.event.rate
      )
    }
    return (alarms, recorder)
  }

  @Test("a 0.3 %/h leak in the isolated hab raises leak_alarm for the hab within 15 minutes of onset")
  func slowLeakAlarmsInTime() throws {
    let onset = 60.0
    let (alarms, recorder) = try Self.run(Self.scenario(leakPctPerHour: 0.3, onsetS: onset), seconds: onset + 900)
    let first = try #require(alarms.first, "no leak_alarm; events: \(recorder.events.map(\.event.code))")
    #expect(first.module == Self.hab)
    #expect(first.time > onset && first.time <= onset + 900, "alarm at \(first.time) s")
    #expect(first.rate > 0.1 && first.rate < 1, "rate \(first.rate) %/h")
    #expect(recorder.records(.sensorFault).isEmpty)
  }

  @Test("the same station without a leak raises no leak_alarm, rapid_depress or sensor_fault")
  func quietRunRaisesNothing() throws {
    let (alarms, recorder) = try Self.run(Self.scenario(leakPctPerHour: nil, onsetS: 0), seconds: 960)
    #expect(alarms.isEmpty)
    #expect(recorder.records(.rapidDepress).isEmpty)
    #expect(recorder.records(.sensorFault).isEmpty)
  }
}
