import Controller
import HAL
import MockHAL
import Testing

@Suite("Rate group scheduling on the virtual clock")
struct RateGroupSchedulingTests {
  @Test("members run in configured order, groups in configured order on a shared tick")
  func memberOrder() throws {
    let clock = VirtualClock()
    let log = RunLog()
    let config = testConfiguration(groups: [
      RateGroupConfiguration(name: "fast", divisor: 2, offset: 0),
      RateGroupConfiguration(name: "slow", divisor: 4, offset: 0),
    ])
    let executive = try Executive(configuration: config, clock: clock, consumer: EventRecorder())
    for name in ["f1", "f2", "f3"] { try executive.add(LoggingMember(name, log: log), to: "fast") }
    for name in ["s1", "s2"] { try executive.add(LoggingMember(name, log: log), to: "slow") }
    executive.run(until: .ms(4))
    let names = log.entries.map(\.member)
    #expect(names == ["f1", "f2", "f3", "s1", "s2", "f1", "f2", "f3", "f1", "f2", "f3", "s1", "s2"])
    #expect(executive.memberNames(of: "fast") == ["f1", "f2", "f3"])
  }

  @Test("each group runs on base ticks offset, offset + divisor, ...")
  func divisorsAndOffsets() throws {
    let clock = VirtualClock()
    let log = RunLog()
    let executive = try Executive(configuration: testConfiguration(), clock: clock, consumer: EventRecorder())
    for group in ["sensors", "actuators", "leak", "planner"] {
      try executive.add(LoggingMember(group, log: log), to: group)
    }
    executive.run(until: .ms(2_100))
    func ticks(_ name: String) -> [UInt64] { log.entries.filter { $0.member == name }.map(\.tick) }
    #expect(ticks("sensors") == Array(stride(from: 0, through: 2_100, by: 10)))
    #expect(ticks("actuators") == Array(stride(from: 1, through: 2_100, by: 20)))
    #expect(ticks("leak") == Array(stride(from: 2, through: 2_100, by: 100)))
    #expect(ticks("planner") == [3, 1_003, 2_003])
  }

  @Test("virtual mode sleeps only to ticks on which something is due")
  func skipsIdleTicks() throws {
    let clock = VirtualClock()
    let log = RunLog()
    let config = testConfiguration(
      groups: [RateGroupConfiguration(name: "sensors", divisor: 10, offset: 5)], healthEveryTicks: 50)
    let executive = try Executive(configuration: config, clock: clock, consumer: EventRecorder())
    try executive.add(LoggingMember("s", log: log), to: "sensors")
    executive.run(until: .ms(100))
    let deadlines = clock.sleeps.map { $0.deadline.nanoseconds / 1_000_000 }
    #expect(deadlines == [0, 5, 15, 25, 35, 45, 50, 55, 65, 75, 85, 95, 100])
    #expect(executive.report().ticks == 13)
  }

  @Test("the tick context carries the group period, cycle count and release deadline")
  func tickContext() throws {
    let clock = VirtualClock()
    let log = RunLog()
    let executive = try Executive(configuration: testConfiguration(), clock: clock, consumer: EventRecorder())
    let member = LoggingMember("a", log: log)
    try executive.add(member, to: "actuators")
    executive.run(until: .ms(45))
    let tick = try #require(member.lastTick)
    #expect(tick.period == .milliseconds(20))
    #expect(tick.cycle == 2)
    #expect(tick.deadline == .ms(41))
    #expect(tick.baseTick == 41)
  }

  @Test("configuration errors name the group and field")
  func configurationValidation() throws {
    let bad = testConfiguration(groups: [RateGroupConfiguration(name: "sensors", divisor: 10, offset: 10)])
    #expect(throws: ExecutiveConfigurationError.self) {
      try Executive(configuration: bad, clock: VirtualClock(), consumer: EventRecorder())
    }
    do {
      try bad.validate()
    } catch {
      #expect(error.field == "groups[sensors].offset")
    }
    let executive = try Executive(configuration: testConfiguration(), clock: VirtualClock(), consumer: EventRecorder())
    #expect(throws: ExecutiveConfigurationError.self) {
      try executive.add(LoggingMember("x", log: RunLog()), to: "nope")
    }
    let inline = testConfiguration(groups: [RateGroupConfiguration(name: "base", divisor: 1, inline: true)])
    let withInline = try Executive(configuration: inline, clock: VirtualClock(), consumer: EventRecorder())
    #expect(throws: ExecutiveConfigurationError.self) {
      try withInline.add(RecordingActuator("valve", clock: VirtualClock()), to: "base")
    }
  }

  @Test("the standard configuration has the controller's five groups")
  func standardConfiguration() throws {
    let config = ExecutiveConfiguration.standard()
    try config.validate()
    #expect(config.groups.map(\.name) == ["base", "sensors", "actuators", "leak", "planner"])
    #expect(config.groups.map(\.divisor) == [1, 10, 20, 100, 1000])
  }
}
