import Controller
import HAL
import MockHAL
import Testing

@Suite("Health pings and the watchdog")
struct HealthAndWatchdogTests {
  private func make() throws -> (Executive, LoggingMember, CountingWatchdog, EventRecorder) {
    let config = testConfiguration(
      groups: [RateGroupConfiguration(name: "sensors", divisor: 10, pingDeadlinePeriods: 3)], healthEveryTicks: 10,
      fatalAfter: 3)
    let recorder = EventRecorder()
    let watchdog = CountingWatchdog()
    let executive = try Executive(
      configuration: config, clock: VirtualClock(), consumer: recorder, watchdog: watchdog)
    let member = LoggingMember("pressure", log: RunLog())
    try executive.add(member, to: "sensors")
    return (executive, member, watchdog, recorder)
  }

  @Test("a missed ping warns, keeps missing turns fatal and latches safe mode")
  func escalation() throws {
    let (executive, member, _, recorder) = try make()
    executive.run(until: .ms(100))
    member.healthy = false
    executive.run(until: .ms(135))
    executive.events.flush()
    #expect(recorder.events(.pingLate).isEmpty)  // last answer at 100 ms, deadline 30 ms
    executive.run(until: .ms(145))
    executive.events.flush()
    #expect(recorder.events(.pingLate).map(\.monotonic) == [.ms(140)])
    #expect(recorder.events(.pingLate).first?.severity == .warning)
    #expect(!executive.safety.isLatched)
    executive.run(until: .ms(165))
    let fatal = recorder.events(.pingFatal)
    #expect(fatal.map(\.monotonic) == [.ms(160)])
    #expect(fatal.first?.severity == .fatal)
    #expect(executive.safety.reason == .healthFatal)
    #expect(recorder.events.last { $0.event.code == .pingFatal }?.source == "pressure")
  }

  @Test("the watchdog is stroked only while every component answers")
  func watchdogOnlyWhileHealthy() throws {
    let (executive, member, watchdog, recorder) = try make()
    executive.run(until: .ms(100))
    #expect(watchdog.strokes == 11)  // health checks at 0, 10, ..., 100 ms
    member.healthy = false
    executive.run(until: .ms(200))
    #expect(watchdog.strokes == 14)  // 110, 120, 130 still within the deadline; none after
    member.healthy = true
    executive.run(until: .ms(300))
    #expect(watchdog.strokes == 24)  // answered at 210 ms again: 210 ... 300
    executive.events.flush()
    #expect(recorder.events(.pingRecovered).map(\.monotonic) == [.ms(210)])
    #expect(!recorder.events(.watchdogWithheld).isEmpty)
    // Recovery does not clear the latched safe mode.
    #expect(executive.safety.reason == .healthFatal)
  }

  @Test("the status snapshot reports health, ticks and safe mode to another reader")
  func statusSnapshot() throws {
    let (executive, member, _, _) = try make()
    executive.run(until: .ms(50))
    #expect(executive.status.read().healthy)
    member.healthy = false
    executive.run(until: .ms(200))
    let status = executive.status.read()
    #expect(!status.healthy)
    #expect(status.safeMode == .healthFatal)
    #expect(status.monotonic == .ms(200))
  }
}
