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

    /// One gpio-sim device per bank: gpio-sim refuses two banks with one label inside a
    /// device, but not across devices (nor two lines with one name).
    static let devices: [(String, String, [String])] = [
      ("cloak-bench-names-0", "cloak-dup-label", ["A"]), ("cloak-bench-names-1", "cloak-dup-label", ["B"]),
      ("cloak-bench-names-2", "cloak-dup-lines", ["NC", "X", "NC"]),
    ]

    static func ambiguousNames(_ ctx: BenchContext) throws {
      guard ctx.config.isVirtual, SysFS.exists(GPIOSimLayout.configRoot) else {
        throw BenchSkip("needs gpio-sim (virtual bench)")
      }
      defer { remove() }
      for (name, label, lines) in devices {
        let device = "\(GPIOSimLayout.configRoot)/\(name)"
        let bank = "\(device)/gpio-bank0"
        try SysFS.makeDirectory(device)
        try SysFS.makeDirectory(bank)
        try SysFS.write("\(bank)/label", label)
        try SysFS.write("\(bank)/num_lines", String(lines.count))
        for (offset, line) in lines.enumerated() {
          try SysFS.makeDirectory("\(bank)/line\(offset)")
          try SysFS.write("\(bank)/line\(offset)/name", line)
        }
        try SysFS.write("\(device)/live", "1")
      }
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

    private static func remove() {
      for (name, _, lines) in devices {
        let device = "\(GPIOSimLayout.configRoot)/\(name)"
        guard SysFS.exists(device) else { continue }
        try? SysFS.write("\(device)/live", "0")
        for offset in lines.indices { rmdir("\(device)/gpio-bank0/line\(offset)") }
        rmdir("\(device)/gpio-bank0")
        rmdir(device)
      }
    }
  }
#endif
