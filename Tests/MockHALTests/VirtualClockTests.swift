import HAL
import MockHAL
import Testing

@Suite struct VirtualClockTests {
  @Test func sleepJumpsToTheDeadlineAndRecordsTheDelay() {
    let clock = VirtualClock(start: MonotonicInstant(nanoseconds: 1_000))
    clock.sleep(for: .milliseconds(40))
    #expect(clock.now() == MonotonicInstant(nanoseconds: 40_001_000))
    #expect(clock.sleeps.count == 1)
    #expect(clock.sleeps.first?.deadline == MonotonicInstant(nanoseconds: 40_001_000))
    #expect(clock.sleeps.first?.delay == .milliseconds(40))
    #expect(clock.totalSlept == .milliseconds(40))
  }

  @Test func anHourLongSleepReturnsWithTimeMovedAnHour() {
    let clock = VirtualClock()
    clock.sleep(for: .seconds(3600))
    #expect(clock.now() == MonotonicInstant(nanoseconds: 3_600_000_000_000))
    #expect(clock.totalSlept == .seconds(3600))
  }

  @Test func timeNeverGoesBackwards() {
    let clock = VirtualClock(start: MonotonicInstant(nanoseconds: 5_000))
    clock.sleep(until: MonotonicInstant(nanoseconds: 1_000))
    clock.advance(by: .microseconds(-3))
    clock.advance(to: .zero)
    #expect(clock.now() == MonotonicInstant(nanoseconds: 5_000))
    // A past deadline is recorded with its negative delay but counts as no sleep.
    #expect(clock.sleeps.first?.delay == .microseconds(-4))
    #expect(clock.totalSlept == .zero)
  }

  @Test func advanceMovesTimeAndSaturatesAtTheEnd() {
    let clock = VirtualClock()
    clock.advance(by: .seconds(2))
    clock.advance(to: MonotonicInstant(nanoseconds: 3_000_000_000))
    #expect(clock.now() == MonotonicInstant(nanoseconds: 3_000_000_000))
    clock.advance(by: .seconds(Int64.max))
    #expect(clock.now().nanoseconds == .max)
    #expect(clock.sleeps.isEmpty)
  }

  @Test func onAdvanceSeesEveryChangeOfTimeAndNoOther() {
    let clock = VirtualClock()
    var seen: [Int64] = []
    clock.onAdvance = { seen.append($0.nanoseconds) }
    clock.sleep(until: MonotonicInstant(nanoseconds: 10))
    clock.sleep(until: MonotonicInstant(nanoseconds: 5))  // past: no change
    clock.advance(by: .nanoseconds(7))
    clock.advance(by: .zero)  // no change
    clock.advance(to: MonotonicInstant(nanoseconds: 30))
    #expect(seen == [10, 17, 30])
  }

  @Test func historyIsBoundedButTotalsCountEverySleep() {
    let clock = VirtualClock()
    clock.sleepHistoryLimit = 3
    for _ in 0..<10 { clock.sleep(for: .milliseconds(1)) }
    #expect(clock.sleeps.map(\.deadline.nanoseconds) == [8_000_000, 9_000_000, 10_000_000])
    #expect(clock.sleepCount == 10)
    #expect(clock.totalSlept == .milliseconds(10))
  }

  @Test func zeroOrNegativeHistoryLimitKeepsNothingAndDoesNotTrap() {
    let clock = VirtualClock()
    clock.sleepHistoryLimit = 0
    clock.sleep(for: .seconds(1))
    clock.sleepHistoryLimit = -5
    clock.sleep(for: .seconds(1))
    #expect(clock.sleeps.isEmpty)
    #expect(clock.sleepCount == 2)
    #expect(clock.now() == MonotonicInstant(nanoseconds: 2_000_000_000))
  }

  @Test func sleepsAreCheckedAgainstAnAttachedScript() {
    let script = TransactionScript([.sleep(until: MonotonicInstant(nanoseconds: 500))])
    let clock = VirtualClock()
    clock.script = script
    clock.sleep(for: .nanoseconds(500))
    #expect(throws: Never.self) { try script.verify() }
    clock.sleep(for: .nanoseconds(1))
    #expect(script.failures == ["clock: unexpected sleep until t=5.01e-07s (script exhausted)"])
  }
}
