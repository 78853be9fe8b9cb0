// Linux only: the bench drives Linux kernel interfaces (gpio-sim, i2c-dev, softdog).
#if os(Linux)
  import Glibc

  import HAL

  /// Creates and finds the kernel's gpio-sim chips (configfs, kernel >= 5.17).
  ///
  /// Each chip label of the board becomes one gpio-sim device with one bank labelled
  /// with it, its lines named in board order (offset = position). The simulated "far
  /// side" of line M is `/sys/devices/platform/<dev_name>/<chip_name>/sim_gpioM/`:
  /// `pull` (write pull-up / pull-down to drive an input) and `value` (what the line is
  /// at, including what an output drives).
  enum GPIOSimLayout {
    static let configRoot = "/sys/kernel/config/gpio-sim"

    /// Creates every chip of `chips` and brings it live. Fails naming the configfs path.
    static func create(_ chips: [(label: String, lines: [String])]) throws(SysFSError) {
      for (index, chip) in chips.enumerated() {
        let device = "\(configRoot)/cloak-bench-\(index)"
        let bank = "\(device)/gpio-bank0"
        try SysFS.makeDirectory(device)
        try SysFS.makeDirectory(bank)
        try SysFS.write("\(bank)/label", chip.label)
        try SysFS.write("\(bank)/num_lines", String(chip.lines.count))
        for (offset, name) in chip.lines.enumerated() {
          try SysFS.makeDirectory("\(bank)/line\(offset)")
          try SysFS.write("\(bank)/line\(offset)/name", name)
        }
        try SysFS.write("\(device)/live", "1")
      }
    }

    /// The sysfs directory of every live gpio-sim line, by chip label and line name.
    static func discover() throws(SysFSError) -> [GPIOLineID: String] {
      var found: [GPIOLineID: String] = [:]
      guard SysFS.exists(configRoot) else { return found }
      for device in try SysFS.list(configRoot) {
        let devicePath = "\(configRoot)/\(device)"
        guard (try? SysFS.read("\(devicePath)/live")) == "1" else { continue }
        let devName = try SysFS.read("\(devicePath)/dev_name")
        for bank in try SysFS.list(devicePath) where bank.hasPrefix("gpio-bank") {
          let bankPath = "\(devicePath)/\(bank)"
          let label = try SysFS.read("\(bankPath)/label")
          let chipName = try SysFS.read("\(bankPath)/chip_name")
          for entry in try SysFS.list(bankPath) where entry.hasPrefix("line") {
            guard let offset = Int(entry.dropFirst(4)), let name = try? SysFS.read("\(bankPath)/\(entry)/name")
            else { continue }
            found[GPIOLineID(chip: label, line: name)] =
              "/sys/devices/platform/\(devName)/\(chipName)/sim_gpio\(offset)"
          }
        }
      }
      return found
    }
  }
#endif
