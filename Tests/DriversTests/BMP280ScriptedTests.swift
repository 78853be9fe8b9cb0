import Drivers
import HAL
import MockHAL
import Testing

/// Exact bytes on the wire for the BMP280 init sequence and one forced measurement.
@Suite struct BMP280ScriptedTests {
  let bus = "scripted-i2c"
  let cal = BMP280Calibration.datasheetExample.registerBytes

  @Test func initAndForcedReadAreExactlyTheseTransactions() throws {
    let script = TransactionScript()
    let clock = VirtualClock()
    clock.script = script
    // Settings: osrs_t x2 (010), osrs_p x16 (101), filter 4 (010), standby code 0.
    // ctrl_meas forced = 0b010_101_01 = 0x55, sleeping = 0x54; config = 0x08.
    // Measurement time: 1.25 + 2 * 2.3 + 16 * 2.3 + 0.575 ms = 43.225 ms.
    script.expect(
      .i2c(bus: bus, address: 0x76, write: [0xD0], read: [0x58]),
      .i2c(bus: bus, address: 0x76, write: [0xE0, 0xB6]),
      .sleep(until: MonotonicInstant(nanoseconds: 2_000_000)),
      .i2c(bus: bus, address: 0x76, write: [0xF3], read: [0x00]),
      .i2c(bus: bus, address: 0x76, write: [0x88], read: cal),
      .i2c(bus: bus, address: 0x76, write: [0xF5, 0x08]),
      .i2c(bus: bus, address: 0x76, write: [0xF4, 0x54]),
      .i2c(bus: bus, address: 0x76, write: [0xF4, 0x55]),
      .sleep(until: MonotonicInstant(nanoseconds: 45_225_000)),
      // status, ctrl_meas (back to sleep), config, 0xF6, press 0x655AC, temp 0x7EED0.
      .i2c(bus: bus, address: 0x76, write: [0xF3], read: [0x00, 0x54, 0x08, 0x00, 0x65, 0x5A, 0xC0, 0x7E, 0xED, 0x00])
    )
    let driver = BMP280(bus: ScriptedI2CBus(script: script), address: 0x76, kind: .bmp280)
    try driver.initialise(clock: clock)
    let sample = try driver.readOnce(clock: clock)
    try script.verify()
    #expect(sample.centiCelsius == 2508)
    #expect(sample.pressureQ24Dot8 == 25_767_233)
    #expect(sample.raw.t == 519_888)
    #expect(sample.raw.p == 415_148)
    #expect(driver.minimumPeriod == .microseconds(43_225))
  }

  @Test func bme280InitReadsHumidityCalibrationAndWritesCtrlHumFirst() throws {
    let script = TransactionScript()
    let clock = VirtualClock()
    let h = BMP280Calibration.typicalHumidity.registerBytes
    script.expect(
      .i2c(bus: bus, address: 0x77, write: [0xD0], read: [0x60]),
      .i2c(bus: bus, address: 0x77, write: [0xE0, 0xB6]),
      // NVM copy still running at 2 ms: poll again 1 ms later.
      .i2c(bus: bus, address: 0x77, write: [0xF3], read: [0x01]),
      .i2c(bus: bus, address: 0x77, write: [0xF3], read: [0x00]),
      .i2c(bus: bus, address: 0x77, write: [0x88], read: cal),
      .i2c(bus: bus, address: 0x77, write: [0xA1], read: [h.a1]),
      .i2c(bus: bus, address: 0x77, write: [0xE1], read: h.e1),
      .i2c(bus: bus, address: 0x77, write: [0xF2, 0x01]),
      .i2c(bus: bus, address: 0x77, write: [0xF5, 0x08]),
      .i2c(bus: bus, address: 0x77, write: [0xF4, 0x54])
    )
    let driver = BMP280(bus: ScriptedI2CBus(script: script), address: 0x77, kind: .bme280)
    try driver.initialise(clock: clock)
    try script.verify()
    #expect(clock.now() == MonotonicInstant(nanoseconds: 3_000_000))
    #expect(driver.calibration?.humidity == BMP280Calibration.typicalHumidity)
  }

  @Test func wrongChipIDIsATypedErrorNamingTheDevice() {
    let script = TransactionScript([.i2c(bus: bus, address: 0x76, write: [0xD0], read: [0x55])])
    let driver = BMP280(bus: ScriptedI2CBus(script: script), kind: .bmp280)
    #expect {
      try driver.initialise(clock: VirtualClock())
    } throws: { error in
      guard let e = error as? SensorError, case .wrongChip(0x55) = e.kind else { return false }
      return e.device == "bmp280@scripted-i2c:0x76"
    }
  }

  @Test func probeNamesTheChip() throws {
    let script = TransactionScript([
      .i2c(bus: bus, address: 0x76, write: [0xD0], read: [0x60]),
      .i2c(bus: bus, address: 0x76, write: [0xD0], read: [0x57]),
    ])
    let i2c = ScriptedI2CBus(script: script)
    #expect(try BMP280.probe(bus: i2c, address: 0x76) == .bme280)
    #expect(try BMP280.probe(bus: i2c, address: 0x76) == .bmp280)
  }
}
