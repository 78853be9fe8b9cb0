import HAL
import MockHAL
import Testing

// The examples of hal/Mock/MockHAL.docc/MockHAL.md, compiled and run so they stay true.

/// Stands for the code under test in the scripted example.
private func runOneCycle(bus: any I2CBus, gpio: any GPIOController, clock: any MonotonicClock, watchdog: any Watchdog)
  throws
{
  try bus.writeRegister(address: 0x76, register: 0xF4, value: 0x25)
  clock.sleep(for: .milliseconds(10))
  var data = [UInt8](repeating: 0, count: 3)
  try bus.readRegisters(address: 0x76, start: 0xF7, into: &data)
  let valve = try gpio.requestOutput(
    GPIOLineID(chip: "pinctrl-bcm2711", line: "GPIO17"), config: GPIOOutputConfig(initialValue: false),
    consumer: "valve")
  try valve.set(true)
  try watchdog.stroke()
}

@Suite struct DocumentationExampleTests {
  @Test func startsAConversionThenReadsTheResult() throws {
    let script = TransactionScript([
      .i2c(bus: "i2c-1", address: 0x76, write: [0xF4, 0x25]),
      .sleep(until: MonotonicInstant(nanoseconds: 10_000_000)),
      .i2c(bus: "i2c-1", address: 0x76, write: [0xF7], read: [0x65, 0x5A, 0xC0]),
      .gpioSet(GPIOLineID(chip: "pinctrl-bcm2711", line: "GPIO17"), true),
      .watchdogStroke("wd"),
    ])
    let bus = ScriptedI2CBus(name: "i2c-1", script: script)
    let gpio = ScriptedGPIO(script: script)
    let watchdog = ScriptedWatchdog(name: "wd", script: script)
    let clock = VirtualClock()
    clock.script = script  // sleeps are part of the sequence

    try runOneCycle(bus: bus, gpio: gpio, clock: clock, watchdog: watchdog)

    try script.verify()
  }

  @Test func readsTheChipIDAndSurvivesATimeout() throws {
    let bus = SimulatedI2CBus(name: "i2c-1")
    let chip = RegisterFileDevice()  // or a chip emulator from the Emulators target
    chip.load([0x58], at: 0xD0)
    chip.readOnly = [0xD0]
    try bus.attach(chip, at: 0x76)

    bus.inject(.timeout, address: 0x76)  // the next transaction times out
    #expect(throws: I2CError(.timeout, bus: "i2c-1", address: 0x76)) {
      try bus.readRegister(address: 0x76, register: 0xD0)
    }
    #expect(try bus.readRegister(address: 0x76, register: 0xD0) == 0x58)
    #expect(bus.log.map(\.error) == [.timeout, nil])
  }

  @Test func debouncedButtonReportsOneEdgeAtTheRightVirtualTime() throws {
    let clock = VirtualClock()
    let gpio = SimulatedGPIO(clock: clock)
    gpio.addChip(label: "pinctrl-bcm2711", lines: ["GPIO17", "GPIO22"])

    let button = GPIOLineID(chip: "pinctrl-bcm2711", line: "GPIO22")
    let line = try gpio.requestInput(
      button, config: GPIOInputConfig(bias: .pullUp, debounce: .milliseconds(5), edges: .falling),
      consumer: "test")
    try gpio.drive(button, physicalLevel: false, at: MonotonicInstant(nanoseconds: 40_000_000))
    let event = try line.waitForEdge(timeout: .milliseconds(100))

    #expect(event?.kind == .falling)
    #expect(event?.timestamp == MonotonicInstant(nanoseconds: 45_000_000))
    #expect(clock.now() == MonotonicInstant(nanoseconds: 45_000_000))
  }
}
