import HAL
import MockHAL
import Testing

@Suite struct MockWatchdogTests {
  @Test func countsStrokesWithTimestamps() throws {
    let clock = VirtualClock()
    let watchdog = MockWatchdog(clock: clock, timeout: .seconds(1))
    for _ in 0..<3 {
      clock.advance(by: .milliseconds(100))
      try watchdog.stroke()
    }
    #expect(watchdog.strokeCount == 3)
    #expect(watchdog.strokes == [at(100), at(200), at(300)])
    #expect(watchdog.longestGap == .milliseconds(100))
    #expect(!watchdog.hasExpired)
  }

  @Test func strokeLogIsBoundedButCountsAndGapsCoverEveryStroke() throws {
    let clock = VirtualClock()
    let watchdog = MockWatchdog(clock: clock, timeout: .seconds(1))
    watchdog.strokeHistoryLimit = 3
    for step in 1...10 {
      clock.advance(by: .milliseconds(step == 2 ? 700 : 100))
      try watchdog.stroke()
    }
    #expect(watchdog.strokeCount == 10)
    #expect(watchdog.strokes == [at(1400), at(1500), at(1600)])
    #expect(watchdog.longestGap == .milliseconds(700))  // the second stroke's, long dropped from the log
    #expect(!watchdog.hasExpired)
  }

  @Test func gapLongerThanTheTimeoutIsAnExpiry() throws {
    let clock = VirtualClock()
    let watchdog = MockWatchdog(name: "/dev/watchdog", clock: clock, timeout: .milliseconds(500))
    clock.advance(by: .milliseconds(400))
    try watchdog.stroke()
    clock.advance(by: .milliseconds(600))
    #expect(watchdog.hasExpired)  // still open gap
    try watchdog.stroke()
    #expect(watchdog.expiries == [at(900)])
    #expect(watchdog.hasExpired)  // once fired, it stays fired
    #expect(watchdog.longestGap == .milliseconds(600))
  }

  @Test func disarmStopsStrokesAndTheCountdown() throws {
    let clock = VirtualClock()
    let watchdog = MockWatchdog(clock: clock, timeout: .milliseconds(10))
    try watchdog.disarm()
    try watchdog.disarm()
    #expect(watchdog.isDisarmed)
    #expect(throws: WatchdogError(.closed, device: "mock-watchdog")) { try watchdog.stroke() }
    clock.advance(by: .seconds(10))
    #expect(!watchdog.hasExpired)
    #expect(watchdog.strokes.isEmpty)
  }

  @Test func injectedFaultsFailStrokesAndDisarm() throws {
    let watchdog = MockWatchdog(clock: VirtualClock())
    watchdog.injectFault(.io(errno: 5), count: 2)
    #expect(throws: WatchdogError(.io(errno: 5), device: "mock-watchdog")) { try watchdog.stroke() }
    #expect(throws: WatchdogError(.io(errno: 5), device: "mock-watchdog")) { try watchdog.disarm() }
    #expect(!watchdog.isDisarmed)
    #expect(watchdog.strokeCount == 0)
    try watchdog.stroke()
    #expect(watchdog.strokeCount == 1)
  }

  @Test func watchdogWithoutTimeoutNeverExpires() throws {
    let clock = VirtualClock()
    let watchdog = MockWatchdog(clock: clock)
    clock.advance(by: .seconds(1000))
    try watchdog.stroke()
    #expect(!watchdog.hasExpired)
    #expect(watchdog.expiries.isEmpty)
  }
}
