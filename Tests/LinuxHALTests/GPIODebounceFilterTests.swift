import HAL
import LinuxHAL
import Testing

/// The libgpiod 1.6 debounce emulation must behave as the kernel's debouncer does on 2.x.
@Suite("Emulated GPIO debounce")
struct GPIODebounceFilterTests {
  let ms: Int64 = 1_000_000

  @Test func bounceIsCollapsedIntoOneEventAtSettleTime() {
    var filter = GPIODebounceFilter(period: .milliseconds(5), edges: .both, initialLevel: false)
    filter.record(rising: true, at: 100 * ms)
    filter.record(rising: false, at: 101 * ms)
    filter.record(rising: true, at: 102 * ms)
    #expect(filter.settle(now: 106 * ms) == nil)  // last edge + 5 ms is 107 ms
    #expect(filter.nextDue == 107 * ms)
    let event = filter.settle(now: 107 * ms)
    #expect(event == GPIOEdgeEvent(kind: .rising, timestamp: MonotonicInstant(nanoseconds: 107 * ms), sequence: 1))
    #expect(filter.level)
    #expect(filter.nextDue == nil)
  }

  @Test func glitchShorterThanThePeriodIsIgnored() {
    var filter = GPIODebounceFilter(period: .milliseconds(5), edges: .both, initialLevel: false)
    filter.record(rising: true, at: 10 * ms)
    filter.record(rising: false, at: 12 * ms)
    #expect(filter.settle(now: 20 * ms) == nil)
    #expect(!filter.level)
    #expect(filter.sequence == 0)
  }

  @Test func unrequestedDirectionUpdatesLevelWithoutEvent() {
    var filter = GPIODebounceFilter(period: .milliseconds(1), edges: .falling, initialLevel: false)
    filter.record(rising: true, at: 0)
    #expect(filter.settle(now: 2 * ms) == nil)
    #expect(filter.level)
    filter.record(rising: false, at: 5 * ms)
    let event = filter.settle(now: 6 * ms)
    #expect(event?.kind == .falling)
    #expect(event?.sequence == 1)
  }

  @Test func sequenceCountsEmittedEventsOnly() {
    var filter = GPIODebounceFilter(period: .microseconds(100), edges: .both, initialLevel: true)
    var kinds: [GPIOEdgeEvent.Kind] = []
    var sequences: [UInt64] = []
    for (index, rising) in [false, true, false].enumerated() {
      let t = Int64(index) * ms
      filter.record(rising: rising, at: t)
      if let event = filter.settle(now: t + ms / 2) {
        kinds.append(event.kind)
        sequences.append(event.sequence)
      }
    }
    #expect(kinds == [.falling, .rising, .falling])
    #expect(sequences == [1, 2, 3])
  }

  @Test func hugeTimestampSaturatesInsteadOfTrapping() {
    var filter = GPIODebounceFilter(period: .seconds(1), edges: .both, initialLevel: false)
    filter.record(rising: true, at: Int64.max - 5)
    #expect(filter.nextDue == Int64.max)
    #expect(filter.settle(now: Int64.max)?.kind == .rising)
  }
}
