import Drivers
import Emulators
import HAL
import MockHAL
import Testing

/// A register-file bus: each device is 256 byte registers with auto-increment, and
/// the MS5611's PROM answers 2-byte reads of 0xA0...0xAE.
final class RegisterBus: I2CBus {
  let name = "/dev/i2c-test"
  let capabilities = I2CCapabilities.full
  var registers: [UInt8: [UInt8]] = [:]

  func writeRead(address: UInt8, write: UnsafeRawBufferPointer, read: UnsafeMutableRawBufferPointer)
    throws(I2CError)
  {
    guard let regs = registers[address] else { throw I2CError(.nack(.address), bus: name, address: address) }
    guard let start = write.first else { return }
    for index in 0..<read.count { read[index] = regs[(Int(start) + index) & 0xFF] }
  }
}

@Suite("Chip identity probes (the drivers' chip knowledge)")
struct ChipIdentificationTests {
  func bus(_ address: UInt8, _ set: (inout [UInt8]) -> Void) -> RegisterBus {
    let bus = RegisterBus()
    var regs = [UInt8](repeating: 0, count: 256)
    set(&regs)
    bus.registers[address] = regs
    return bus
  }

  @Test func bmp280ChipIdMatches() {
    let row = DeviceProbe.check(bus: bus(0x76) { $0[0xD0] = 0x58 }, address: 0x76, kind: .bmp280)
    #expect(row.status == .ok)
    #expect(row.target == "i2c /dev/i2c-test 0x76")
  }

  @Test("engineering-sample BMP280 ids 0x56/0x57 are the driver's, so the probe accepts them")
  func bmp280SampleIDs() {
    for id: UInt8 in [0x56, 0x57] {
      #expect(DeviceProbe.check(bus: bus(0x77) { $0[0xD0] = id }, address: 0x77, kind: .bmp280).status == .ok)
    }
  }

  @Test func bme280WhereBmp280ExpectedIsAMismatchSayingSo() {
    let row = DeviceProbe.check(bus: bus(0x77) { $0[0xD0] = 0x60 }, address: 0x77, kind: .bmp280)
    #expect(row.status == .mismatch)
    #expect(row.detail.contains("a BME280"))
  }

  @Test func absentDeviceIsMissingNamingBusAndAddress() {
    let row = DeviceProbe.check(bus: RegisterBus(), address: 0x40, kind: .pca9685)
    #expect(row.status == .missing)
    #expect(row.detail.contains("/dev/i2c-test") && row.detail.contains("0x40"))
  }

  @Test func pca9685AnswersMode1() {
    let row = DeviceProbe.check(bus: bus(0x40) { $0[0x00] = 0x11 }, address: 0x40, kind: .pca9685)
    #expect(row.status == .ok && row.detail == "MODE1 = 0x11")
  }

  @Test("a chip probed where its pins cannot put it is an error naming the rule, before any transfer")
  func probeAtImpossibleAddress() {
    let row = DeviceProbe.check(bus: bus(0x4C) { $0[0xD0] = 0x58 }, address: 0x4C, kind: .bmp280)
    #expect(row.status == .error)
    #expect(row.detail.contains("0x76") && row.detail.contains("0x4c"))
  }

  @Test("an answer at 0x70 is explained: every PCA9685 answers its LED All Call address")
  func allCallExplained() {
    let row = DeviceProbe.check(bus: bus(0x70) { $0[0x00] = 0x11 }, address: 0x70, kind: .pca9685)
    #expect(row.status == .ok)
    #expect(row.detail.contains("All Call"))
    #expect(I2CAddressNotes.note(for: 0x40) == nil)
  }

  func ms5611Bus(prom: [UInt16]) -> RegisterBus {
    bus(0x77) { regs in
      for (index, word) in prom.enumerated() {
        regs[0xA0 + index * 2] = UInt8(word >> 8)
        regs[0xA1 + index * 2] = UInt8(word & 0xFF)
      }
    }
  }

  @Test func ms5611PromWithValidCrcPassesAndCorruptionIsCaught() {
    let prom = MS5611PROM.datasheetExample.words
    #expect(DeviceProbe.check(bus: ms5611Bus(prom: prom), address: 0x77, kind: .ms5611).status == .ok)
    var corrupt = prom
    corrupt[3] ^= 0x0100
    let row = DeviceProbe.check(bus: ms5611Bus(prom: corrupt), address: 0x77, kind: .ms5611)
    #expect(row.status == .mismatch)
    #expect(row.detail.contains("CRC"))
  }

  @Test func blankPromIsAMismatch() {
    let row = DeviceProbe.check(bus: ms5611Bus(prom: [UInt16](repeating: 0, count: 8)), address: 0x77, kind: .ms5611)
    #expect(row.status == .mismatch)
  }

  @Test("the probe and the MS5611 emulator agree: the driver's PROM check on the emulator passes")
  func ms5611Emulator() throws {
    let clock = VirtualClock()
    let sim = SimulatedI2CBus(name: "sim")
    try sim.attach(MS5611Emulator(clock: clock), at: 0x76)
    #expect(DeviceProbe.check(bus: sim, address: 0x76, kind: .ms5611).status == .ok)
  }

  @Test func tableAlignsColumns() {
    let rows = [
      ProbeRow(target: "i2c /dev/i2c-1 0x76", check: "bmp280", status: .ok, detail: "chip id 0x58"),
      ProbeRow(target: "gpio chip/L", check: "line exists", status: .missing, detail: "no line"),
    ]
    let lines = DeviceProbe.table(rows).split(separator: "\n").map(String.init)
    #expect(lines.count == 3)
    #expect(lines[0].hasPrefix("TARGET               CHECK        STATUS    DETAIL"))
    #expect(lines[2].hasPrefix("gpio chip/L          line exists  MISSING   no line"))
  }
}
