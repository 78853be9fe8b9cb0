// Linux only: the bench drives Linux kernel interfaces (gpio-sim, i2c-dev, softdog).
#if os(Linux)
  import Glibc

  import HAL

  /// Lines held by other processes: the kernel, not the process, owns the truth.
  enum ProcessTests {
    static var all: [BenchTest] {
      [
        BenchTest(name: "gpio.line-held-by-other-process-busy", body: heldElsewhere),
        BenchTest(name: "gpio.line-released-when-holder-killed", body: releasedOnKill),
      ]
    }

    /// Starts a helper copy of the suite that requests `id` as an output and holds it.
    static func startHolder(_ id: GPIOLineID, ctx: BenchContext) throws -> ChildProcess {
      let child = try ChildProcess(arguments: [
        "--board", ctx.config.boardPath, "--fixture", ctx.config.fixturePath, "--hold-line", id.chip, id.line,
      ])
      guard let line = child.readLine(timeout: .seconds(30)) else {
        throw BenchFailure("the helper holding \(id) did not report within 30 s")
      }
      guard line == "held" else { throw BenchFailure("the helper could not hold \(id): \(line)") }
      return child
    }

    static func heldElsewhere(_ ctx: BenchContext) throws {
      let id = ctx.outPair.id
      let gpio = try ctx.gpio()
      let holder = try startHolder(id, ctx: ctx)
      defer {
        holder.signal(SIGTERM)
        _ = holder.waitExit(timeout: .seconds(10))
      }
      let error = try expectGPIOError("requesting \(id) held by pid \(holder.pid)") { () throws(GPIOError) in
        ctx.own(try gpio.requestOutput(id, config: GPIOOutputConfig(initialValue: false), consumer: "cloak-bench"))
      }
      try expect(error.kind == .lineBusy, "kind is \(error.kind), expected .lineBusy")
      try expect(error.line == id, "error names \(error.line), expected \(id)")
    }

    static func releasedOnKill(_ ctx: BenchContext) throws {
      let id = ctx.outPair.id
      let gpio = try ctx.gpio()
      let holder = try startHolder(id, ctx: ctx)
      holder.signal(SIGKILL)
      guard let status = holder.waitExit(timeout: .seconds(10)) else {
        throw BenchFailure("the helper did not die on SIGKILL")
      }
      try expect(status == 128 + SIGKILL, "the helper exited with \(status), not by SIGKILL")
      let line = ctx.own(
        try gpio.requestOutput(id, config: GPIOOutputConfig(initialValue: true), consumer: "cloak-bench"))
      try line.set(false)
      try expect(!(try ctx.fixture.observedLevel(ctx.outPair)), "the line does not follow its new owner")
    }

    /// Helper mode: hold `id` as an output until killed. Prints `held` or the error.
    static func holdLine(_ id: GPIOLineID) -> Int32 {
      do {
        let line = try LinuxBackend.gpio().requestOutput(
          id, config: GPIOOutputConfig(initialValue: true), consumer: "cloak-bench-holder")
        say("held")
        withExtendedLifetime(line) { while true { _ = pause() } }
        return 0
      } catch {
        say("error: \(oneLine(error))")
        return 3
      }
    }
  }
#endif
