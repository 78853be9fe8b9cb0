import Controller
import HAL
import MockHAL
import Testing

@Suite("Cycle slips on the virtual clock")
struct SlipTests {
  @Test("a late base wake-up counts one slip and skips whole missed periods without catch-up ticks")
  func baseSlipSkipsPeriods() throws {
    let clock = VirtualClock()
    let log = RunLog()
    let config = testConfiguration(
      groups: [
        RateGroupConfiguration(name: "base", divisor: 1, inline: true),
        RateGroupConfiguration(name: "sensors", divisor: 2, offset: 0),
      ], healthEveryTicks: 1000)
    let recorder = EventRecorder()
    let executive = try Executive(configuration: config, clock: clock, consumer: recorder)
    let hog = LoggingMember("hog", log: log)
    hog.clock = clock
    try executive.add(hog, to: "base")
    try executive.add(LoggingMember("sensor", log: log), to: "sensors")
    executive.run(until: .ms(2))
    hog.burn = .microseconds(3_500)  // tick 3 takes 3.5 periods
    executive.run(until: .ms(3))
    hog.burn = .zero
    executive.run(until: .ms(12))
    let hogTicks = log.entries.filter { $0.member == "hog" }.map(\.tick)
    // Tick 3 ends at 6.5 ms, 2.5 ms after tick 4's deadline: ticks 4 and 5 are
    // skipped and tick 6 (deadline passed 0.5 ms ago) runs once, then the grid goes on.
    #expect(hogTicks == [0, 1, 2, 3, 6, 7, 8, 9, 10, 11, 12])
    let report = executive.report()
    #expect(report.baseSlips == 1)
    #expect(report.groups[1].slips == 1)  // the sensors' release on tick 4 was lost
    executive.events.flush()
    #expect(recorder.events(.baseSlip).map(\.value) == [2])
  }

  @Test("a slow group's overrun slips it alone; the fast group keeps every cycle")
  func slowGroupSlipsAlone() throws {
    let clock = VirtualClock()
    let log = RunLog()
    let executive = try Executive(configuration: testConfiguration(), clock: clock, consumer: EventRecorder())
    for group in ["sensors", "actuators", "leak", "planner"] {
      try executive.add(LoggingMember(group, log: log), to: group)
    }
    // Every leak-estimation cycle takes 250 ms against a 100 ms period.
    executive.virtualCost = { group, _ in group == "leak" ? .milliseconds(250) : .zero }
    executive.run(until: .ms(1_000))
    let report = executive.report()
    let byName = Dictionary(uniqueKeysWithValues: report.groups.map { ($0.name, $0) })
    #expect(byName["sensors"]?.slips == 0)
    #expect(byName["sensors"]?.cycles == 101)
    #expect(byName["actuators"]?.slips == 0)
    #expect(byName["planner"]?.slips == 0)
    // Released at 2, 302, 602, 902 ms; 102, 202, 402, ... are slips: 6 of them.
    #expect(byName["leak"]?.cycles == 4)
    #expect(byName["leak"]?.slips == 6)
    #expect(report.baseSlips == 0)
    #expect((byName["leak"]?.execMaxUs ?? 0) >= 250_000)
  }

  @Test("slip warnings are throttled to one per interval, carrying the suppressed count")
  func slipWarningsThrottled() throws {
    let clock = VirtualClock()
    let recorder = EventRecorder()
    let config = testConfiguration(groups: [RateGroupConfiguration(name: "sensors", divisor: 10)])
    let executive = try Executive(configuration: config, clock: clock, consumer: recorder)
    try executive.add(LoggingMember("s", log: RunLog()), to: "sensors")
    executive.virtualCost = { _, _ in .milliseconds(15) }
    executive.run(until: .ms(2_500))
    executive.events.flush()
    let warnings = recorder.events(.groupSlip)
    #expect(executive.report().groups[0].slips == 125)
    #expect(warnings.count == 3)
    #expect(warnings.map(\.severity) == [.warning, .warning, .warning])
    #expect(warnings.dropFirst().allSatisfy { $0.value > 0 })
  }
}
