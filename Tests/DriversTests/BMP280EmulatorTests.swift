import Drivers
import Emulators
import HAL
import MockHAL
import Testing

/// The BMP280/BME280 driver against its register-level emulator.
@Suite struct BMP280EmulatorTests {
  final class Rig {
    let clock = VirtualClock()
    let bus = SimulatedI2CBus(name: "sim-i2c")
    let chip: BMP280Emulator
    let driver: BMP280

    init(kind: BMP280Kind, settings: BMP280Settings = .init()) throws {
      chip = BMP280Emulator(kind: kind, clock: clock)
      try bus.attach(chip, at: 0x76)
      driver = BMP280(bus: bus, address: 0x76, kind: kind, settings: settings)
    }
  }

  @Test(arguments: [BMP280Kind.bmp280, .bme280])
  func roundTripAcrossTheFullRange(kind: BMP280Kind) throws {
    let rig = try Rig(kind: kind)
    try rig.driver.initialise(clock: rig.clock)
    for celsius in stride(from: -40.0, through: 85.0, by: 12.5) {
      for hpa in stride(from: 300.0, through: 1100.0, by: 100.0) {
        rig.chip.temperature = Temperature(celsius: celsius)
        let target = min(hpa + 0.37, 1100)
        rig.chip.pressure = .hectopascals(target)
        rig.chip.humidity = RelativeHumidity(percent: (celsius + 40) / 1.25)
        let s = try rig.driver.readOnce(clock: rig.clock)
        // Resolutions: 0.01 C output; pressure code step <= 0.2 Pa; humidity 1/1024 %RH + code step.
        #expect(abs(s.temperature.celsius - celsius) <= 0.01, "T \(celsius)")
        #expect(abs(s.pressure.pascals - target * 100) <= 0.2, "P \(hpa) at \(celsius) C")
        if kind == .bme280 {
          let h = try #require(s.humidity)
          #expect(abs(h.percent - (celsius + 40) / 1.25) <= 0.02, "H at \(celsius) C")
        } else {
          #expect(s.humidity == nil)
        }
      }
    }
  }

