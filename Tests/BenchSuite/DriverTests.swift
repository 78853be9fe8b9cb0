// Linux only: the bench drives Linux kernel interfaces (gpio-sim, i2c-dev, softdog).
#if os(Linux)
  import Glibc

  import Drivers
  import HAL

  #if canImport(LinuxHAL)
    import LinuxHAL
  #endif

  /// The real drivers over the real i2c-dev path.
  enum DriverTests {
    static var all: [BenchTest] {
      [BenchTest(name: "driver.bmp280-reading-over-i2c-dev", body: bmp280)]
    }

    static func bmp280(_ ctx: BenchContext) throws {
      guard let address = try ctx.i2c().bmp280 else { throw BenchSkip("the fixture has no BMP280") }
      let bus = try LinuxBackend.i2cBus(try ctx.i2c().bus)
      let address8 = UInt8(truncatingIfNeeded: address)
      let kind = try BMP280.probe(bus: bus, address: address8)
      // Normal mode: i2c-stub keeps whatever ctrl_meas says, so a forced conversion would
      // never be seen to return to sleep as a real chip's does.
      let settings = BMP280Settings(mode: ctx.config.isVirtual ? .normal : .forced)
      let driver = BMP280(bus: bus, address: address8, kind: kind, settings: settings)
      let clock = SystemClock()
      try driver.initialise(clock: clock)
      let sample = try driver.readOnce(clock: clock)
      if ctx.config.isVirtual {
        // Datasheet worked example: T = 2508 (25.08 C), 64-bit pressure 25767233 (Q24.8).
        try expect(sample.centiCelsius == 2508, "temperature \(sample.centiCelsius) centi-C, expected 2508")
        try expect(
          sample.pressureQ24Dot8 == 25_767_233,
          "pressure \(sample.pressureQ24Dot8) (Q24.8), expected 25767233 = 100653.25 Pa")
      } else {
        try expect(
          (-20...60).contains(sample.temperature.celsius), "implausible bench temperature \(sample.temperature)")
        try expect(
          (30_000...110_000).contains(sample.pressure.pascals), "implausible bench pressure \(sample.pressure)")
      }
    }
  }
#endif
