import ArgumentParser
import Composition
import Controller
import Dispatch
import Foundation
import HAL

#if canImport(Glibc)
  import LinuxHAL
#endif

/// `cloak bench loop`: the real executive with the controller's rate groups against the
/// `sim` board, in real time, reporting wake-up latency, slips and per-group timing.
struct BenchLoop: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "loop",
    abstract: "Run the real-time executive against the sim board and report wake-up latency.",
    discussion: """
      Base tick at --rate-hz; groups as in the controller (sensors 100 Hz, actuators 50 Hz, \
      leak 10 Hz, planner 1 Hz, scaled if the base rate is lower). --priority turns on \
      real-time set-up: SCHED_FIFO, mlockall and a PM QoS latency request of 0 \
      (/dev/cpu_dma_latency), like cyclictest -m -p. When not permitted, one warning and the \
      loop runs on. SIGTERM/SIGINT end the run early, through the safe state.
      """)

  @Option(help: "Base tick rate in hertz.") var rateHz = 1000
  @Option(
    name: [.customLong("for"), .customLong("seconds")], help: "How long to run (90s, 15m, or seconds; default: 10s).",
    transform: DurationArgument.parse)
  var duration = DurationArgument(seconds: 10)
  @OptionGroup var stationOption: StationOption
  var seconds: Double { duration.seconds }
  @Option(help: "SCHED_FIFO priority of the base thread (1-99); groups get lower ones.") var priority: Int?
  @Option(help: "Pin the loop's threads to this CPU.") var cpu: Int?
  @Option(help: "Board to run against (name or path; sim: the mock HAL and chip emulators on the real clock).")
  var board = "sim"
  @Flag(help: "Print one JSON object.") var json = false
  @Flag(help: "Count steady-state heap allocations (needs the LD_PRELOAD counter: scripts/count-allocations).")
  var countAllocations = false
  @Flag(name: .customLong("no-mlock"), help: "With --priority: do not lock memory.") var noMlock = false
  @Flag(name: .customLong("no-pm-qos"), help: "With --priority: do not hold /dev/cpu_dma_latency at 0.")
  var noPMQoS = false

  func validate() throws {
    guard (1...100_000).contains(rateHz) else { throw ValidationError("--rate-hz must be 1...100000") }
    guard seconds > 0, seconds <= 86_400 else { throw ValidationError("--seconds must be in (0, 86400]") }
    if let priority, !(1...99).contains(priority) { throw ValidationError("--priority must be 1...99") }
    if let cpu, cpu < 0 { throw ValidationError("--cpu must be >= 0") }
  }

  func run() throws {
    #if canImport(Glibc)
      let station = try stationOption.loadOrExit()
      let running: RunningBoard
      do {
        // As `cloak run`: sensors initialised through their samplers, so one absent at
        // start is excluded and re-initialised by the fault policy, not left out.
        running = try BoardAssembly.bringUp(
          board, options: .init(initialiseSensors: false, sensorProfile: .loop), simClock: SystemClock())
      } catch {
        printError("cloak bench loop: board \(board): \(error)")
        throw ExitCode(1)
      }
      defer {
        for failure in running.applySafeState() { printError("cloak bench loop: safe state: \(failure)") }
        running.release()
      }
      let printer = EventPrinter(
        formatter: EventRecordFormatter(
          origin: running.clock.now(),
          run: RunInfo(board: running.board.name, station: station.name, softwareVersion: Cloak.version)),
        toStandardError: true)
      let assembly: ControllerAssembly
      do {
        assembly = try ControllerAssembly(
          board: running, station: station, configuration: .standard(baseRateHz: rateHz), consumer: printer,
          wallClock: FoundationWallClock())
        assembly.initialiseSamplers()
      } catch {
        printError("cloak bench loop: board \(board): \(error)")
        throw ExitCode(1)
      }
      let executive = assembly.executive
      if countAllocations {
        guard let probe = AllocationCounter.threadCounter() else {
          throw ValidationError(
            "--count-allocations: the allocation counter is not preloaded; run scripts/count-allocations")
        }
        // Self-check: the counter must see an allocation we know happens.
        let before = probe()
        let witness = [Int](repeating: rateHz, count: 16 + rateHz % 7)
        guard probe() > before, witness.count > 0 else {
          throw ValidationError("--count-allocations: the preloaded counter did not see a test allocation")
        }
        executive.countAllocations(probe: probe, warmup: .seconds(1))
      }
      let signals = ShutdownSignals { signal in executive.requestShutdown(signal: signal) }
      defer { signals.cancel() }
      DispatchQueue.global().asyncAfter(deadline: .now() + seconds) { executive.requestShutdown() }
      let options = RealtimeOptions(
        priority: priority, cpu: cpu, lockMemory: priority != nil && !noMlock,
        holdCPULatency: priority != nil && !noPMQoS)
      var setupProblems: [String] = []
      let report = executive.runRealtime(options: options, environment: RealtimeSetup()) { problems in
        setupProblems = problems
        printError(
          "cloak: warning: real-time set-up incomplete, the loop runs on without it: "
            + problems.joined(separator: "; "))
      }
      if json {
        let output = BenchLoopOutput(
          report: report, rateHz: rateHz, seconds: seconds, priority: priority, cpu: cpu,
          setupProblems: setupProblems)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        print(String(decoding: try encoder.encode(output), as: UTF8.self))
      } else {
        print(BenchLoopText.render(report, rateHz: rateHz, seconds: seconds, priority: priority))
      }
    #else
      throw ValidationError("bench loop needs Linux (SystemClock, real-time set-up)")
    #endif
  }
}

