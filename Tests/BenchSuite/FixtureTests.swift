// Linux only: the bench drives Linux kernel interfaces (gpio-sim, i2c-dev, softdog).
#if os(Linux)
  import Glibc

  /// Checks of the virtual bench itself, through libgpiod's and i2c-tools' command-line
  /// tools (not the backend under test): the gpio-sim layout is the board's, and the
  /// i2c-stub images answer as a real chip would. They catch a broken bench before the
  /// backend tests are blamed.
  enum FixtureTests {
    static var all: [BenchTest] {
      [
        BenchTest(name: "bench.gpio-sim-layout-matches-board", body: layout),
        BenchTest(name: "bench.i2c-stub-images-loaded", body: images),
        BenchTest(name: "bench.bmp280-image-matches-i2cdump-capture", body: i2cdumpCapture),
      ]
    }

    static func layout(_ ctx: BenchContext) throws {
      guard ctx.config.isVirtual else { throw BenchSkip("real board: no gpio-sim") }
      var chips: [String: (name: String, lines: Int)] = [:]
      for line in try output("/usr/bin/gpiodetect", []) {
        // "gpiochip0 [cloak-sim-a] (8 lines)"
        let parts = line.split(separator: " ")
        guard parts.count >= 3, let open = line.firstIndex(of: "["), let close = line.lastIndex(of: "]"),
          let count = Int(parts[parts.count - 2].dropFirst())
        else { continue }
        chips[String(line[line.index(after: open)..<close])] = (String(parts[0]), count)
      }
      for chip in ctx.config.simChips {
        guard let found = chips[chip.label] else { throw BenchFailure("gpiodetect shows no chip '\(chip.label)'") }
        try expect(
          found.lines == chip.lines.count, "\(chip.label) has \(found.lines) lines, expected \(chip.lines.count)")
        for (offset, name) in chip.lines.enumerated() {
          let seen = try output("/usr/bin/gpiofind", [name]).first ?? ""
          try expect(
            seen == "\(found.name) \(offset)", "gpiofind \(name) says '\(seen)', expected '\(found.name) \(offset)'")
        }
      }
    }

    static func images(_ ctx: BenchContext) throws {
      guard ctx.config.isVirtual else { throw BenchSkip("real board: no i2c-stub") }
      let i2c = try ctx.i2c()
      let path = try I2CStubSetup.devicePath(for: i2c.bus)
      let bus = String(path.split(separator: "-").last ?? "")
      var checks: [(address: Int, register: String, mode: [String], expected: String)] = []
      if let bmp = i2c.bmp280 {
        checks += [(bmp, "0xd0", [], "0x58"), (bmp, "0x88", ["w"], "0x6b70"), (bmp, "0xf7", [], "0x65")]
      }
      if let pca = i2c.pca9685 { checks += [(pca, "0x00", [], "0x11"), (pca, "0xfe", [], "0x1e")] }
      for check in checks {
        let address = "0x" + String(check.address, radix: 16)
        let seen = try output("/usr/sbin/i2cget", ["-y", bus, address, check.register] + check.mode).first ?? ""
        try expect(
          seen == check.expected,
          "i2cget \(address) \(check.register) \(check.mode.joined()) reads '\(seen)', expected \(check.expected)")
      }
    }

    /// `i2cdump` of the stub BMP280 equals the capture in examples/i2cdump (the datasheet
    /// example as shared/data/i2cdump records it), so the image and the capture agree.
    static func i2cdumpCapture(_ ctx: BenchContext) throws {
      guard ctx.config.isVirtual else { throw BenchSkip("real board: a live sensor, not the capture") }
      guard let address = try ctx.i2c().bmp280 else { throw BenchSkip("the fixture has no BMP280") }
      let boards = ctx.config.boardPath.split(separator: "/", omittingEmptySubsequences: false).dropLast(2)
      let capture = (boards + ["examples", "i2cdump", "bmp280-datasheet-example.txt"]).joined(separator: "/")
      guard SysFS.exists(capture) else { throw BenchSkip("\(capture) not in this tree") }
      let expected = try readTextFile(capture).split(separator: "\n").map(String.init)
      let path = try I2CStubSetup.devicePath(for: try ctx.i2c().bus)
      let bus = String(path.split(separator: "-").last ?? "")
      let seen = try output("/usr/sbin/i2cdump", ["-y", bus, "0x" + String(address, radix: 16), "i"])
      for (index, line) in expected.enumerated() {
        let got = index < seen.count ? seen[index] : "(missing)"
        try expect(got == line, "i2cdump line \(index + 1) reads '\(got)', the capture has '\(line)'")
      }
    }

    /// The lines a tool prints on stdout; fails unless it exits 0.
    static func output(_ program: String, _ arguments: [String]) throws -> [String] {
      let child = try ChildProcess(program: program, arguments: arguments)
      var lines: [String] = []
      while let line = child.readLine(timeout: .seconds(10)) { lines.append(line) }
      let status = child.waitExit(timeout: .seconds(10))
      guard status == 0 else {
        throw BenchFailure("\(program) \(arguments.joined(separator: " ")) exited \(status.map(String.init) ?? "late")")
      }
      return lines
    }
  }
#endif
