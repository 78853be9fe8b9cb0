import HAL
import MockHAL
import Testing

private let line = GPIOLineID(chip: "gpiochip-test", line: "LED")

@Suite struct ScriptedDoublesTests {
  @Test func scriptedGPIOEnforcesOwnershipUntilReleaseOrDeallocation() throws {
    let gpio = ScriptedGPIO(script: TransactionScript())
    var first: (any GPIOOutputLine)? = try gpio.requestOutput(line, config: .init(initialValue: true), consumer: "a")
    #expect(first?.lastValue == true)
    #expect(throws: GPIOError(.lineBusy, line: line)) {
      try gpio.requestInput(line, config: .init(), consumer: "b")
    }
    first = nil
    let second = try gpio.requestInput(line, config: .init(), consumer: "b")
    second.release()
    second.release()
    #expect(throws: GPIOError(.released, line: line)) { try second.value() }
    _ = try gpio.requestOutput(line, config: .init(initialValue: false), consumer: "c")
  }

  @Test func scriptedLinesOutliveTheirController() throws {
    let script = TransactionScript([.gpioSet(line, true)])
    let output = try ScriptedGPIO(script: script).requestOutput(
      line, config: .init(initialValue: false), consumer: "a")
    try output.set(true)
    #expect(output.lastValue)
    try script.verify()
  }

  @Test func scriptedInputsHaveNoEdgeEvents() throws {
    let input = try ScriptedGPIO(script: TransactionScript()).requestInput(line, config: .init(), consumer: "a")
    #expect(throws: GPIOError.self) { try input.waitForEdge(timeout: .seconds(1)) }
  }

  @Test func scriptedPWMEnforcesTheContractBeforeTheScript() throws {
    let script = TransactionScript([.pwmPeriod(channel: "ch0", .milliseconds(10))])
    let pwm = ScriptedPWMChannel(name: "ch0", script: script)
    #expect(throws: PWMError.self) { try pwm.setPulseWidth(.milliseconds(21)) }
    #expect(throws: PWMError.self) { try pwm.setPulseWidth(.microseconds(-1)) }
    #expect(throws: PWMError.self) { try pwm.setPeriod(.zero) }
    try pwm.setPeriod(.milliseconds(10))
    #expect(pwm.period == .milliseconds(10))
    try script.verify()
  }

  @Test func scriptedBusRejectsShapesItsAdapterCannotCarry() throws {
    let script = TransactionScript()
    let bus = ScriptedI2CBus(name: "stub", script: script, capabilities: .smbusOnly)
    do {
      _ = try bus.transfer(address: 0x76, write: [0xF7], read: 40)
      Issue.record("a 40-byte read went through an SMBus-only adapter")
    } catch {
      #expect(error.kind == .unsupported)
      #expect(error.bus == "stub")
    }
    try script.verify()  // nothing was consumed or recorded
  }
}
