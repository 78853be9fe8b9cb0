import Drivers
import Emulators
import HAL
import MockHAL
import Testing

/// The BMP280/BME280 model's register behaviour, seen from raw bus transactions.
@Suite struct BMP280EmulatorModelTests {
  final class Rig {
    let clock = VirtualClock()
    let bus = SimulatedI2CBus()
    let chip: BMP280Emulator
    init(kind: BMP280Kind = .bmp280) throws {
      chip = BMP280Emulator(kind: kind, clock: clock)
      try bus.attach(chip, at: 0x76)
    }
    func read(_ register: UInt8, _ count: Int = 1) throws -> [UInt8] {
      try bus.transfer(address: 0x76, write: [register], read: count)
    }
    func write(_ register: UInt8, _ value: UInt8) throws {
      try bus.writeRegister(address: 0x76, register: register, value: value)
    }
  }

  @Test func powerOnStateMatchesTheDatasheet() throws {
    let rig = try Rig()
    #expect(try rig.read(0xD0) == [0x58])
    #expect(try rig.read(0xF3, 10) == [0, 0, 0, 0, 0x80, 0, 0, 0x80, 0, 0])
    #expect(try rig.read(0x88, 24) == BMP280Calibration.datasheetExample.registerBytes)
    #expect(try Rig(kind: .bme280).read(0xD0) == [0x60])
  }

  @Test func forcedConversionSetsMeasuringThenReturnsToSleep() throws {
    let rig = try Rig()
    try rig.write(0xF4, 0x55)
    #expect(try rig.read(0xF3)[0] & 0x08 != 0)
    #expect(try rig.read(0xF4) == [0x55])
    // Typical time for x2/x16: 1 + 4 + 32.5 ms = 37.5 ms; max is 43.225 ms.
    rig.clock.advance(by: .microseconds(37_499))
    #expect(try rig.read(0xF3)[0] & 0x08 != 0)
    rig.clock.advance(by: .microseconds(1))
    #expect(try rig.read(0xF3) == [0x00])
    #expect(try rig.read(0xF4) == [0x54])
    #expect(rig.chip.conversions == 1)
  }

  @Test func rawCodesInvertTheDatasheetExample() throws {
    // The inputs the datasheet example compensates to give back its raw codes' outputs.
    let rig = try Rig()
    rig.chip.temperature = Temperature(celsius: 25.08)
    rig.chip.pressure = Pressure(pascals: 25_767_233.0 / 256)
    let (t, tFine) = try BMP280Compensation.temperature(adcT: rig.chip.rawT, .datasheetExample)
    #expect(t == 2508)
    #expect(abs(Int(rig.chip.rawT) - 519_888) <= 1)
    // Within one raw code of the example (t_fine may differ by a unit, moving adc_P).
    #expect(abs(Int(rig.chip.rawP) - 415_148) <= 2)
    let p = try BMP280Compensation.pressure64(adcP: rig.chip.rawP, tFine: tFine, .datasheetExample)
    #expect(abs(Int(p) - 25_767_233) <= 21)  // half a code step (0.16 Pa = 41 in Q24.8)
  }

  @Test func softResetRestoresDefaultsAndRunsTheNVMCopy() throws {
    let rig = try Rig()
    try rig.write(0xF5, 0x08)
    try rig.write(0xE0, 0xB6)
    #expect(try rig.read(0xF5) == [0])
    #expect(try rig.read(0xF3) == [0x01])
    rig.clock.advance(by: .milliseconds(2))
    #expect(try rig.read(0xF3) == [0x00])
    // Any other value written to 0xE0 does nothing.
    try rig.write(0xF5, 0x08)
    try rig.write(0xE0, 0xB5)
    #expect(try rig.read(0xF5) == [0x08])
  }

  @Test func calibrationAndChipIDAreReadOnly() throws {
    let rig = try Rig()
    try rig.write(0x88, 0x00)
    try rig.write(0xD0, 0x00)
    #expect(try rig.read(0x88) == [0x70])
    #expect(try rig.read(0xD0) == [0x58])
  }

  @Test func normalModeConvertsRepeatedly() throws {
    let rig = try Rig()
    try rig.write(0xF5, 0x00)  // standby 0.5 ms
    try rig.write(0xF4, 0x57)  // normal mode
    rig.clock.advance(by: .seconds(1))
    _ = try rig.read(0xF3)
    #expect(rig.chip.conversions == 1)  // latched once per access, missed ones skipped
    #expect(try rig.read(0xF4) == [0x57])
    #expect(try rig.read(0xF7, 3) != [0x80, 0, 0])
  }

  @Test func skippedChannelReadsTheMarker() throws {
    let rig = try Rig()
    try rig.write(0xF4, 0b010_000_01)  // pressure skipped
    rig.clock.advance(by: .milliseconds(50))
    #expect(try rig.read(0xF7, 3) == [0x80, 0x00, 0x00])
    #expect(try rig.read(0xFA, 3) != [0x80, 0x00, 0x00])
  }

