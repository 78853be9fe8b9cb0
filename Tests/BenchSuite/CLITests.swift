// Linux only: the bench drives Linux kernel interfaces (gpio-sim, i2c-dev, softdog).
#if os(Linux)
  import Glibc

  /// The bench tools of the `cloak` executable against the same hardware: `cloak probe`
  /// must find every device and line of the board file, and must fail on what is not
  /// there. The executable is taken from beside this suite (same build).
  enum CLITests {
    static var all: [BenchTest] {
      [
        BenchTest(name: "cli.probe-board-finds-everything", body: probeBoard),
        BenchTest(name: "cli.probe-missing-device-and-line-fails", body: probeMissing),
        BenchTest(name: "cli.doctor-passes-on-the-bench-board", body: doctor),
      ]
    }

    /// `cloak` in the suite's own build directory.
    static func cloak() throws -> String {
      var buffer = [CChar](repeating: 0, count: 4096)
      let count = readlink("/proc/self/exe", &buffer, buffer.count - 1)
      guard count > 0 else { throw BenchFailure("readlink /proc/self/exe failed") }
      let own = String(decoding: buffer[0..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
      let path = String(own[..<(own.lastIndex(of: "/") ?? own.startIndex)]) + "/cloak"
      guard access(path, X_OK) == 0 else { throw BenchSkip("\(path) is not built (swift build --product cloak)") }
      return path
    }

    static func probeBoard(_ ctx: BenchContext) throws {
      let (status, lines) = try run(try cloak(), ["probe", "--board", ctx.config.boardPath])
      try expect(status == 0, "cloak probe --board exited \(status): \(lines.suffix(6).joined(separator: " / "))")
    }

    static func probeMissing(_ ctx: BenchContext) throws {
      let i2c = try ctx.i2c()
      let path = try I2CStubSetup.devicePath(for: i2c.bus)
      let absent = "0x" + String(i2c.absent, radix: 16)
      let (status, lines) = try run(
        try cloak(),
        ["probe", "--device", "\(path):\(absent):bmp280", "--line", "\(ctx.outPair.chip):cloak-no-such-line"])
      try expect(status != 0, "cloak probe of an absent device and a missing line exited 0")
      let text = lines.joined(separator: "\n")
      try expect(text.contains(absent), "the probe table does not name \(absent): \(lines.joined(separator: " / "))")
      try expect(text.contains("cloak-no-such-line"), "the probe table does not name the missing line")
    }

    /// `cloak doctor` finds the board's chips, lines and buses and nothing that blocks a
    /// start (warnings, e.g. no /etc/cloak here, are allowed).
    static func doctor(_ ctx: BenchContext) throws {
      let (status, lines) = try run(try cloak(), ["doctor", "--board", ctx.config.boardPath])
      let failures = lines.filter { $0.hasPrefix("FAIL") }
      try expect(status == 0 && failures.isEmpty, "cloak doctor exited \(status): \(failures.joined(separator: " / "))")
      try expect(lines.contains { $0.hasPrefix("OK   gpio: all") }, "doctor did not check the board's lines")
      try expect(lines.contains { $0.hasPrefix("OK   i2c: bus") }, "doctor did not check the board's buses")
    }

    /// Runs a program to completion: its exit status and its stdout lines.
    static func run(_ program: String, _ arguments: [String]) throws -> (Int32, [String]) {
      let child = try ChildProcess(program: program, arguments: arguments)
      var lines: [String] = []
      while let line = child.readLine(timeout: .seconds(60)) { lines.append(line) }
      guard let status = child.waitExit(timeout: .seconds(10)) else {
        throw BenchFailure("\(program) \(arguments.joined(separator: " ")) did not finish")
      }
      return (status, lines)
    }
  }
#endif
