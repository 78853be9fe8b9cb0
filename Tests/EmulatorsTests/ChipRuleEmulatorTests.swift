import Drivers
import Emulators
import HAL
import MockHAL
import Testing

/// The emulators enforce what their chips' silicon fixes, so the sim board catches the
/// wiring mistakes a real board would.
@Suite("Emulators enforce their chip's rules")
struct ChipRuleEmulatorTests {
  @Test(
    "an emulator cannot be placed where its chip's address pins cannot put it",
    arguments: [UInt8(0x4C), 0x4D, 0x40, 0x78])
  func pressureSensorsOnlyAt76Or77(address: UInt8) {
    let clock = VirtualClock()
    let bus = SimulatedI2CBus(name: "sim-a")
    let devices: [any SimulatedI2CDevice] = [
      BMP280Emulator(kind: .bmp280, clock: clock), BMP280Emulator(kind: .bme280, clock: clock),
      MS5611Emulator(clock: clock),
    ]
    for device in devices {
      #expect {
        try bus.attach(device, at: address)
      } throws: { error in
        guard let error = error as? I2CError else { return false }
        let named = error.detail.contains("0x76") || error.detail.contains("reserved")
        return error.kind == .unsupported && error.address == address && named
      }
    }
    #expect(bus.attachedAddresses.isEmpty)
  }

  @Test("a PCA9685 emulator sits at 0x40...0x77 only", arguments: [UInt8(0x3F), 0x78, 0x7F, 0x05])
  func pcaPlacement(address: UInt8) throws {
    let bus = SimulatedI2CBus(name: "sim-a")
    #expect(throws: I2CError.self) { try bus.attach(PCA9685Emulator(clock: VirtualClock()), at: address) }
    try bus.attach(PCA9685Emulator(clock: VirtualClock()), at: 0x41)
    try bus.attach(PCA9685Emulator(clock: VirtualClock()), at: 0x77)
  }

  @Test("two PCA9685s both answer 0x70 from power-up: a write there reaches both, a read is their wired AND")
  func allCallOnASharedBus() throws {
    let clock = VirtualClock()
    let bus = SimulatedI2CBus(name: "sim-a")
    let first = PCA9685Emulator(clock: clock)
    let second = PCA9685Emulator(clock: clock)
    try bus.attach(first, at: 0x40)
    try bus.attach(second, at: 0x41)
    #expect(bus.groupResponders(at: 0x70) == [0x40, 0x41])
    // MODE2 through the All Call address: both chips take it.
    try bus.writeRegister(address: 0x70, register: 0x01, value: 0x14)
    #expect(first.registers[0x01] == 0x14 && second.registers[0x01] == 0x14)
    // A read at 0x70 is the AND of what both drive on SDA.
    try bus.writeRegister(address: 0x40, register: 0x02, value: 0xF0)
    try bus.writeRegister(address: 0x41, register: 0x02, value: 0x3C)
    #expect(try bus.readRegister(address: 0x70, register: 0x02) == 0x30)
    // The driver with all_call disabled clears MODE1.ALLCALL: that chip stops answering.
    let driver = PCA9685(bus: bus, address: 0x41, allCall: false)
    try driver.initialise(frequency: .init(hertz: 50), clock: clock)
    #expect(bus.groupResponders(at: 0x70) == [0x40])
    try bus.writeRegister(address: 0x70, register: 0x02, value: 0xAA)
    #expect(first.registers[0x02] == 0xAA && second.registers[0x02] == 0x3C)
  }

  @Test("with no PCA9685 keeping ALL_CALL, nothing answers 0x70")
  func allCallDisabledEverywhere() throws {
    let clock = VirtualClock()
    let bus = SimulatedI2CBus(name: "sim-a")
    try bus.attach(PCA9685Emulator(clock: clock), at: 0x40)
    let driver = PCA9685(bus: bus, address: 0x40, allCall: false)
    try driver.initialise(frequency: .init(hertz: 50), clock: clock)
    #expect {
      _ = try bus.readRegister(address: 0x70, register: 0x00)
    } throws: { ($0 as? I2CError)?.kind == .nack(.address) }
  }

  @Test("a device at 0x70 and a PCA9685 keeping ALL_CALL both take a write to 0x70")
  func deviceAtAllCallSharesWrites() throws {
    let clock = VirtualClock()
    let bus = SimulatedI2CBus(name: "sim-a")
    let atAllCall = PCA9685Emulator(clock: clock)
    let other = PCA9685Emulator(clock: clock)
    try bus.attach(atAllCall, at: 0x70)
    try bus.attach(other, at: 0x40)
    // Driving the chip at 0x70 also drives the other one: the conflict validation refuses.
    try bus.writeRegister(address: 0x70, register: 0x06 + 3, value: 0x00)
    #expect(other.registers[0x09] == 0x00)
  }

  @Test("the PCA9685 emulator runs on its internal oscillator until EXTCLK is set by the datasheet's sequence")
  func externalClock() throws {
    let clock = VirtualClock()
    let bus = SimulatedI2CBus(name: "sim-a")
    let chip = PCA9685Emulator(clock: clock, oscillator: .init(hertz: 25_000_000))
    chip.externalClock = .init(hertz: 40_000_000)
    try bus.attach(chip, at: 0x40)
    let internalPeriod = chip.period
    #expect(internalPeriod == PCA9685Timing.period(prescale: 0x1E, oscillator: .init(hertz: 25_000_000)))
    // A driver that assumes the external clock but never sets EXTCLK gets the internal one.
    try bus.writeRegister(address: 0x40, register: 0x00, value: 0x00)  // awake
    try bus.writeRegister(address: 0x40, register: 0x00, value: 0x40)  // EXTCLK while awake: ignored
    #expect(!chip.usesExternalClock && chip.period == internalPeriod)
    // Datasheet: set SLEEP, then write SLEEP and EXTCLK together.
    try bus.writeRegister(address: 0x40, register: 0x00, value: 0x10)
    try bus.writeRegister(address: 0x40, register: 0x00, value: 0x50)
    #expect(chip.usesExternalClock)
    #expect(chip.period == PCA9685Timing.period(prescale: 0x1E, oscillator: .init(hertz: 40_000_000)))
    // Sticky: a later MODE1 write without EXTCLK keeps it; only a power-on reset clears it.
    try bus.writeRegister(address: 0x40, register: 0x00, value: 0x00)
    #expect(chip.usesExternalClock && chip.registers[0] & 0x40 != 0)
    chip.resetToDefaults()
    #expect(!chip.usesExternalClock && chip.period == internalPeriod)
  }

  @Test("EXTCLK with nothing wired to the pin stops the oscillator: no period, no pulses")
  func externalClockUnwired() throws {
    let bus = SimulatedI2CBus(name: "sim-a")
    let chip = PCA9685Emulator(clock: VirtualClock())
    try bus.attach(chip, at: 0x40)
    try bus.writeRegister(address: 0x40, register: 0x00, value: 0x50)
    #expect(chip.period == .zero)
  }
}
