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

  /// Whole nanoseconds truncated toward zero, on both sides of the 64-bit attosecond
  /// fast path (about 9.2 s) and at the saturation limits.
  @Test func nanosecondsTruncateTowardZeroAndSaturate() {
    let cases: [(Duration, Int64)] = [
      (.zero, 0), (.nanoseconds(1), 1), (.nanoseconds(-1), -1),
      (Duration(secondsComponent: 0, attosecondsComponent: 999_999_999), 0),
      (Duration(secondsComponent: 0, attosecondsComponent: -1_999_999_999), -1),
      (.milliseconds(-1500), -1_500_000_000), (.seconds(9), 9_000_000_000), (.seconds(10), 10_000_000_000),
      (Duration(secondsComponent: 5, attosecondsComponent: 999_999_999_999_999_999), 5_999_999_999),
      (Duration(secondsComponent: -5, attosecondsComponent: -999_999_999_999_999_999), -5_999_999_999),
      (.seconds(9_223_372_036), 9_223_372_036_000_000_000), (.seconds(9_223_372_037), .max),
      (.seconds(-9_223_372_037), .min), (.seconds(Int64.max), .max), (.seconds(Int64.min), .min),
      (.nanoseconds(Int64.max), .max), (.nanoseconds(Int64.min), .min),
    ]
    for (duration, nanoseconds) in cases {
      #expect(duration.nanosecondsSaturated == nanoseconds, "\(duration)")
    }
  }

  @Test func frequencyPeriod() {
    #expect(Frequency(hertz: 50).period == .milliseconds(20))
    #expect(Frequency(hertz: 0).period == nil)
    #expect(Frequency(hertz: .nan).period == nil)
  }
}
