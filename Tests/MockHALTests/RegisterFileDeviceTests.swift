import HAL
import MockHAL
import Testing

@Suite struct RegisterFileDeviceTests {
  @Test func pointerAutoIncrementsAcrossWritesAndReads() throws {
    let bus = SimulatedI2CBus()
    let device = RegisterFileDevice()
    try bus.attach(device, at: 0x40)
    try bus.writeRegisters(address: 0x40, start: 0x06, bytes: [1, 2, 3, 4])
    #expect(device.registers[6...9] == [1, 2, 3, 4])
    #expect(device.pointer == 0x0A)
    #expect(try bus.transfer(address: 0x40, write: [0x07], read: 3) == [2, 3, 4])
    // A read-only transaction continues from the pointer the chip kept.
    #expect(try bus.transfer(address: 0x40, write: [], read: 1) == [0])
  }

  @Test func readOnlyRegistersIgnoreWritesButLoadSetsThem() throws {
    let bus = SimulatedI2CBus()
    let device = RegisterFileDevice()
    device.readOnly = [0xD0]
    device.load([0x58], at: 0xD0)
    try bus.attach(device, at: 0x76)
    try bus.writeRegister(address: 0x76, register: 0xD0, value: 0x00)
    #expect(try bus.readRegister(address: 0x76, register: 0xD0) == 0x58)
  }

  @Test func pointerWrapsAndShortOrLongInitialisersGive256Registers() throws {
    #expect(RegisterFileDevice(registers: [1, 2]).registers.count == 256)
    #expect(RegisterFileDevice(registers: [UInt8](repeating: 9, count: 300)).registers.count == 256)
    let device = RegisterFileDevice()
    device.load([0xAA, 0xBB, 0xCC], at: 0xFF)  // only 0xFF fits
    let bus = SimulatedI2CBus()
    try bus.attach(device, at: 0x10)
    #expect(try bus.transfer(address: 0x10, write: [0xFF], read: 2) == [0xAA, 0x00])
  }
}
