import HAL
import MockHAL
import Testing

/// A register device at 0x76 with registers 0xD0... = 0x58, 0x01, 0x02, 0x03.
private func makeBus(capabilities: I2CCapabilities = .full) throws -> SimulatedI2CBus {
  let bus = SimulatedI2CBus(name: "sim-1", capabilities: capabilities)
  let device = RegisterFileDevice()
  device.load([0x58, 0x01, 0x02, 0x03], at: 0xD0)
  try bus.attach(device, at: 0x76)
  return bus
}

@Suite struct SimulatedI2CBusTests {
  @Test func routesByAddressAndLogsTransactions() throws {
    let bus = try makeBus()
    #expect(try bus.transfer(address: 0x76, write: [0xD0], read: 4) == [0x58, 0x01, 0x02, 0x03])
    #expect(bus.attachedAddresses == [0x76])
    #expect(bus.log == [.init(address: 0x76, written: [0xD0], read: [0x58, 0x01, 0x02, 0x03], error: nil)])
    #expect(bus.transactionCount == 1)
  }

  @Test func emptyAddressIsAnAddressNack() throws {
    let bus = try makeBus()
    #expect(throws: I2CError(.nack(.address), bus: "sim-1", address: 0x40, detail: "no device at this address")) {
      try bus.readRegister(address: 0x40, register: 0x00)
    }
    #expect(bus.log.last?.error == .nack(.address))
  }

  @Test(arguments: [
    (I2CFault.nack(.data), I2CError.Kind.nack(.data)),
    (.nack(.address), .nack(.address)),
    (.timeout, .timeout),
    (.busBusy, .busBusy),
    (.arbitrationLost, .arbitrationLost),
  ])
  func injectedErrorsFailTheNextTransactionOnly(fault: I2CFault, kind: I2CError.Kind) throws {
    let bus = try makeBus()
    bus.inject(fault, address: 0x76)
    #expect(throws: I2CError(kind, bus: "sim-1", address: 0x76)) {
      try bus.readRegister(address: 0x76, register: 0xD0)
    }
    #expect(try bus.readRegister(address: 0x76, register: 0xD0) == 0x58)
    #expect(bus.transactionCount == 2)
    #expect(bus.log.map(\.error) == [kind, nil])
  }

  @Test func faultsCountDownPersistAndClear() throws {
    let bus = try makeBus()
    bus.inject(.busBusy, address: 0x76, count: 2)
    for _ in 0..<2 {
      #expect(throws: I2CError.self) { try bus.readRegister(address: 0x76, register: 0xD0) }
    }
    #expect(try bus.readRegister(address: 0x76, register: 0xD0) == 0x58)
    bus.inject(.timeout, address: 0x76, count: nil)
    for _ in 0..<5 {
      #expect(throws: I2CError(.timeout, bus: "sim-1", address: 0x76)) {
        try bus.readRegister(address: 0x76, register: 0xD0)
      }
    }
    bus.clearFaults(address: 0x76)
    #expect(try bus.readRegister(address: 0x76, register: 0xD0) == 0x58)
    bus.inject(.timeout, address: 0x76, count: 0)
    bus.inject(.timeout, address: 0x76, count: -3)
    #expect(try bus.readRegister(address: 0x76, register: 0xD0) == 0x58)
  }

  @Test func faultsAreQueuedInOrderPerAddress() throws {
    let bus = try makeBus()
    bus.inject(.timeout, address: 0x76)
    bus.inject(.arbitrationLost, address: 0x76)
    bus.inject(.busBusy, address: 0x40)
    #expect(throws: I2CError(.timeout, bus: "sim-1", address: 0x76)) {
      try bus.readRegister(address: 0x76, register: 0xD0)
    }
    #expect(throws: I2CError(.arbitrationLost, bus: "sim-1", address: 0x76)) {
      try bus.readRegister(address: 0x76, register: 0xD0)
    }
    #expect(try bus.readRegister(address: 0x76, register: 0xD0) == 0x58)
    bus.clearFaults()
    #expect(throws: I2CError(.nack(.address), bus: "sim-1", address: 0x40, detail: "no device at this address")) {
      try bus.readRegister(address: 0x40, register: 0)
    }
  }

  @Test func corruptFlipsOneReadByte() throws {
    let bus = try makeBus()
    bus.inject(.corrupt(index: 2, mask: 0x80), address: 0x76)
    #expect(try bus.transfer(address: 0x76, write: [0xD0], read: 4) == [0x58, 0x01, 0x82, 0x03])
    #expect(try bus.transfer(address: 0x76, write: [0xD0], read: 4) == [0x58, 0x01, 0x02, 0x03])
  }

  @Test func corruptBeyondTheReadChangesNothing() throws {
    let bus = try makeBus()
    bus.inject(.corrupt(index: 9, mask: 0xFF), address: 0x76)
    #expect(try bus.transfer(address: 0x76, write: [0xD0], read: 2) == [0x58, 0x01])
    // A negative index was written before the read buffer.
    bus.inject(.corrupt(index: -1, mask: 0xFF), address: 0x76)
    #expect(try bus.transfer(address: 0x76, write: [0xD0], read: 2) == [0x58, 0x01])
  }

  @Test func stuckRepeatsThePreviousReadWithoutReachingTheDevice() throws {
    let bus = try makeBus()
    bus.recordsTransactions = false
    #expect(try bus.transfer(address: 0x76, write: [0xD1], read: 2) == [0x01, 0x02])
    try bus.writeRegister(address: 0x76, register: 0x10, value: 0xAA)  // write-only: not a "read"
    bus.inject(.stuck, address: 0x76, count: 2)
    #expect(try bus.transfer(address: 0x76, write: [0xD0], read: 3) == [0x01, 0x02, 0xFF])
    // The second stuck transaction is a write the device never sees.
    try bus.writeRegister(address: 0x76, register: 0x11, value: 0xBB)
    #expect(try bus.readRegister(address: 0x76, register: 0x10) == 0xAA)
    #expect(try bus.readRegister(address: 0x76, register: 0x11) == 0x00)
  }

  @Test func detachedDeviceStopsAnsweringAndCanComeBack() throws {
    let bus = try makeBus()
    let device = try #require(bus.device(at: 0x76))
    bus.detach(address: 0x76)
    #expect(bus.attachedAddresses.isEmpty)
    #expect(throws: I2CError(.nack(.address), bus: "sim-1", address: 0x76, detail: "no device at this address")) {
      try bus.readRegister(address: 0x76, register: 0xD0)
    }
    try bus.attach(device, at: 0x76)
    #expect(try bus.readRegister(address: 0x76, register: 0xD0) == 0x58)
  }

  @Test func adaptersThatCannotTellTheNackPhaseReportUnknown() throws {
    let bus = try makeBus()
    bus.reportsNackPhase = false
    #expect(throws: I2CError(.nack(.unknown), bus: "sim-1", address: 0x40, detail: "no device at this address")) {
      try bus.readRegister(address: 0x40, register: 0)
    }
    bus.inject(.nack(.data), address: 0x76)
    #expect(throws: I2CError(.nack(.unknown), bus: "sim-1", address: 0x76)) {
      try bus.readRegister(address: 0x76, register: 0)
    }
  }

  @Test func deviceErrorsGetTheBusNameAndAddress() throws {
    final class Refusing: SimulatedI2CDevice {
      func transfer(write: UnsafeRawBufferPointer, read: UnsafeMutableRawBufferPointer) throws(I2CError) {
        throw I2CError(.nack(.data), bus: "", detail: "busy converting")
      }
    }
    let bus = try makeBus()
    try bus.attach(Refusing(), at: 0x77)
    #expect(throws: I2CError(.nack(.data), bus: "sim-1", address: 0x77, detail: "busy converting")) {
      try bus.writeCommand(address: 0x77, command: 0x1E)
    }
  }

  @Test func smbusOnlyAdapterCarriesSMBusShapes() throws {
    let bus = try makeBus(capabilities: .smbusOnly)
    #expect(try bus.readRegister(address: 0x76, register: 0xD0) == 0x58)
    #expect(try bus.transfer(address: 0x76, write: [0xD0], read: 2) == [0x58, 0x01])
    #expect(try bus.transfer(address: 0x76, write: [0xD0], read: 32).count == 32)
    try bus.writeRegisters(address: 0x76, start: 0x20, bytes: [UInt8](repeating: 7, count: 32))
    try bus.writeCommand(address: 0x76, command: 0xD0)
    #expect(try bus.transfer(address: 0x76, write: [], read: 1) == [0x58])
    #expect(try bus.transfer(address: 0x76, write: [], read: 0) == [])  // quick command
  }

  @Test(arguments: [(0, 2), (1, 33), (34, 0), (2, 1), (3, 4)])
  func smbusOnlyAdapterRejectsOtherShapesBeforeTouchingTheDevice(write: Int, read: Int) throws {
    let bus = try makeBus(capabilities: .smbusOnly)
    bus.inject(.timeout, address: 0x76)
    do {
      _ = try bus.transfer(address: 0x76, write: [UInt8](repeating: 0xD0, count: write), read: read)
      Issue.record("a \(write)-byte write + \(read)-byte read went through an SMBus-only adapter")
    } catch {
      #expect(error.kind == .unsupported)
      #expect(error.address == 0x76)
    }
    // The injected timeout is still waiting: the rejected shapes never reached the wire.
    #expect(throws: I2CError(.timeout, bus: "sim-1", address: 0x76)) {
      try bus.readRegister(address: 0x76, register: 0)
    }
  }

  @Test func adapterWithoutBlockTransfersRejectsBursts() throws {
    let bus = try makeBus(capabilities: [.smbusByte, .smbusByteData])
    #expect(try bus.readRegister(address: 0x76, register: 0xD0) == 0x58)
    #expect(throws: I2CError.self) { try bus.transfer(address: 0x76, write: [0xD0], read: 6) }
    #expect(throws: I2CError.self) { try bus.transfer(address: 0x76, write: [], read: 0) }
  }

  @Test func recordingCanBeTurnedOffAndCleared() throws {
    let bus = try makeBus()
    _ = try bus.readRegister(address: 0x76, register: 0xD0)
    bus.clearLog()
    bus.recordsTransactions = false
    _ = try bus.readRegister(address: 0x76, register: 0xD0)
    #expect(bus.log.isEmpty)
    #expect(bus.transactionCount == 2)
  }
}
