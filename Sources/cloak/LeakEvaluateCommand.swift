import ArgumentParser
import LeakDetection

extension LeakEvaluation.Case: ExpressibleByArgument {}

/// `cloak leak evaluate --case NAME [--seeds N] [--first-seed S]`: the issue-10 target cases on generated data.
struct LeakEvaluate: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "evaluate",
    abstract: "Run a target case on seeded synthetic data: per-seed delay and false events, then a summary.",
    discussion: "Cases: " + LeakEvaluation.Case.allCases.map(\.rawValue).joined(separator: ", ")
      + ". Scenarios and targets: docs/leak-detection.md."
  )

  @Option(name: .customLong("case"), help: "The case.")
  var kind: LeakEvaluation.Case

  @Option(help: "Number of seeds.")
  var seeds = 10

  @Option(help: "First seed.")
  var firstSeed: UInt64 = 1

  @Option(help: "Override the CUSUM threshold h, ppm (margin studies; default: the configuration's).")
  var cusumThresholdPpm: Double?

  @Option(help: "Override the scenario's sample interval, seconds (e.g. 1 for the 30-day cases at full rate).")
  var sampleInterval: Double?

  @Flag(help: "Also print every event of every seed.")
  var events = false

  func run() throws {
    guard seeds > 0 else { throw ValidationError("--seeds must be positive") }
    var configuration = LeakDetectorConfiguration()
    if let h = cusumThresholdPpm { configuration.cusumThresholdPPM = h }
    try configuration.validate()
    var delays: [Double] = []
    var falseEvents = 0
    var passed = 0
    for index in 0..<seeds {
      let seed = firstSeed &+ UInt64(index)
      let outcome = try LeakEvaluation.evaluate(
        kind, seed: seed, configuration: configuration, sampleInterval: sampleInterval)
      if events {
        for event in try LeakEvaluation.run(LeakEvaluation.scenario(kind, seed: seed), configuration: configuration) {
          let fault = event.fault.map { " \($0)" } ?? ""
          print(
            "  t=\(event.time) \(event.kind.rawValue) module \(event.module) sensor \(event.sensor)\(fault) "
              + "rate \(event.ratePctPerHour) %/h")
        }
      }
      let delay = outcome.delaySeconds.map { "\(($0 * 10).rounded() / 10) s" } ?? "-"
      print(
        "seed \(seed): \(outcome.passed ? "PASS" : "FAIL") delay \(delay), false events \(outcome.falseEvents) \(outcome.note)"
      )
      if let value = outcome.delaySeconds { delays.append(value) }
      falseEvents += outcome.falseEvents
      if outcome.passed { passed += 1 }
    }
    delays.sort()
    let summary =
      delays.isEmpty
      ? "no delays"
      : "delay median \(delays[delays.count / 2]) s, max \(delays[delays.count - 1]) s, min \(delays[0]) s"
    print("\(kind.rawValue): \(passed)/\(seeds) passed; \(summary); false events \(falseEvents)")
    if passed != seeds { throw ExitCode(1) }
  }
}

/// `cloak leak generate --case NAME [--seed N]`: a case's synthetic log as CSV on stdout.
struct LeakGenerate: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "generate",
    abstract: "Write a target case's seeded synthetic log as CSV (the analyser's input format) to stdout."
  )

  @Option(name: .customLong("case"), help: "The case.")
  var kind: LeakEvaluation.Case

  @Option(help: "Seed.")
  var seed: UInt64 = 1

  func run() {
    var output = StandardOutputLines()
    LeakEvaluation.scenario(kind, seed: seed).csv { chunk in
      output.appendRaw(chunk)
      output.flushIfLarge()
    }
    output.flush()
  }
}