  /// A depressurised module (below the chip's 300 hPa specification) reads as a low
  /// pressure, not as a failed sensor; an over-range reading is still a named fault.
  @Test(arguments: [BMP280Kind.bmp280, .bme280])
  func lowPressureIsAReadingAndOverRangeIsAFault(kind: BMP280Kind) throws {
    let rig = try Rig(kind: kind)
    try rig.driver.initialise(clock: rig.clock)
    for pascals in [25_000.0, 5_000.0, 500.0] {
      rig.chip.pressure = Pressure(pascals: pascals)
      let s = try rig.driver.readOnce(clock: rig.clock)
      #expect(abs(s.pressure.pascals - pascals) <= 0.5, "P \(pascals)")
    }
    rig.chip.pressure = .hectopascals(1200)
    #expect {
      _ = try rig.driver.readOnce(clock: rig.clock)
    } throws: { error in
      guard let e = error as? SensorError else { return false }
      return e.kind == .invalidRawValue && e.device == "\(kind.rawValue)@sim-i2c:0x76" && e.detail.contains("1150 hPa")
    }
  }

  @Test func collectNeverReturnsTheSameSampleTwice() throws {
    let rig = try Rig(kind: .bmp280)
    try rig.driver.initialise(clock: rig.clock)
    let now = rig.clock.now()
    #expect(try rig.driver.collect(now: now) == nil)
    let ready = try rig.driver.startMeasurement(now: now)
    #expect(ready == now.advanced(by: rig.driver.minimumPeriod))
    // A second start while converting does not restart the conversion.
    #expect(try rig.driver.startMeasurement(now: now.advanced(by: .milliseconds(1))) == ready)
    #expect(try rig.driver.collect(now: now.advanced(by: .milliseconds(10))) == nil)
    rig.clock.advance(to: ready)
    #expect(try rig.driver.collect(now: ready) != nil)
    #expect(try rig.driver.collect(now: ready) == nil)
    #expect(try rig.driver.collect(now: ready.advanced(by: .seconds(1))) == nil)
  }

  @Test func normalModeDeliversOneNewSamplePerPeriod() throws {
    let rig = try Rig(kind: .bmp280, settings: BMP280Settings(standby: .code1, mode: .normal))
    try rig.driver.initialise(clock: rig.clock)
    let period = rig.driver.minimumPeriod
    #expect(period == .microseconds(43_225 + 62_500))
    var count = 0
    for _ in 0..<1000 {
      rig.clock.advance(by: .milliseconds(1))
      try rig.driver.startMeasurement(now: rig.clock.now())
      if try rig.driver.collect(now: rig.clock.now()) != nil { count += 1 }
    }
    // 1 s of 1 kHz ticks: the first sample after 43.225 ms, then one per 105.725 ms.
    #expect(count == 10)
  }

  @Test func spontaneousResetIsDetectedAndRecovered() throws {
    let rig = try Rig(kind: .bme280)
    try rig.driver.initialise(clock: rig.clock)
    _ = try rig.driver.readOnce(clock: rig.clock)
    let ready = try rig.driver.startMeasurement(now: rig.clock.now())
    rig.clock.advance(to: ready)
    rig.chip.resetToDefaults()
    #expect {
      _ = try rig.driver.collect(now: rig.clock.now())
    } throws: { ($0 as? SensorError)?.kind == .deviceReset }
    // NVM copy still running: a typed, transient refusal.
    #expect {
      _ = try rig.driver.startMeasurement(now: rig.clock.now())
    } throws: { ($0 as? SensorError)?.kind == .notReady }
    rig.clock.advance(by: .milliseconds(3))
    rig.chip.pressure = .hectopascals(990)
    let s = try rig.driver.readOnce(clock: rig.clock)
    #expect(abs(s.pressure.hectopascals - 990) < 0.01)
  }

  @Test func nackIsATypedBusError() throws {
    let rig = try Rig(kind: .bmp280)
    try rig.driver.initialise(clock: rig.clock)
    rig.bus.inject(.nack(.address), address: 0x76)
    #expect {
      _ = try rig.driver.readOnce(clock: rig.clock)
    } throws: { error in
      guard let e = error as? SensorError, case .bus(let b) = e.kind else { return false }
      return b.kind == .nack(.address) && e.device == "bmp280@sim-i2c:0x76"
    }
    // The next measurement works again.
    #expect(try rig.driver.readOnce(clock: rig.clock).centiCelsius == 2200)
  }

  @Test func timeoutDuringCollectDoesNotReturnAStaleSampleLater() throws {
    let rig = try Rig(kind: .bmp280)
    try rig.driver.initialise(clock: rig.clock)
    let ready = try rig.driver.startMeasurement(now: rig.clock.now())
    rig.clock.advance(to: ready)
    rig.bus.inject(.timeout, address: 0x76)
    #expect(throws: SensorError.self) { _ = try rig.driver.collect(now: ready) }
    #expect(try rig.driver.collect(now: ready) == nil)
  }

  @Test func stuckConversionIsReportedNotRepeated() throws {
    let rig = try Rig(kind: .bmp280)
    try rig.driver.initialise(clock: rig.clock)
    _ = try rig.driver.readOnce(clock: rig.clock)
    rig.chip.conversionStuck = true
    #expect {
      _ = try rig.driver.readOnce(clock: rig.clock)
    } throws: { ($0 as? SensorError)?.kind == .conversionIncomplete }
  }

  @Test func corruptedCalibrationBeforeInitIsACalibrationError() throws {
    let rig = try Rig(kind: .bmp280)
    // dig_P1 is bytes 6-7 (0x8E/0x8F): zero it.
    rig.chip.corruptCalibration(offset: 6, mask: rig.chip.registers[0x8E], persistent: true)
    rig.chip.corruptCalibration(offset: 7, mask: rig.chip.registers[0x8F], persistent: true)
    #expect {
      try rig.driver.initialise(clock: rig.clock)
    } throws: { ($0 as? SensorError)?.kind == .calibration }
  }

  @Test func calibrationChangedUnderneathIsDetectedByVerify() throws {
    let rig = try Rig(kind: .bmp280)
    try rig.driver.initialise(clock: rig.clock)
    try rig.driver.verify()
    rig.chip.corruptCalibration(offset: 2, mask: 0x10)
    #expect {
      try rig.driver.verify()
    } throws: { ($0 as? SensorError)?.kind == .deviceReset }
    // Re-initialisation reads the registers again: the driver now computes with what the
    // chip holds, and says so rather than silently mixing the two.
    _ = try rig.driver.startMeasurement(now: rig.clock.now())
    #expect(rig.driver.calibration?.registerBytes == Array(rig.chip.registers[0x88..<0xA0]))
  }

  @Test func skippedPressureChannelIsATypedError() throws {
    let rig = try Rig(kind: .bmp280, settings: BMP280Settings(pressure: .skip))
    try rig.driver.initialise(clock: rig.clock)
    #expect {
      _ = try rig.driver.readOnce(clock: rig.clock)
    } throws: { ($0 as? SensorError)?.kind == .invalidRawValue }
  }
}

