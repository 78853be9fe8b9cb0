import HAL
import MockHAL
import Testing

@Suite struct I2CBusTimingTests {
  private func timedBus(_ clock: VirtualClock, bitRate: Double = 100_000) throws -> SimulatedI2CBus {
    let bus = SimulatedI2CBus(name: "i2c-1", capabilities: .full)
    try bus.attach(RegisterFileDevice(), at: 0x76)
    bus.timing = I2CBusTiming(clock: clock, bitRate: Frequency(hertz: bitRate))
    return bus
  }

  @Test func transactionsCostTheirBitsOnTheWire() throws {
    let clock = VirtualClock()
    let bus = try timedBus(clock)
    // START, addr+W, reg, Sr, addr+R, 6 bytes, STOP: 2 + 18 + 1 + 63 = 84 bits at 10 us.
    var burst = [UInt8](repeating: 0, count: 6)
    try bus.readRegisters(address: 0x76, start: 0xF7, into: &burst)
    #expect(clock.now() == MonotonicInstant(nanoseconds: 840_000))
    // START, addr+W, reg, value, STOP: 29 bits.
    try bus.writeRegister(address: 0x76, register: 0xF4, value: 0x27)
    #expect(clock.now() == MonotonicInstant(nanoseconds: 1_130_000))
  }

  @Test func fasterBusTakesProportionallyLess() throws {
    let timing = I2CBusTiming(clock: VirtualClock(), bitRate: Frequency(hertz: 400_000))
    #expect(timing.duration(write: 1, read: 6) == .microseconds(210))
    #expect(timing.duration(write: 0, read: 0) == .microseconds(27.5))  // a probe: START, addr, STOP
  }

  @Test func failuresCostTheAddressPhaseOrTheTimeout() throws {
    let clock = VirtualClock()
    let bus = try timedBus(clock)
    #expect(throws: I2CError.self) { try bus.readRegister(address: 0x40, register: 0) }
    #expect(clock.now() == MonotonicInstant(nanoseconds: 110_000))
    bus.inject(.timeout, address: 0x76)
    #expect(throws: I2CError.self) { try bus.readRegister(address: 0x76, register: 0) }
    #expect(clock.now() == MonotonicInstant(nanoseconds: 35_110_000))
  }

  @Test func refusedShapesNeverReachTheWire() throws {
    let clock = VirtualClock()
    let bus = try timedBus(clock)
    bus.capabilities = .smbusOnly
    #expect(throws: I2CError.self) { try bus.transfer(address: 0x76, write: [0xF7], read: 40) }
    #expect(clock.now() == .zero)
  }

  @Test func unusableBitRateCostsNothingInsteadOfTrapping() throws {
    let timing = I2CBusTiming(clock: VirtualClock(), bitRate: Frequency(hertz: 0))
    #expect(timing.duration(write: 1, read: 6) == .zero)
    let slow = I2CBusTiming(clock: VirtualClock(), bitRate: Frequency(hertz: 1e-9))
    #expect(slow.duration(write: Int.max, read: Int.max).nanosecondsSaturated == .max)
  }
}
