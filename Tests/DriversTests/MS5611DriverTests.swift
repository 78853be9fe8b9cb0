import Drivers
import Emulators
import HAL
import MockHAL
import Testing

@Suite struct MS5611DriverTests {
  @Test func scriptedInitAndReadAreExactlyTheseTransactions() throws {
    let bus = "scripted-i2c"
    let script = TransactionScript()
    let clock = VirtualClock()
    clock.script = script
    let words = MS5611PROM.datasheetExample.words
    script.expect(.i2c(bus: bus, address: 0x77, write: [0x1E]))
    script.expect(.sleep(until: MonotonicInstant(nanoseconds: 2_800_000)))
    for (i, w) in words.enumerated() {
      script.expect(
        .i2c(bus: bus, address: 0x77, write: [0xA0 + UInt8(2 * i)], read: [UInt8(w >> 8), UInt8(w & 0xFF)]))
    }
    // OSR 4096: convert D2 (0x58), wait 9.04 ms, read; convert D1 (0x48), wait, read.
    script.expect(
      .i2c(bus: bus, address: 0x77, write: [0x58]),
      .sleep(until: MonotonicInstant(nanoseconds: 11_840_000)),
      .i2c(bus: bus, address: 0x77, write: [0x00], read: [0x82, 0xC1, 0x3E]),  // 8569150
      .i2c(bus: bus, address: 0x77, write: [0x48]),
      .sleep(until: MonotonicInstant(nanoseconds: 20_880_000)),
      .i2c(bus: bus, address: 0x77, write: [0x00], read: [0x8A, 0xA2, 0x1A])  // 9085466
    )
    let driver = MS5611(bus: ScriptedI2CBus(script: script), address: 0x77, osr: .osr4096)
    try driver.initialise(clock: clock)
    let s = try driver.readOnce(clock: clock)
    try script.verify()
    #expect(s.centiCelsius == 2007)
    #expect(s.pascals == 100_009)
    #expect(driver.minimumPeriod == .microseconds(18_080))
  }