@Suite struct BMP280BusFaultTests {
  @Test func replayedReadsShowAsAnIdenticalRawStreak() throws {
    let clock = VirtualClock()
    let bus = SimulatedI2CBus()
    let chip = BMP280Emulator(kind: .bmp280, clock: clock)
    try bus.attach(chip, at: 0x76)
    let driver = BMP280(bus: bus, kind: .bmp280)
    try driver.initialise(clock: clock)
    chip.pressure = .hectopascals(1000)
    _ = try driver.readOnce(clock: clock)
    #expect(driver.identicalRawStreak == 0)
    bus.inject(.stuck, address: 0x76, count: nil)
    chip.pressure = .hectopascals(900)
    for _ in 0..<3 { _ = try driver.readOnce(clock: clock) }
    #expect(driver.identicalRawStreak == 3)
    bus.clearFaults()
    let fresh = try driver.readOnce(clock: clock)
    #expect(abs(fresh.pressure.hectopascals - 900) < 0.01)
    #expect(driver.identicalRawStreak == 0)
  }

  @Test(arguments: PressureSensorKind.allCases)
  func driversWorkOnAnSMBusOnlyAdapter(kind: PressureSensorKind) throws {
    let clock = VirtualClock()
    let bus = SimulatedI2CBus(capabilities: .smbusOnly)
    if kind == .ms5611 {
      try bus.attach(MS5611Emulator(clock: clock), at: 0x76)
    } else {
      try bus.attach(BMP280Emulator(kind: kind == .bme280 ? .bme280 : .bmp280, clock: clock), at: 0x76)
    }
    let r = try probeAndRead(kind: kind, bus: bus, address: 0x76, clock: clock)
    #expect(abs(r.pressure.pascals - 101_325) <= 1)
  }

  @Test func pca9685WorksOnAnSMBusOnlyAdapter() throws {
    let clock = VirtualClock()
    let bus = SimulatedI2CBus(capabilities: .smbusOnly)
    let chip = PCA9685Emulator(clock: clock)
    try bus.attach(chip, at: 0x40)
    let driver = PCA9685(bus: bus)
    try driver.initialise(frequency: .init(hertz: 50), clock: clock)
    let ch = try driver.channel(1)
    try ch.setPulseWidth(.microseconds(1500))
    try ch.setEnabled(true)
    #expect(abs(chip.pulseWidth(channel: 1).microsecondsDouble - 1500) < 2.5)
  }
}
