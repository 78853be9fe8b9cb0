import HAL
import LinuxHAL
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

@Suite("Chip identity probes")
struct DeviceProbeTests {
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

  func ms5611Bus(prom: [UInt16]) -> RegisterBus {
    bus(0x77) { regs in
      for (index, word) in prom.enumerated() {
        regs[0xA0 + index * 2] = UInt8(word >> 8)
        regs[0xA1 + index * 2] = UInt8(word & 0xFF)
      }
    }
  }

  @Test func ms5611PromWithValidCrcPassesAndCorruptionIsCaught() {
    // The datasheet's C1...C6 with a factory word and the CRC nibble computed into word 7.
    var prom: [UInt16] = [0x0050, 40127, 36924, 23317, 23282, 33464, 28312, 0x0000]
    prom[7] = UInt16(MS5611PROM.crc4(prom))
    #expect(DeviceProbe.check(bus: ms5611Bus(prom: prom), address: 0x77, kind: .ms5611).status == .ok)
    var corrupt = prom
    corrupt[3] ^= 0x0100
    #expect(DeviceProbe.check(bus: ms5611Bus(prom: corrupt), address: 0x77, kind: .ms5611).status == .mismatch)
  }

  @Test func ms5611CrcIgnoresTheStoredNibbleAndUsesAllWords() {
    let base: [UInt16] = [0x3132, 0x3334, 0x3536, 0x3738, 0x3940, 0x4142, 0x4344, 0x4500]
    var withNibble = base
    withNibble[7] |= 0x000B
    #expect(MS5611PROM.crc4(base) == MS5611PROM.crc4(withNibble))
    #expect(MS5611PROM.crc4(base) <= 0x0F)
    var changed = base
    changed[0] ^= 0x8000
    #expect(MS5611PROM.crc4(changed) != MS5611PROM.crc4(base))
  }

  @Test func blankPromIsAMismatch() {
    let row = DeviceProbe.check(bus: ms5611Bus(prom: [UInt16](repeating: 0, count: 8)), address: 0x77, kind: .ms5611)
    #expect(row.status == .mismatch)
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
