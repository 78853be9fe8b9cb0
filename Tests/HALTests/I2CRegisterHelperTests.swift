import HAL
import Testing

/// A minimal bus that records what went on the wire and answers with a fixed pattern,
/// so the register helpers can be tested without the mock HAL.
private final class RecordingBus: I2CBus {
  let name = "rec"
  let capabilities: I2CCapabilities = .full
  var writes: [[UInt8]] = []
  var readCounts: [Int] = []
  var failWith: I2CError.Kind?

  func writeRead(address: UInt8, write: UnsafeRawBufferPointer, read: UnsafeMutableRawBufferPointer) throws(I2CError) {
    if let failWith { throw I2CError(failWith, bus: name, address: address) }
    writes.append(Array(write))
    readCounts.append(read.count)
    for index in 0..<read.count { read[index] = UInt8(truncatingIfNeeded: 0xA0 + index) }
  }
}

@Suite struct I2CRegisterHelperTests {
  @Test func writeRegisterSendsRegisterThenValue() throws {
    let bus = RecordingBus()
    try bus.writeRegister(address: 0x76, register: 0xF4, value: 0x27)
    #expect(bus.writes == [[0xF4, 0x27]])
    #expect(bus.readCounts == [0])
  }

  @Test func readRegistersUsesRepeatedStartWithRegisterPointer() throws {
    let bus = RecordingBus()
    var buffer = [UInt8](repeating: 0, count: 6)
    try bus.readRegisters(address: 0x76, start: 0xF7, into: &buffer)
    #expect(bus.writes == [[0xF7]])
    #expect(bus.readCounts == [6])
    #expect(buffer == [0xA0, 0xA1, 0xA2, 0xA3, 0xA4, 0xA5])
    #expect(try bus.readRegister(address: 0x76, register: 0xD0) == 0xA0)
  }

  @Test func errorsAreTypedAndNameBusAndAddress() {
    let bus = RecordingBus()
    bus.failWith = .nack(.unknown)
    #expect(throws: I2CError(.nack(.unknown), bus: "rec", address: 0x40)) {
      try bus.writeCommand(address: 0x40, command: 0x1E)
    }
    let error = I2CError(.nack(.address), bus: "/dev/i2c-1", address: 0x76)
    #expect(error.description == "i2c /dev/i2c-1 address 0x76: no acknowledge (address phase)")
    #expect(I2CError(.timeout, bus: "b").isTransient)
    #expect(!I2CError(.permissionDenied, bus: "b").isTransient)
  }

  @Test func gpioErrorNamesChipAndLine() {
    let error = GPIOError(.lineNotFound, line: GPIOLineID(chip: "pinctrl-bcm2711", line: "GPIO99"))
    #expect(error.description == "gpio pinctrl-bcm2711/GPIO99: chip 'pinctrl-bcm2711' has no line named 'GPIO99'")
  }
}

@Suite struct I2CExclusiveAccessDefaultTests {
  @Test func defaultSessionIsTheBusItselfAndPassesResultsAndErrorsThrough() throws {
    let bus = RecordingBus()
    let value = try bus.withExclusiveAccess { (session) throws(I2CError) -> UInt8 in
      #expect(session === bus)
      try session.writeRegister(address: 0x76, register: 0xF4, value: 0x27)
      return try session.readRegister(address: 0x76, register: 0xD0)
    }
    #expect(value == 0xA0)
    #expect(bus.writes == [[0xF4, 0x27], [0xD0]])

    bus.failWith = .nack(.unknown)
    #expect(throws: I2CError(.nack(.unknown), bus: "rec", address: 0x77)) {
      try bus.withExclusiveAccess { (session) throws(I2CError) in
        _ = try session.readRegister(address: 0x77, register: 0)
      }
    }
  }
}
