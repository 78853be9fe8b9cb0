import ArgumentParser
import Boards
import Composition
import HAL

#if canImport(LinuxHAL)
  import Glibc
  import LinuxHAL
#endif

/// `cloak gpio get|set|monitor`: bench tools for one GPIO line, named by its role in a
/// board file (`cloak gpio get hatch-closed --board raspberry-pi-4`) or by chip label and
/// line name (`--chip pinctrl-bcm2711 --line GPIO17`).
struct GPIOCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "gpio", abstract: "Read, drive or watch one GPIO line (Linux, libgpiod).",
    subcommands: [Get.self, Set.self, Monitor.self, BenchSet.self])

  struct LineOptions: ParsableArguments {
    @Option(help: "Board name or file whose roles name lines (with ROLE).") var board: String?
    @Option(help: "The chip's label (see gpiodetect), e.g. pinctrl-bcm2711 (instead of ROLE).") var chip: String?
    @Option(help: "The line's name (see gpioinfo), e.g. GPIO17 (instead of ROLE).") var line: String?
    @Flag(help: "Treat the line as active-low (a role's own setting applies anyway).") var activeLow = false
    @Option(help: "Consumer name shown by gpioinfo.") var consumer = "cloak-bench"

    /// The line `role` (with `--board`) or `--chip`/`--line` names, and its board entry.
    func resolve(role: String?) throws -> (id: GPIOLineID, spec: LineSpec?) {
      if let role {
        guard chip == nil, line == nil else { throw ValidationError("give ROLE or --chip/--line, not both") }
        guard let board else { throw ValidationError("ROLE '\(role)' needs --board NAME|PATH") }
        let description = try loadBoardOrExit(board)
        guard let spec = description.lines[role] else {
          let known = description.lines.keys.sorted().joined(separator: ", ")
          throw ValidationError("board '\(description.name)' has no line role '\(role)' (roles: \(known))")
        }
        return (spec.id, spec)
      }
      guard let chip, let line else { throw ValidationError("name the line: ROLE --board B, or --chip C --line L") }
      return (GPIOLineID(chip: chip, line: line), nil)
    }
  }

  struct Get: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Print the line's logical value (0 or 1).")
    @Argument(help: "The line's role in the board file (with --board).") var role: String?
    @OptionGroup var target: LineOptions
    @Option(help: "Bias: as-is, disabled, pull-up or pull-down (default: the role's, else as-is).") var bias: String?

    func run() throws {
      #if canImport(LinuxHAL)
        let (id, spec) = try target.resolve(role: role)
        guard let bias = GPIOBias(rawValue: bias ?? spec?.bias.rawValue ?? "as-is") else {
          throw ValidationError("unknown bias '\(bias ?? "")'")
        }
        let config = GPIOInputConfig(activeLow: target.activeLow || spec?.activeLow == true, bias: bias)
        let value = try benchRun { () throws(GPIOError) -> Bool in
          let line = try LinuxGPIO().requestInput(id, config: config, consumer: target.consumer)
          defer { line.release() }
          return try line.value()
        }
        print(value ? 1 : 0)
      #else
        throw ValidationError("cloak gpio needs Linux")
      #endif
    }
  }

  struct Set: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Drive the line and hold it until Ctrl-C (or --for SECONDS), then release it.")
    @Argument(help: "[ROLE] VALUE: the role (with --board), then the logical value 1/0, on/off, true/false.")
    var words: [String] = []
    @OptionGroup var target: LineOptions
    @Option(help: "Drive: push-pull, open-drain or open-source (default: the role's, else push-pull).")
    var drive: String?
    @Option(
      name: .customLong("for"), help: "Hold this long (90s, 15m, seconds), then release.",
      transform: DurationArgument.parse)
    var hold: DurationArgument?
    var seconds: Double? { hold?.seconds }

    func run() throws {
      #if canImport(LinuxHAL)
        guard (1...2).contains(words.count), let value = words.last, let level = parseLevel(value) else {
          throw ValidationError("give [ROLE] VALUE with VALUE 1/0, on/off or true/false")
        }
        let (id, spec) = try target.resolve(role: words.count == 2 ? words[0] : nil)
        guard let drive = GPIODrive(rawValue: drive ?? spec?.drive.rawValue ?? "push-pull") else {
          throw ValidationError("unknown drive '\(drive ?? "")'")
        }
        if let seconds, !(seconds >= 0 && seconds < 1e9) { throw ValidationError("--for must be 0 or more seconds") }
        let signals = StopRequest()
        let activeLow = target.activeLow || spec?.activeLow == true
        let config = GPIOOutputConfig(activeLow: activeLow, drive: drive, initialValue: level)
        let line = try benchRun { () throws(GPIOError) in
          try LinuxGPIO().requestOutput(id, config: config, consumer: target.consumer)
        }
        print("\(id) = \(level ? 1 : 0), holding \(seconds.map { "for \($0) s" } ?? "until Ctrl-C")")
        flushOutput()
        _ = signals.wait(seconds.map { .nanoseconds(Int64($0 * 1e9)) })
        line.release()
        print("\(id) released")
      #else
        throw ValidationError("cloak gpio needs Linux")
      #endif
    }
  }

  struct Monitor: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Print timestamped edges (kernel CLOCK_MONOTONIC) until Ctrl-C, --count or --for.")
    @Argument(help: "The line's role in the board file (with --board).") var role: String?
    @OptionGroup var target: LineOptions
    @Option(help: "Edges: rising, falling or both.") var edges = "both"
    @Option(help: "Bias: as-is, disabled, pull-up or pull-down (default: the role's, else as-is).") var bias: String?
    @Option(help: "Debounce period in milliseconds (default: the role's, else none).") var debounceMs: Double?
    @Option(help: "Stop after this many edges.") var count: Int?
    @Option(
      name: .customLong("for"), help: "Stop after this long (90s, 15m, seconds).", transform: DurationArgument.parse)
    var limit: DurationArgument?
    var seconds: Double? { limit?.seconds }

    func run() throws {
      #if canImport(LinuxHAL)
        guard let edges = GPIOEdgeDetection(rawValue: edges), edges != .none else {
          throw ValidationError("edges must be rising, falling or both")
        }
        let (id, spec) = try target.resolve(role: role)
        guard let bias = GPIOBias(rawValue: bias ?? spec?.bias.rawValue ?? "as-is") else {
          throw ValidationError("unknown bias '\(bias ?? "")'")
        }
        let debounce: Duration
        if let debounceMs {
          guard debounceMs >= 0 && debounceMs < 1e6 else { throw ValidationError("--debounce-ms out of range") }
          debounce = .nanoseconds(Int64(debounceMs * 1e6))
        } else {
          debounce = spec?.debounce ?? .zero
        }
        if let seconds, !(seconds >= 0 && seconds < 1e9) { throw ValidationError("--for must be 0 or more seconds") }
        let signals = StopRequest()
        let config = GPIOInputConfig(
          activeLow: target.activeLow || spec?.activeLow == true, bias: bias, debounce: debounce, edges: edges)
        let line = try benchRun { () throws(GPIOError) in
          try LinuxGPIO().requestInput(id, config: config, consumer: target.consumer)
        }
        defer { line.release() }
        let clock = SystemClock()
        let end = seconds.map { clock.now().advanced(by: .nanoseconds(Int64($0 * 1e9))) }
        var seen = 0
        print("monitoring \(id) (\(edges.rawValue) edges, libgpiod \(LinuxGPIO.libraryVersion))")
        flushOutput()
        while count.map({ seen < $0 }) ?? true, end.map({ clock.now() < $0 }) ?? true, !signals.wait(.zero) {
          let event = try benchRun { () throws(GPIOError) in try line.waitForEdge(timeout: .milliseconds(100)) }
          guard let event else { continue }
          seen += 1
          print("\(formatSeconds(event.timestamp.nanoseconds)) \(event.kind.rawValue) seq=\(event.sequence)")
          flushOutput()
        }
      #else
        throw ValidationError("cloak gpio needs Linux")
      #endif
    }
  }
}

