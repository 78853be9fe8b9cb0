import HAL
import Testing

@Suite struct MonotonicInstantTests {
  @Test func advancingAndDifferencing() {
    let start = MonotonicInstant(nanoseconds: 1_000)
    let later = start.advanced(by: .microseconds(5))
    #expect(later.nanoseconds == 6_000)
    #expect(later - start == .microseconds(5))
    #expect(start.duration(to: later) == .microseconds(5))
    #expect(later.duration(to: start) == .microseconds(-5))
  }

  @Test func arithmeticSaturatesInsteadOfTrapping() {
    let nearEnd = MonotonicInstant(nanoseconds: .max - 10)
    #expect(nearEnd.advanced(by: .seconds(1)).nanoseconds == .max)
    let nearStart = MonotonicInstant(nanoseconds: .min + 10)
    #expect(nearStart.advanced(by: .seconds(-1)).nanoseconds == .min)
    #expect(
      MonotonicInstant(nanoseconds: .min).duration(to: MonotonicInstant(nanoseconds: .max)) == .nanoseconds(Int64.max))
  }

  @Test func durationConversions() {
    #expect(Duration.milliseconds(1500).nanosecondsSaturated == 1_500_000_000)
    #expect(Duration.seconds(Int64.max).nanosecondsSaturated == .max)
    #expect(Duration.microseconds(1500).microsecondsDouble == 1500)
    #expect(Duration.milliseconds(250).secondsDouble == 0.25)
  }

  @Test func frequencyPeriod() {
    #expect(Frequency(hertz: 50).period == .milliseconds(20))
    #expect(Frequency(hertz: 0).period == nil)
    #expect(Frequency(hertz: .nan).period == nil)
  }
}
