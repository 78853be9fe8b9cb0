import HAL
import LinuxHAL
import Testing

@Suite("SMBus transfer planning for SMBus-only adapters")
struct SMBusPlanTests {
  let stub = I2CCapabilities.smbusOnly

  func plan(_ write: [UInt8], read: Int, caps: I2CCapabilities? = nil) throws(SMBusUnsupported) -> [SMBusOperation] {
    try SMBusPlan.plan(write: write, readCount: read, capabilities: caps ?? stub).operations
  }

  @Test func registerReadIsReadByteData() throws {
    #expect(try plan([0xD0], read: 1) == [.readByteData(command: 0xD0, readOffset: 0)])
  }

  @Test func sixByteBurstIsOneI2CBlockRead() throws {
    #expect(try plan([0xF7], read: 6) == [.readI2CBlock(command: 0xF7, readOffset: 0, count: 6)])
  }

  @Test func registerWriteIsWriteByteData() throws {
    #expect(try plan([0xF4, 0x27], read: 0) == [.writeByteData(command: 0xF4, value: 0x27)])
  }

  @Test func commandByteIsSendByte() throws {
    #expect(try plan([0x1E], read: 0) == [.sendByte(command: 0x1E)])
  }

  @Test func multiByteWriteIsI2CBlockWrite() throws {
    #expect(try plan([0x06, 1, 2, 3, 4], read: 0) == [.writeI2CBlock(command: 0x06, writeOffset: 1, count: 4)])
  }

  @Test func readOnlyOneByteIsReceiveByte() throws {
    #expect(try plan([], read: 1) == [.receiveByte(readOffset: 0)])
  }

  @Test func zeroLengthProbeIsQuickWrite() throws {
    #expect(try plan([], read: 0) == [.quickWrite])
  }

  @Test func readOf70BytesSplitsAt32WithAdvancingRegister() throws {
    #expect(
      try plan([0x88], read: 70) == [
        .readI2CBlock(command: 0x88, readOffset: 0, count: 32),
        .readI2CBlock(command: 0xA8, readOffset: 32, count: 32),
        .readI2CBlock(command: 0xC8, readOffset: 64, count: 6),
      ])
  }

  @Test func readOfExactly32BytesIsOneBlock() throws {
    #expect(try plan([0x00], read: 32).count == 1)
    #expect(try plan([0x00], read: 33).count == 2)
  }

  @Test func twoByteReadUsesWordDataWithoutI2CBlock() throws {
    let caps: I2CCapabilities = [.smbusByteData, .smbusWordData]
    #expect(try plan([0xA2], read: 2, caps: caps) == [.readWordData(command: 0xA2, readOffset: 0)])
  }

  @Test func burstFallsBackToByteReadsWithoutI2CBlock() throws {
    let caps: I2CCapabilities = [.smbusByteData]
    #expect(
      try plan([0x10], read: 3, caps: caps) == [
        .readByteData(command: 0x10, readOffset: 0),
        .readByteData(command: 0x11, readOffset: 1),
        .readByteData(command: 0x12, readOffset: 2),
      ])
  }

  @Test(arguments: [
    ([UInt8](), 2),  // read without a register byte
    ([0x00, 0x01], 1),  // 16-bit register address then read
    ([UInt8](repeating: 0, count: 34), 0),  // write longer than one block
    ([0xF0], 17),  // runs past register 0xff
  ])
  func shapesWithoutSMBusFormAreUnsupported(write: [UInt8], read: Int) {
    #expect(throws: SMBusUnsupported.self) { try plan(write, read: read) }
  }

  @Test func missingCapabilityIsUnsupported() {
    #expect(throws: SMBusUnsupported.self) { try plan([], read: 0, caps: [.smbusByteData]) }
    #expect(throws: SMBusUnsupported.self) { try plan([0x00], read: 6, caps: [.smbusQuick]) }
  }

  @Test func linuxFunctionalityWordMapsToCapabilities() {
    // i2c-stub without SMBus block data: quick, byte, byte data, word data, I2C block.
    let stubFuncs: UInt = 0x0001_0000 | 0x0006_0000 | 0x0018_0000 | 0x0060_0000 | 0x0C00_0000
    #expect(I2CCapabilities(linuxFunctionality: stubFuncs) == .smbusOnly)
    #expect(I2CCapabilities(linuxFunctionality: stubFuncs | 0x1).contains(.plainI2C))
    // A read-only I2C block bit alone is not the pair.
    #expect(!I2CCapabilities(linuxFunctionality: 0x0400_0000).contains(.smbusI2CBlock))
  }
}