extension GPIOCommand {
  /// The LinuxHAL side of the GPIO benchmark (scripts/bench-c/gpio_set_loop.c is the
  /// C side): toggles the line through `any GPIOOutputLine`, as the controller does.
  struct BenchSet: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "bench-set", abstract: "Time ITERATIONS set() calls through LinuxHAL; print ns per set.")
    @Argument(help: "The line's role in the board file (with --board).") var role: String?
    @OptionGroup var target: LineOptions
    @Option(help: "Number of set() calls.") var iterations = 100_000

    func run() throws {
      #if canImport(LinuxHAL)
        guard iterations > 0 else { throw ValidationError("--iterations must be positive") }
        let (id, spec) = try target.resolve(role: role)
        let config = GPIOOutputConfig(activeLow: target.activeLow || spec?.activeLow == true, initialValue: false)
        let line = try benchRun { () throws(GPIOError) in
          try LinuxGPIO().requestOutput(id, config: config, consumer: target.consumer)
        }
        defer { line.release() }
        let clock = SystemClock()
        let start = clock.now()
        try benchRun { () throws(GPIOError) in
          for index in 0..<iterations { try line.set(index & 1 == 1) }
        }
        let elapsed = start.duration(to: clock.now()).nanosecondsSaturated
        let perOp = Double(elapsed) / Double(iterations)
        print("cloak_gpio_set ns_per_op=\(perOp) iterations=\(iterations) libgpiod=\(LinuxGPIO.libraryVersion)")
      #else
        throw ValidationError("cloak gpio needs Linux")
      #endif
    }
  }
}

/// Parses a logical level as people type it at a bench.
func parseLevel(_ text: String) -> Bool? {
  switch text.lowercased() {
  case "1", "on", "true", "high", "active": return true
  case "0", "off", "false", "low", "inactive": return false
  default: return nil
  }
}

/// `12.000123456`: nanoseconds as seconds with all nine decimals.
func formatSeconds(_ nanoseconds: Int64) -> String {
  let sign = nanoseconds < 0 ? "-" : ""
  let magnitude = nanoseconds.magnitude
  let fraction = String(magnitude % 1_000_000_000)
  return "\(sign)\(magnitude / 1_000_000_000).\(String(repeating: "0", count: 9 - fraction.count))\(fraction)"
}

/// Runs a HAL call; a HAL error is printed (it names the chip/line/bus/address) and
/// turned into exit status 1 instead of a stack of ArgumentParser text.
func benchRun<R, E: Error>(_ body: () throws(E) -> R) throws -> R {
  do {
    return try body()
  } catch {
    flushOutput()
    printError("cloak: \(error)")
    throw ExitCode(1)
  }
}

func flushOutput() {
  #if canImport(Glibc)
    fflush(nil)
  #endif
}
