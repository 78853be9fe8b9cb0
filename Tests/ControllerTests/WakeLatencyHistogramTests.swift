import Testing

@testable import Controller

/// The concurrent wake-up latency histogram `/metrics` reads while the loop runs.
@Suite struct WakeLatencyHistogramTests {
  @Test func cyclesLandInTheirBucketsCumulatively() {
    let histogram = WakeLatencyHistogram(group: "sensors")
    histogram.record(.microseconds(10))  // <= 50 us
    histogram.record(.microseconds(50))  // on the bound: <= 50 us
    histogram.record(.microseconds(51))  // <= 100 us
    histogram.record(.milliseconds(3), count: 4)  // <= 5 ms
    histogram.record(.seconds(2))  // above 1 s: +Inf only
    histogram.record(.microseconds(-5))  // early: counts as 0
    let snapshot = histogram.snapshot()
    #expect(snapshot.cumulative.count == WakeLatencyHistogram.upperBoundsS.count + 1)
    #expect(snapshot.cumulative[0] == 3)
    #expect(snapshot.cumulative[1] == 4)
    #expect(snapshot.cumulative[5] == 4)  // <= 2 ms
    #expect(snapshot.cumulative[6] == 8)  // <= 5 ms
    #expect(snapshot.cumulative[11] == 8)  // <= 1 s
    #expect(snapshot.count == 9)
    #expect(zip(snapshot.cumulative, snapshot.cumulative.dropFirst()).allSatisfy { $0 <= $1 })
    #expect(abs(snapshot.sumS - (10e-6 + 50e-6 + 51e-6 + 4 * 3e-3 + 2.0)) < 1e-9)
  }
}
