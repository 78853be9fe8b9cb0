import HAL

/// The 1 kHz base group's member: bookkeeping only (no device I/O on the base tick).
public final class TickCounter: CountingMember, @unchecked Sendable {
  public let name = "tick-counter"
  public private(set) var count: UInt64 = 0
  public init() {}
  public func run(_ tick: TickContext) { count &+= 1 }
  public func runCycles(_ count: UInt64, last: TickContext) { self.count &+= count }
}

/// A small leak-rate estimator for the 10 Hz group (a stand-in until the leak detector
/// lands): least-squares slope of the mean pressure over a fixed window (preallocated
/// ring). It commands nothing: actuator commands go through the ``CommandArbiter``.
public final class LeakRateEstimator: RateGroupMember, @unchecked Sendable {
  public let name = "leak-estimator"
  private let readings: [Snapshot<SamplerReading>]
  private var times: [Double]
  private var values: [Double]
  private var next = 0
  private var filled = 0
  /// Latest estimate in pascals per second (negative: losing air).
  public private(set) var rate = 0.0

  public init(readings: [Snapshot<SamplerReading>], window: Int = 20) {
    self.readings = readings
    times = [Double](repeating: 0, count: max(window, 2))
    values = [Double](repeating: 0, count: max(window, 2))
  }

  public func run(_ tick: TickContext) {
    var sum = 0.0
    var count = 0
    for snapshot in readings {
      let reading = snapshot.read()
      if reading.status == .fresh, let sample = reading.sample {
        sum += sample.pressure.pascals
        count += 1
      }
    }
    guard count > 0 else { return }
    times[next] = Double(tick.deadline.nanoseconds) / 1e9
    values[next] = sum / Double(count)
    next = (next + 1) % times.count
    filled = min(filled + 1, times.count)
    rate = slope()
  }

  private func slope() -> Double {
    guard filled >= 2 else { return 0 }
    var meanT = 0.0
    var meanP = 0.0
    for index in 0..<filled {
      meanT += times[index]
      meanP += values[index]
    }
    meanT /= Double(filled)
    meanP /= Double(filled)
    var numerator = 0.0
    var denominator = 0.0
    for index in 0..<filled {
      numerator += (times[index] - meanT) * (values[index] - meanP)
      denominator += (times[index] - meanT) * (times[index] - meanT)
    }
    return denominator > 0 ? numerator / denominator : 0
  }
}
