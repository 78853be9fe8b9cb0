import ArgumentParser
import LeakDetection

#if os(Linux)
  import LinuxHAL
#endif
#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// `cloak bench leak [--rows N] [--runs R] [--count-allocations] [--json]`: throughput of the offline analyser
/// (`cloak leak analyze` minus file I/O: CSV bytes in memory -> parser -> detector -> events) on a generated log,
/// and of the detector alone; optionally the detector's heap allocations per sample in the steady state.
struct BenchLeak: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "leak",
    abstract: "CSV rows per second through the leak analyser (median of several runs) on a generated log.",
    discussion: """
      The log: LeakScenario with 3 modules x 2 sensors at 1 Hz (thermal cycles, set-point steps, a 0.3 %/h leak \
      half way), generated once in memory; each run parses all of it with a fresh analyser. CPU time of this thread. \
      --count-allocations needs the LD_PRELOAD counter (gcc -O2 -shared -fPIC -o .build/malloc-counter.so \
      scripts/malloc-counter.c; LD_PRELOAD=.build/malloc-counter.so cloak bench leak --count-allocations).
      """
  )

  @Option(help: "CSV rows in the generated log.")
  var rows = 2_000_000

  @Option(help: "Number of runs; the median is reported.")
  var runs = 5

  @Flag(help: "Count heap allocations of the detector per sample after a warm-up (needs the LD_PRELOAD counter).")
  var countAllocations = false

  @Flag(help: "Print one JSON object.")
  var json = false

  func run() throws {
    guard rows >= 6, runs > 0 else { throw ValidationError("--rows must be at least 6 and --runs positive") }
    var scenario = LeakDetection.LeakScenario()
    scenario.durationSeconds = Double(rows / 6 - 1)
    scenario.leaks = [
      LeakDetection.LeakScenario.Leak(module: 1, onsetSeconds: scenario.durationSeconds / 2, pctPerHour: 0.3)
    ]
    scenario.setpointSteps = [
      LeakDetection.LeakScenario.SetpointStep(module: 0, atSeconds: scenario.durationSeconds / 3, deltaK: 1)
    ]
    var bytes: [UInt8] = []
    bytes.reserveCapacity(rows * 40)
    scenario.csv { bytes.append(contentsOf: $0.utf8) }
    let rowCount = bytes.reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) } - 1

    var analyserRates: [Double] = []
    var events = 0
    for _ in 0..<runs {
      var count = 0
      let analyzer = try LeakCSVAnalyzer { _ in count += 1 }
      let start = cpuNanoseconds()
      try bytes.withUnsafeBytes { buffer in
        var offset = 0
        while offset < buffer.count {
          let end = min(offset + (1 << 20), buffer.count)
          try analyzer.consume(UnsafeRawBufferPointer(rebasing: buffer[offset..<end]))
          offset = end
        }
      }
      try analyzer.finish()
      let elapsed = Double(cpuNanoseconds() &- start) / 1e9
      analyserRates.append(Double(analyzer.rows) / elapsed)
      events = count
    }

    // The detector alone, from arrays (no parsing), and its allocations.
    var samples: [(Double, Int, Int, Double, Double)] = []
    samples.reserveCapacity(rowCount)
    scenario.generate { samples.append(($0, $1, $2, $3, $4)) }
    var detectorRates: [Double] = []
    var allocationsPerSample = Double.nan
    for run in 0..<runs {
      let detector = try LeakDetector()
      for _ in 0..<3 {
        let m = try detector.addModule(volumeCubicMetres: 100)
        _ = try detector.addSensor(module: m)
        _ = try detector.addSensor(module: m)
      }
      let warmup = min(samples.count / 10, 6 * 3600)
      for sample in samples[0..<warmup] {
        try detector.ingest(
          time: sample.0, module: sample.1, sensor: sample.2, pressurePa: sample.3, temperatureC: sample.4)
        while detector.popEvent() != nil {}
      }
      let probe = run == 0 && countAllocations ? try allocationProbe() : nil
      let before = probe?() ?? 0
      let start = cpuNanoseconds()
      for sample in samples[warmup...] {
        try detector.ingest(
          time: sample.0, module: sample.1, sensor: sample.2, pressurePa: sample.3, temperatureC: sample.4)
        while detector.popEvent() != nil {}
      }
      let elapsed = Double(cpuNanoseconds() &- start) / 1e9
      if let probe { allocationsPerSample = Double(probe() &- before) / Double(samples.count - warmup) }
      detectorRates.append(Double(samples.count - warmup) / elapsed)
    }
    let analyser = median(analyserRates)
    let detector = median(detectorRates)
    if json {
      var out =
        "{\"rows\": \(rowCount), \"runs\": \(runs), \"events\": \(events), "
        + "\"analyser_rows_per_second_median\": \(Int(analyser)), "
        + "\"analyser_rows_per_second_runs\": [\(analyserRates.map { String(Int($0)) }.joined(separator: ", "))], "
        + "\"detector_samples_per_second_median\": \(Int(detector))"
      if countAllocations { out += ", \"detector_allocations_per_sample\": \(allocationsPerSample)" }
      print(out + "}")
    } else {
      print(
        "leak analyser (CSV bytes -> events): \(Int(analyser)) rows/s (median of \(runs) x \(rowCount) rows, \(events) events)"
      )
      print("runs: " + analyserRates.map { String(Int($0)) }.joined(separator: " "))
      print("detector alone: \(Int(detector)) samples/s")
      if countAllocations { print("detector heap allocations per sample after warm-up: \(allocationsPerSample)") }
    }
  }

  private func allocationProbe() throws -> @Sendable () -> UInt64 {
    #if os(Linux)
      guard let probe = AllocationCounter.threadCounter() else {
        throw ValidationError("--count-allocations: the allocation counter is not preloaded (see --help)")
      }
      let before = probe()
      let witness = [Int](repeating: rows, count: 16 + rows % 7)
      guard probe() > before, witness.count > 0 else {
        throw ValidationError("--count-allocations: the preloaded counter did not see a test allocation")
      }
      return probe
    #else
      throw ValidationError("--count-allocations is Linux only")
    #endif
  }

  private func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    guard !sorted.isEmpty else { return 0 }
    let mid = sorted.count / 2
    return sorted.count % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
  }

  /// This thread's CPU time (not wall time: the machine is shared).
  private func cpuNanoseconds() -> Int64 {
    var ts = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts)
    return Int64(ts.tv_sec) &* 1_000_000_000 &+ Int64(ts.tv_nsec)
  }
}