  @Test func bme280HumidityFollowsCtrlHum() throws {
    let rig = try Rig(kind: .bme280)
    rig.chip.humidity = RelativeHumidity(percent: 55)
    try rig.write(0xF2, 0x01)
    try rig.write(0xF4, 0x55)
    rig.clock.advance(by: .milliseconds(50))
    let raw = try rig.read(0xFD, 2)
    #expect(Int32(raw[0]) << 8 | Int32(raw[1]) == rig.chip.rawH)
  }
}

@Suite struct PCA9685EmulatorModelTests {
  final class Rig {
    let clock = VirtualClock()
    let bus = SimulatedI2CBus()
    let chip: PCA9685Emulator
    init() throws {
      chip = PCA9685Emulator(clock: clock)
      try bus.attach(chip, at: 0x40)
    }
    func write(_ bytes: [UInt8]) throws { _ = try bus.transfer(address: 0x40, write: bytes, read: 0) }
  }

  @Test func prescaleIsIgnoredWhileAwake() throws {
    let rig = try Rig()
    try rig.write([0x00, 0x00])  // wake
    try rig.write([0xFE, 121])
    #expect(rig.chip.prescale == 0x1E)
    #expect(rig.chip.ignoredPrescaleWrites == 1)
    try rig.write([0x00, 0x10])
    try rig.write([0xFE, 121])
    #expect(rig.chip.prescale == 121)
  }

  @Test func restartBefore500MicrosecondsIsRecorded() throws {
    let rig = try Rig()
    try rig.write([0x00, 0x20])
    try rig.write([0x00, 0xA0])
    #expect(rig.chip.restartViolations == 1)
    rig.clock.advance(by: .microseconds(500))
    try rig.write([0x00, 0xA0])
    #expect(rig.chip.restartViolations == 1)
    #expect(rig.chip.registers[0] == 0x20)
  }

  @Test func withoutAutoIncrementThePointerStays() throws {
    let rig = try Rig()
    try rig.write([0x00, 0x00])  // awake, AI off
    try rig.write([0x06, 0x11, 0x22])
    #expect(rig.chip.registers[0x06] == 0x22)
    #expect(rig.chip.registers[0x07] == 0x00)
  }

  @Test func fullOffWinsOverFullOn() throws {
    let rig = try Rig()
    try rig.write([0x00, 0x20])
    try rig.write([0x06, 0x00, 0x10, 0x00, 0x10])
    #expect(rig.chip.pulseWidth(channel: 0) == .zero)
    try rig.write([0x06, 0x00, 0x10, 0x00, 0x00])
    #expect(rig.chip.pulseWidth(channel: 0) == rig.chip.period)
  }

  @Test func outputEnablePinDisablesEverything() throws {
    let rig = try Rig()
    try rig.write([0x00, 0x20])
    try rig.write([0x06, 0x00, 0x00, 0x33, 0x01])
    #expect(rig.chip.pulseWidth(channel: 0) > .zero)
    rig.chip.outputEnablePin = false
    #expect(rig.chip.pulseWidth(channel: 0) == .zero)
  }
}

@Suite struct MS5611EmulatorModelTests {
  @Test func adcReadsZeroUntilTheConversionEndsAndOnlyOnce() throws {
    let clock = VirtualClock()
    let bus = SimulatedI2CBus()
    let chip = MS5611Emulator(clock: clock)
    try bus.attach(chip, at: 0x77)
    try bus.writeCommand(address: 0x77, command: 0x58)
    #expect(try bus.transfer(address: 0x77, write: [0x00], read: 3) == [0, 0, 0])
    try bus.writeCommand(address: 0x77, command: 0x58)
    clock.advance(by: .microseconds(8220))
    let raw = try bus.transfer(address: 0x77, write: [0x00], read: 3)
    #expect(UInt32(raw[0]) << 16 | UInt32(raw[1]) << 8 | UInt32(raw[2]) == chip.rawD2)
    #expect(try bus.transfer(address: 0x77, write: [0x00], read: 3) == [0, 0, 0])
  }

  @Test func unknownCommandIsNacked() throws {
    let bus = SimulatedI2CBus()
    try bus.attach(MS5611Emulator(clock: VirtualClock()), at: 0x77)
    #expect {
      try bus.writeCommand(address: 0x77, command: 0x33)
    } throws: { ($0 as? I2CError)?.kind == .nack(.data) }
  }

  @Test func promReadsBigEndianWords() throws {
    let bus = SimulatedI2CBus()
    try bus.attach(MS5611Emulator(clock: VirtualClock()), at: 0x77)
    // C1 = 40127 = 0x9CBF.
    #expect(try bus.transfer(address: 0x77, write: [0xA2], read: 2) == [0x9C, 0xBF])
  }
}
