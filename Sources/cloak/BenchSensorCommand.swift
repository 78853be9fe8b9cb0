import ArgumentParser
import Drivers
import Emulators
import HAL
import MockHAL

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// `cloak bench sensor [--samples N] [--runs R] [--json]`: CPU time of one BMP280 forced
/// read (start + collect: two bus transactions, 10 bytes, compensation) against the
/// register-level emulator on a virtual clock, emulator and simulated bus included.
struct BenchSensor: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "sensor",
    abstract: "CPU ns per BMP280 read + compensation against the emulator (median of several runs)."
  )

  @Option(help: "Samples per run.")
  var samples = 200_000

  @Option(help: "Number of runs; the median is reported.")
  var runs = 7

  @Flag(help: "Print one JSON object.")
  var json = false

  func run() throws {
    guard samples > 0, runs > 0 else { throw ValidationError("--samples and --runs must be positive") }
    let clock = VirtualClock()
    clock.sleepHistoryLimit = 16
    let bus = SimulatedI2CBus(name: "bench-i2c")
    bus.recordsTransactions = false
    let chip = BMP280Emulator(kind: .bmp280, clock: clock)
    try bus.attach(chip, at: 0x76)
    let driver = BMP280(bus: bus, address: 0x76, kind: .bmp280)
    try driver.initialise(clock: clock)

    var perSample: [Double] = []
    var checksum: UInt64 = 0
    for _ in 0..<runs {
      let start = cpuNanoseconds()
      for _ in 0..<samples {
        let ready = try driver.startMeasurement(now: clock.now())
        clock.advance(to: ready)
        if let s = try driver.collect(now: ready) { checksum &+= UInt64(s.pressureQ24Dot8) }
      }
      perSample.append(Double(cpuNanoseconds() &- start) / Double(samples))
    }
    // Separately: an input change, which re-runs the emulator's inverse compensation.
    var perUpdate: [Double] = []
    let updates = max(samples / 20, 1)
    for _ in 0..<runs {
      let start = cpuNanoseconds()
      for i in 0..<updates { chip.pressure = Pressure(pascals: 100_000 + Double(i % 1000)) }
      perUpdate.append(Double(cpuNanoseconds() &- start) / Double(updates))
    }
    guard checksum > 0 else { throw ValidationError("benchmark produced no samples") }
    let read = median(perSample)
    let update = median(perUpdate)
    if json {
      let runsText = perSample.map { String(format1($0)) }.joined(separator: ", ")
      print(
        "{\"chip\": \"bmp280\", \"samples\": \(samples), \"runs\": \(runs), "
          + "\"ns_per_read_median\": \(format1(read)), \"ns_per_read_runs\": [\(runsText)], "
          + "\"ns_per_input_update_median\": \(format1(update))}")
    } else {
      print("BMP280 read + compensation vs emulator: \(format1(read)) ns/sample (median of \(runs) x \(samples))")
      print("runs: " + perSample.map { format1($0) }.joined(separator: " "))
      print("emulator input update (inverse compensation): \(format1(update)) ns")
    }
  }

  private func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    guard !sorted.isEmpty else { return 0 }
    let mid = sorted.count / 2
    return sorted.count % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
  }

  private func format1(_ value: Double) -> String {
    let tenths = (value * 10).rounded()
    return String(tenths / 10)
  }

  /// This thread's CPU time (not wall time: the machine is shared).
  private func cpuNanoseconds() -> Int64 {
    var ts = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts)
    return Int64(ts.tv_sec) &* 1_000_000_000 &+ Int64(ts.tv_nsec)
  }
}