/// The JSON object: the executive's report (ticks, slips, p50_us, p99_us, max_us,
/// groups...) plus the run's parameters and the allocation figure.
private struct BenchLoopOutput: Encodable {
  var report: ExecutiveReport
  var rateHz: Int
  var seconds: Double
  var priority: Int?
  var cpu: Int?
  var setupProblems: [String]

  enum Keys: String, CodingKey {
    case rateHz = "rate_hz"
    case seconds, priority, cpu
    case setupProblems = "setup_problems"
    case fastAllocationsPerTick = "fast_allocations_per_tick"
  }

  func encode(to encoder: any Encoder) throws {
    try report.encode(to: encoder)
    var container = encoder.container(keyedBy: Keys.self)
    try container.encode(rateHz, forKey: .rateHz)
    try container.encode(seconds, forKey: .seconds)
    try container.encodeIfPresent(priority, forKey: .priority)
    try container.encodeIfPresent(cpu, forKey: .cpu)
    try container.encode(setupProblems, forKey: .setupProblems)
    try container.encodeIfPresent(BenchLoopText.fastAllocationsPerTick(report), forKey: .fastAllocationsPerTick)
  }
}

/// Plain-text rendering of the report.
private enum BenchLoopText {
  static let fastGroups: Set<String> = ["base", "sensors", "actuators"]

  /// Allocations per base tick in the fast groups (base thread + sensors + actuators),
  /// or nil when not counted.
  static func fastAllocationsPerTick(_ report: ExecutiveReport) -> Double? {
    guard let base = report.baseSteadyAllocations, let ticks = report.baseCountedTicks, ticks > 0 else { return nil }
    let groups = report.groups.filter { fastGroups.contains($0.name) }.reduce(UInt64(0)) {
      $0 &+ ($1.steadyAllocations ?? 0)
    }
    return Double(base &+ groups) / Double(ticks)
  }

  static func render(_ report: ExecutiveReport, rateHz: Int, seconds: Double, priority: Int?) -> String {
    func f(_ value: Double) -> String { String(format: "%.1f", value) }
    var lines: [String] = []
    lines.append(
      "cloak bench loop: \(f(seconds)) s at \(rateHz) Hz, priority \(priority.map(String.init) ?? "none")")
    lines.append(
      "ticks \(report.ticks)  slips \(report.slips) (base \(report.baseSlips))  wake-up latency us: "
        + "p50 \(f(report.p50Us))  p99 \(f(report.p99Us))  max \(f(report.maxUs))")
    lines.append("group      rate Hz   cycles  slips  exec p99/max us   wake p50/p99/max us   allocations")
    for group in report.groups {
      let allocations = group.steadyAllocations.map { "\($0) in \(group.countedCycles ?? 0) cycles" } ?? "-"
      lines.append(
        group.name.padding(toLength: 10, withPad: " ", startingAt: 0)
          + " \(f(group.rateHz))".padding(toLength: 10, withPad: " ", startingAt: 0)
          + " \(group.cycles)".padding(toLength: 9, withPad: " ", startingAt: 0)
          + " \(group.slips)".padding(toLength: 7, withPad: " ", startingAt: 0)
          + " \(f(group.execP99Us))/\(f(group.execMaxUs))".padding(toLength: 18, withPad: " ", startingAt: 0)
          + " \(f(group.wakeP50Us))/\(f(group.wakeP99Us))/\(f(group.wakeMaxUs))".padding(
            toLength: 22, withPad: " ", startingAt: 0)
          + " \(allocations)")
    }
    if let perTick = fastAllocationsPerTick(report) {
      lines.append(
        "steady-state allocations in the fast groups: \(String(format: "%.4f", perTick)) per tick "
          + "(base thread \(report.baseSteadyAllocations ?? 0) in \(report.baseCountedTicks ?? 0) ticks)")
    }
    lines.append("events lost: \(report.eventsLost); safe mode at exit: \(report.safeMode ?? "none")")
    return lines.joined(separator: "\n")
  }
}