  @Test(arguments: [false, true])
  func promCRCMismatchIsTyped(onTheWire: Bool) throws {
    let clock = VirtualClock()
    let bus = SimulatedI2CBus()
    let chip = MS5611Emulator(clock: clock)
    try bus.attach(chip, at: 0x77)
    if onTheWire {
      // Every read's second byte flipped in transit.
      bus.inject(.corrupt(index: 1, mask: 0x04), address: 0x77, count: nil)
    } else {
      chip.corruptPROM(word: 2, mask: 0x0004)
    }
    let driver = MS5611(bus: bus)
    #expect {
      try driver.initialise(clock: clock)
    } throws: { error in
      guard let e = error as? SensorError, case .crcMismatch = e.kind else { return false }
      return e.device == "ms5611@sim-i2c:0x77"
    }
    #expect(driver.prom == nil)
  }

  final class Rig {
    let clock = VirtualClock()
    let bus = SimulatedI2CBus()
    let chip: MS5611Emulator
    let driver: MS5611
    init(osr: MS5611OSR = .osr4096) throws {
      chip = MS5611Emulator(clock: clock)
      try bus.attach(chip, at: 0x77)
      driver = MS5611(bus: bus, osr: osr)
    }
  }

  @Test(arguments: MS5611OSR.allCases)
  func roundTripAcrossTheRangeIncludingSecondOrder(osr: MS5611OSR) throws {
    let rig = try Rig(osr: osr)
    try rig.driver.initialise(clock: rig.clock)
    for celsius in stride(from: -40.0, through: 85.0, by: 5.0) {
      for mbar in stride(from: 10.0, through: 1200.0, by: 119.0) {
        rig.chip.temperature = Temperature(celsius: celsius + 0.004)
        rig.chip.pressure = .hectopascals(mbar)
        let s = try rig.driver.readOnce(clock: rig.clock)
        // Output resolution: 0.01 C and 1 Pa (integers).
        #expect(abs(s.temperature.celsius - (celsius + 0.004)) <= 0.01, "T \(celsius)")
        #expect(abs(s.pressure.pascals - mbar * 100) <= 1, "P \(mbar) at \(celsius) C")
      }
    }
  }

  @Test func splitPhaseNeverRepeatsASample() throws {
    let rig = try Rig()
    try rig.driver.initialise(clock: rig.clock)
    let t0 = rig.clock.now()
    #expect(try rig.driver.collect(now: t0) == nil)
    let step1 = try rig.driver.startMeasurement(now: t0)
    #expect(step1 == t0.advanced(by: .microseconds(9040)))
    #expect(try rig.driver.startMeasurement(now: t0) == step1)
    rig.clock.advance(to: step1)
    #expect(try rig.driver.collect(now: step1) == nil)
    let step2 = try #require(rig.driver.nextStepAt)
    rig.clock.advance(to: step2)
    #expect(try rig.driver.collect(now: step2) != nil)
    #expect(try rig.driver.collect(now: step2) == nil)
    #expect(rig.driver.nextStepAt == nil)
  }

  @Test func resetDuringConversionIsATypedErrorThenRecovers() throws {
    let rig = try Rig()
    try rig.driver.initialise(clock: rig.clock)
    let step1 = try rig.driver.startMeasurement(now: rig.clock.now())
    rig.clock.advance(to: step1)
    rig.chip.resetToDefaults()
    #expect {
      _ = try rig.driver.collect(now: step1)
    } throws: { ($0 as? SensorError)?.kind == .conversionIncomplete }
    rig.clock.advance(by: .milliseconds(3))
    rig.chip.pressure = .hectopascals(1000)
    #expect(try rig.driver.readOnce(clock: rig.clock).pascals == 100_000)
  }

  @Test func stuckConversionAndNackAreTyped() throws {
    let rig = try Rig()
    try rig.driver.initialise(clock: rig.clock)
    rig.chip.conversionStuck = true
    #expect {
      _ = try rig.driver.readOnce(clock: rig.clock)
    } throws: { ($0 as? SensorError)?.kind == .conversionIncomplete }
    rig.chip.conversionStuck = false
    rig.bus.inject(.nack(.unknown), address: 0x77)
    #expect {
      _ = try rig.driver.readOnce(clock: rig.clock)
    } throws: { error in
      guard let e = error as? SensorError, case .bus(let b) = e.kind else { return false }
      return b.kind == .nack(.unknown)
    }
    #expect(try rig.driver.readOnce(clock: rig.clock).centiCelsius == 2200)
  }
}

@Suite struct PressureSensorTests {
  @Test(arguments: PressureSensorKind.allCases)
  func probeAndReadEveryKind(kind: PressureSensorKind) throws {
    let clock = VirtualClock()
    let bus = SimulatedI2CBus()
    switch kind {
    case .bmp280, .bme280:
      let chip = BMP280Emulator(kind: kind == .bme280 ? .bme280 : .bmp280, clock: clock)
      chip.pressure = .hectopascals(1012.5)
      chip.temperature = Temperature(celsius: -12.3)
      try bus.attach(chip, at: 0x76)
    case .ms5611:
      let chip = MS5611Emulator(clock: clock)
      chip.pressure = .hectopascals(1012.5)
      chip.temperature = Temperature(celsius: -12.3)
      try bus.attach(chip, at: 0x76)
    }
    let r = try probeAndRead(kind: kind, bus: bus, address: 0x76, clock: clock)
    #expect(r.kind == kind)
    #expect(abs(r.pressure.pascals - 101_250) <= 1)
    #expect(abs(r.temperature.celsius + 12.3) <= 0.01)
    #expect((r.humidity != nil) == (kind == .bme280))
  }

  @Test func wrongKindAtTheAddressIsRefused() throws {
    let clock = VirtualClock()
    let bus = SimulatedI2CBus()
    try bus.attach(BMP280Emulator(kind: .bme280, clock: clock), at: 0x76)
    #expect {
      _ = try probeAndRead(kind: .bmp280, bus: bus, address: 0x76, clock: clock)
    } throws: { error in
      guard let e = error as? SensorError, case .wrongChip(0x60) = e.kind else { return false }
      return true
    }
    #expect {
      _ = try probeAndRead(kind: .bmp280, bus: bus, address: 0x77, clock: clock)
    } throws: { error in
      guard let e = error as? SensorError, case .bus(let b) = e.kind else { return false }
      return b.kind == .nack(.address)
    }
  }
}
