import Controller
import HAL
import MockHAL
import Testing

@Suite("Virtual mode: idle base ticks accounted in bulk (decision 1210)")
struct IdleTickBulkTests {
  /// The controller's standard groups with a tick counter on the inline base group and a
  /// logging member (that burns `burn` of virtual time per run) on each other group.
  private func build(skipping: Bool, burn: Duration = .zero) throws -> (
    Executive, VirtualClock, TickCounter, RunLog, EventRecorder
  ) {
    let clock = VirtualClock()
    let log = RunLog()
    let events = EventRecorder()
    let executive = try Executive(configuration: .standard(), clock: clock, consumer: events)
    executive.skipsIdleTicks = skipping
    let counter = TickCounter()
    try executive.add(counter, to: "base")
    for group in ["sensors", "actuators", "leak", "planner"] {
      let member = LoggingMember(group, log: log)
      member.clock = clock
      member.burn = group == "sensors" ? burn : .zero
      try executive.add(member, to: group)
    }
    return (executive, clock, counter, log, events)
  }

  @Test("same ticks, member runs, counter, clock, telemetry and events as tick by tick", arguments: [0, 3_000_000])
  func sameAsTickByTick(burnNanoseconds: Int64) throws {
    let (plain, plainClock, plainCounter, plainLog, plainEvents) = try build(
      skipping: false, burn: .nanoseconds(burnNanoseconds))
    let (bulk, bulkClock, bulkCounter, bulkLog, bulkEvents) = try build(
      skipping: true, burn: .nanoseconds(burnNanoseconds))
    // Ends on, between and just before ticks; across health checks and a planner cycle.
    for end: Int64 in [0, 1, 7, 10, 99, 100, 101, 1_003, 1_004, 2_500, 2_501] {
      plain.run(until: .ms(end))
      bulk.run(until: .ms(end))
      #expect(bulkClock.now() == plainClock.now(), "clock at \(end) ms")
      #expect(bulkCounter.count == plainCounter.count, "counter at \(end) ms")
      #expect(bulk.report() == plain.report(), "report at \(end) ms")
    }
    #expect(bulkLog.entries.map(\.member) == plainLog.entries.map(\.member))
    #expect(bulkLog.entries.map(\.tick) == plainLog.entries.map(\.tick))
    plain.events.flush()
    bulk.events.flush()
    // Compared as text: a NaN rate is not equal to itself.
    #expect(
      bulkEvents.events.map { "\($0.event) \($0.subject)" } == plainEvents.events.map { "\($0.event) \($0.subject)" })
    if burnNanoseconds > 0 { #expect(!plainEvents.events.isEmpty, "late ticks slip") }
    #expect(bulkClock.sleepCount < plainClock.sleepCount / 2, "idle ticks are not slept to one by one")
  }

  @Test("the base group's health answers carry the last bulk tick's time: no ping goes late")
  func healthStaysAnswered() throws {
    let (bulk, _, counter, _, events) = try build(skipping: true)
    bulk.run(until: .ms(5_000))
    bulk.events.flush()
    #expect(counter.count == 5_001)
    #expect(bulk.report().slips == 0)
    #expect(!events.events.contains { $0.event.code == .pingLate || $0.event.code == .pingFatal })
  }

  @Test("a base group with a member that is not a counting member runs tick by tick")
  func nonCountingMemberIsNotBulked() throws {
    let clock = VirtualClock()
    let log = RunLog()
    let executive = try Executive(configuration: .standard(), clock: clock, consumer: EventRecorder())
    executive.skipsIdleTicks = true
    try executive.add(TickCounter(), to: "base")
    try executive.add(LoggingMember("b", log: log), to: "base")
    executive.run(until: .ms(50))
    #expect(log.entries.map(\.tick) == Array(0...50))
    #expect(clock.sleepCount == 51)
  }
}
