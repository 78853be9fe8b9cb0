import HAL
import LinuxHAL
import Testing

@Suite("i2cdetect-style scanning")
struct I2CScanTests {
  @Test func eepromRangesUseReadByteElsewhereQuickWrite() {
    let caps = I2CCapabilities.smbusOnly
    #expect(I2CScan.method(for: 0x76, capabilities: caps) == .quickWrite)
    #expect(I2CScan.method(for: 0x50, capabilities: caps) == .readByte)
    #expect(I2CScan.method(for: 0x37, capabilities: caps) == .readByte)
    #expect(I2CScan.method(for: 0x38, capabilities: caps) == .quickWrite)
  }

  @Test func addressesWhoseMethodIsMissingAreSkipped() {
    #expect(I2CScan.method(for: 0x40, capabilities: [.smbusByte]) == nil)
    #expect(I2CScan.method(for: 0x50, capabilities: [.smbusQuick]) == nil)
  }

  @Test func tableLooksLikeI2cdetect() {
    var results: [UInt8: I2CScanResult] = [:]
    for address in I2CScan.defaultRange { results[address] = .absent }
    results[0x40] = .present
    results[0x76] = .present
    results[0x1A] = .claimed
    let lines = I2CScan.table(results).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    #expect(lines.count == 9)
    #expect(lines[0] == "     0  1  2  3  4  5  6  7  8  9  a  b  c  d  e  f")
    #expect(lines[1] == "00:                         -- -- -- -- -- -- -- --")
    #expect(lines[2] == "10: -- -- -- -- -- -- -- -- -- -- UU -- -- -- -- --")
    #expect(lines[5].hasPrefix("40: 40 --"))
    #expect(lines[8] == "70: -- -- -- -- -- -- 76 --                        ")
  }
}
