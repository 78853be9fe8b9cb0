// Linux only: the bench drives Linux kernel interfaces (gpio-sim, i2c-dev, softdog).
#if os(Linux)
  import Glibc

  import HAL

  #if canImport(LinuxHAL)
    import LinuxHAL
  #endif

  /// Ambiguous names against the real kernel: a gpio-sim device with two banks sharing a
  /// label, and a bank naming two lines `NC` (as BeagleBone device trees do). Resolution
  /// must fail naming both candidates, never take the first match.
  enum GPIONameTests {
    static var all: [BenchTest] {
      [BenchTest(name: "gpio.ambiguous-label-and-line-named", body: ambiguousNames)]
    }

    static let device = "\(GPIOSimLayout.configRoot)/cloak-bench-names"

    static func ambiguousNames(_ ctx: BenchContext) throws {
      guard ctx.config.isVirtual, SysFS.exists(GPIOSimLayout.configRoot) else {
        throw BenchSkip("needs gpio-sim (virtual bench)")
      }
      let banks: [(String, [String])] = [
        ("cloak-dup-label", ["A"]), ("cloak-dup-label", ["B"]), ("cloak-dup-lines", ["NC", "X", "NC"]),
      ]
      try SysFS.makeDirectory(device)
      defer { remove(banks) }
      for (index, bank) in banks.enumerated() {
        let path = "\(device)/gpio-bank\(index)"
        try SysFS.makeDirectory(path)
        try SysFS.write("\(path)/label", bank.0)
        try SysFS.write("\(path)/num_lines", String(bank.1.count))
        for (offset, name) in bank.1.enumerated() {
          try SysFS.makeDirectory("\(path)/line\(offset)")
          try SysFS.write("\(path)/line\(offset)/name", name)
        }
      }
      try SysFS.write("\(device)/live", "1")
      let gpio = LinuxGPIO()
      let label = GPIOLineID(chip: "cloak-dup-label", line: "A")
      let labelError = try expectGPIOError("resolving \(label)") { () throws(GPIOError) in _ = try gpio.resolve(label) }
      try expect(labelError.kind == .ambiguous, "two chips labelled alike gave \(labelError)")
      try expect(
        labelError.detail.contains("/dev/gpiochip") && labelError.detail.contains(" and "),
        "the error does not name both chips: \(labelError)")
      let requestError = try expectGPIOError("requesting \(label)") { () throws(GPIOError) in
        ctx.own(try gpio.requestInput(label, config: GPIOInputConfig(), consumer: "cloak-bench"))
      }
      try expect(requestError.kind == .ambiguous, "a request on an ambiguous label gave \(requestError)")
      let nc = GPIOLineID(chip: "cloak-dup-lines", line: "NC")
      let lineError = try expectGPIOError("resolving \(nc)") { () throws(GPIOError) in _ = try gpio.lineInfo(nc) }
      try expect(
        lineError.kind == .ambiguous && lineError.detail.contains("offsets 0 and 2"),
        "two lines named NC gave \(lineError)")
      let unique = try gpio.resolve(GPIOLineID(chip: "cloak-dup-lines", line: "X"))
      try expect(unique.offset == 1, "line X resolved to offset \(unique.offset)")
    }

    private static func remove(_ banks: [(String, [String])]) {
      try? SysFS.write("\(device)/live", "0")
      for (index, bank) in banks.enumerated() {
        let path = "\(device)/gpio-bank\(index)"
        for offset in bank.1.indices { rmdir("\(path)/line\(offset)") }
        rmdir(path)
      }
      rmdir(device)
    }
  }
#endif
