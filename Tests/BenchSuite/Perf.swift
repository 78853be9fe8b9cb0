// Linux only: the bench drives Linux kernel interfaces (gpio-sim, i2c-dev, softdog).
#if os(Linux)
  import Glibc

  import HAL

  /// `--perf`: the cost of LinuxHAL against plain C loops (scripts/bench-c: gpio_set_loop,
  /// i2c_read_loop, compiled by scripts/virtual-bench), measured in
  /// the same guest run and interleaved A B A B, because software emulation is noisy.
  /// Each side times its loop only (no open, request or process start-up). Reports every
  /// pair and the median ratio LinuxHAL / C (target <= 1.1). A benchmark, not a test:
  /// the summary counts the comparisons that ran, not whether they met the target.
  enum Perf {
    static let pairs = 15
    static let gpioSets = 100_000
    static let i2cReads = 20_000

    static func run(_ ctx: BenchContext, cBaselines: String?) -> Int32 {
      guard let dir = cBaselines else {
        say("cloak-bench-suite: --perf needs --c-baselines DIR (scripts/bench-c)")
        return 2
      }
      var passed = 0
      var failed = 0
      let comparisons: [(BenchContext, String) throws -> Void] = [
        gpioSet,
        { try i2cRead($0, $1, mode: .perCall) },
        { try i2cRead($0, $1, mode: .session) },
      ]
      for comparison in comparisons {
        do {
          try comparison(ctx, dir)
          passed += 1
        } catch {
          say("PERF FAIL \(oneLine(error))")
          failed += 1
        }
      }
      say("\(passed) passed, \(failed) failed")
      return failed == 0 ? 0 : 1
    }

    static func gpioSet(_ ctx: BenchContext, _ dir: String) throws {
      let pair = ctx.outPair
      let gpio = try ctx.gpio()
      try compare(name: "gpio.set", unit: "set") {
        try runC(dir + "/gpio_set_loop", [pair.chip, pair.line, String(gpioSets)])
      } swift: {
        let line = try gpio.requestOutput(
          pair.id, config: GPIOOutputConfig(initialValue: false), consumer: "cloak-perf")
        defer { line.release() }
        let start = monotonicNanoseconds()
        for index in 0..<gpioSets { try line.set(index & 1 == 1) }
        return Double(monotonicNanoseconds() - start) / Double(gpioSets)
      }
    }

    /// What an I2C comparison times (always against the bare C loop).
    enum I2CMode {
      /// Plain `readRegisters`, the default path: the in-process mutex per read, no
      /// `flock` (one adapter transfer, decision 0424).
      case perCall
      /// Reads through one held session (`withExclusiveAccess`, the bus locked once):
      /// the figure for a sensors cycle.
      case session

      var name: String {
        switch self {
        case .perCall: "i2c.read6"
        case .session: "i2c.read6-session"
        }
      }
    }

    /// 6-byte register reads (the BMP280 data burst) through the HAL contract
    /// (`any I2CBus`, as drivers use it) against `i2c_read_loop`.
    static func i2cRead(_ ctx: BenchContext, _ dir: String, mode: I2CMode) throws {
      let i2c = try ctx.i2c()
      guard let address = i2c.bmp280 else { throw BenchSkip("the fixture has no BMP280") }
      let path = try I2CStubSetup.devicePath(for: i2c.bus)
      let bus = try LinuxBackend.i2cBus(i2c.bus)
      let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 6, alignment: 1)
      defer { buffer.deallocate() }
      let device = UInt8(truncatingIfNeeded: address)
      let cArguments = [path, String(address), String(i2cReads), "0xF7", "6"]
      try compare(name: mode.name, unit: "read") {
        try runC(dir + "/i2c_read_loop", cArguments)
      } swift: {
        try readLoop(bus, address: device, into: buffer, iterations: i2cReads, mode: mode)
      }
    }

    /// The LinuxHAL side of an I2C comparison: `iterations` register bursts from 0xF7
    /// into `buffer`, each through `any I2CBus` as drivers call it; ns per read. Also run
    /// on its own by `--perf-read-loop` (scripts/i2c-read-instructions counts its
    /// instructions on the host).
    @inline(never)
    static func readLoop(
      _ bus: any I2CBus, address device: UInt8, into buffer: UnsafeMutableRawBufferPointer, iterations: Int,
      mode: I2CMode
    ) throws(I2CError) -> Double {
      if mode == .session {
        return try bus.withExclusiveAccess { (session) throws(I2CError) -> Double in
          let start = monotonicNanoseconds()
          for _ in 0..<iterations { try session.readRegisters(address: device, start: 0xF7, into: buffer) }
          return Double(monotonicNanoseconds() - start) / Double(iterations)
        }
      }
      let start = monotonicNanoseconds()
      for _ in 0..<iterations { try bus.readRegisters(address: device, start: 0xF7, into: buffer) }
      return Double(monotonicNanoseconds() - start) / Double(iterations)
    }

    /// `--perf-read-loop BUS ADDRESS ITERATIONS [--i2c-session]`: ``readLoop`` alone on a
    /// bus path, no fixture (for counting instructions on a host with a fake ioctl,
    /// scripts/bench-c/fake_i2c_ioctl.c). Prints `ns_per_op=...` as the C loop does.
    static func readLoopAlone(bus spec: String, address: UInt8, iterations: Int, session: Bool) -> Int32 {
      let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 6, alignment: 1)
      defer { buffer.deallocate() }
      do {
        let bus = try LinuxBackend.i2cBus(spec)
        let mode: I2CMode = session ? .session : .perCall
        let cost = try readLoop(bus, address: address, into: buffer, iterations: iterations, mode: mode)
        say("cloak-bench-suite ns_per_op=\(format(cost)) iterations=\(iterations) mode=\(mode.name)")
        return 0
      } catch {
        say("cloak-bench-suite: --perf-read-loop: \(oneLine(error))")
        return 1
      }
    }

    /// Runs C then Swift `pairs` times and reports the median of the per-pair ratios.
    static func compare(name: String, unit: String, c: () throws -> Double, swift: () throws -> Double) throws {
      var ratios: [Double] = []
      for index in 1...pairs {
        let cost = try c()
        let hal = try swift()
        guard cost > 0 else { throw BenchFailure("\(name): the C loop reported \(cost) ns") }
        ratios.append(hal / cost)
        say("PERF \(name) pair \(index): C \(format(cost)) ns/\(unit), LinuxHAL \(format(hal)) ns/\(unit)")
      }
      ratios.sort()
      let median = ratios[ratios.count / 2]
      let verdict = median <= 1.1 ? "meets" : "MISSES"
      say(
        "PERF \(name) median ratio LinuxHAL/C \(format(median)) over \(pairs) interleaved pairs (\(verdict) target <= 1.1)"
      )
    }

    /// Runs a C baseline and parses the `ns_per_op=VALUE` field of its one output line.
    static func runC(_ program: String, _ arguments: [String]) throws -> Double {
      let child = try ChildProcess(program: program, arguments: arguments)
      let line = child.readLine(timeout: .seconds(120)) ?? ""
      let status = child.waitExit(timeout: .seconds(10))
      let field = line.split(separator: " ").first { $0.hasPrefix("ns_per_op=") }
      guard status == 0, let field, let value = Double(field.dropFirst(10)) else {
        throw BenchFailure("\(program) exited \(status.map(String.init) ?? "late") saying '\(line)'")
      }
      return value
    }

    static func format(_ value: Double) -> String {
      let scaled = (value * 100).rounded() / 100
      return String(scaled)
    }
  }
#endif
