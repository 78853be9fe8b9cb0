// Linux only: the bench drives Linux kernel interfaces (gpio-sim, i2c-dev, softdog).
#if os(Linux)
  import Glibc

  /// `--setup-virtual`: lays out the virtual bench inside the guest from the board and
  /// fixture files: gpio-sim chips with the board's chip labels and line names, and the
  /// i2c-stub chips preloaded with the BMP280 and PCA9685 images.
  enum VirtualSetup {
    static func run(_ config: BenchConfig) -> Int32 {
      guard config.isVirtual else {
        say("cloak-bench-suite: --setup-virtual needs a gpio-sim fixture, \(config.fixturePath) is not one")
        return 2
      }
      do {
        let chips = config.simChips
        try GPIOSimLayout.create(chips)
        for chip in chips { say("VBENCH gpio-sim chip \(chip.label): \(chip.lines.count) lines") }
        if let i2c = config.fixture.i2c {
          if let address = i2c.bmp280 {
            try I2CStubSetup.preload(bus: i2c.bus, address: address, image: RegisterImages.bmp280)
          }
          if let address = i2c.pca9685 {
            try I2CStubSetup.preload(bus: i2c.bus, address: address, image: RegisterImages.pca9685)
          }
          say("VBENCH i2c-stub on \(try I2CStubSetup.devicePath(for: i2c.bus)) preloaded")
        }
        return 0
      } catch {
        say("cloak-bench-suite: virtual bench setup: \(oneLine(error))")
        return 1
      }
    }
  }
#endif
