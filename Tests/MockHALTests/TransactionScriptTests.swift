import HAL
import MockHAL
import Testing

private let valve = GPIOLineID(chip: "pinctrl-bcm2711", line: "GPIO17")
private let door = GPIOLineID(chip: "pinctrl-bcm2711", line: "GPIO27")

/// One script shared by an I2C bus, a GPIO controller, a PWM channel, a watchdog and the clock.
private struct Rig {
  let script: TransactionScript
  let bus: ScriptedI2CBus
  let gpio: ScriptedGPIO
  let pwm: ScriptedPWMChannel
  let watchdog: ScriptedWatchdog
  let clock = VirtualClock()

  init(_ expectations: [ExpectedInteraction]) {
    script = TransactionScript(expectations)
    bus = ScriptedI2CBus(name: "i2c-1", script: script)
    gpio = ScriptedGPIO(script: script)
    pwm = ScriptedPWMChannel(name: "ch0", script: script)
    watchdog = ScriptedWatchdog(name: "wd", script: script)
    clock.script = script
  }

  /// What a leak-check cycle might do: start a conversion, wait, read, act.
  func cycle() throws {
    try bus.writeRegister(address: 0x76, register: 0xF4, value: 0x25)
    clock.sleep(for: .milliseconds(10))
    var data = [UInt8](repeating: 0, count: 3)
    try bus.readRegisters(address: 0x76, start: 0xF7, into: &data)
    let output = try gpio.requestOutput(valve, config: .init(initialValue: false), consumer: "test")
    try output.set(true)
    let input = try gpio.requestInput(door, config: .init(), consumer: "test")
    _ = try input.value()
    try pwm.setPulseWidth(.microseconds(1500))
    try pwm.setEnabled(true)
    try watchdog.stroke()
  }
}

private let wholeCycle: [ExpectedInteraction] = [
  .i2c(bus: "i2c-1", address: 0x76, write: [0xF4, 0x25]),
  .sleep(until: MonotonicInstant(nanoseconds: 10_000_000)),
  .i2c(bus: "i2c-1", address: 0x76, write: [0xF7], read: [0x65, 0x5A, 0xC0]),
  .gpioSet(valve, true),
  .gpioGet(door, true),
  .pwmPulse(channel: "ch0", .microseconds(1500)),
  .pwmEnable(channel: "ch0", true),
  .watchdogStroke("wd"),
]

@Suite struct TransactionScriptTests {
  @Test func oneScriptAcrossEveryDoublePassesWhenFollowedInOrder() throws {
    let rig = Rig(wholeCycle)
    try rig.cycle()
    try rig.script.verify()
    #expect(rig.script.remaining.isEmpty)
    #expect(rig.pwm.isEnabled)
  }

  @Test func scriptedAnswersReachTheCaller() throws {
    let rig = Rig([
      .i2c(bus: "i2c-1", address: 0x76, write: [0xD0], read: [0x58]),
      .gpioGet(door, true),
    ])
    #expect(try rig.bus.readRegister(address: 0x76, register: 0xD0) == 0x58)
    let input = try rig.gpio.requestInput(door, config: .init(), consumer: "test")
    #expect(try input.value())
    try rig.script.verify()
  }

  @Test func unconsumedExpectationsFailVerify() throws {
    let rig = Rig(wholeCycle + [.watchdogDisarm("wd")])
    try rig.cycle()
    #expect(throws: ScriptError(problems: ["1 expectation(s) not consumed, next: watchdog wd disarm"])) {
      try rig.script.verify()
    }
  }

  @Test func unexpectedInteractionFailsAndIsAnsweredWithAnError() throws {
    let rig = Rig([])
    #expect(throws: I2CError.self) { try rig.bus.writeCommand(address: 0x76, command: 0xB6) }
    #expect(throws: WatchdogError(.io(errno: 0), device: "wd")) { try rig.watchdog.stroke() }
    do {
      try rig.script.verify()
      Issue.record("verify passed with unexpected interactions")
    } catch {
      #expect(
        error.problems == [
          "i2c-1: unexpected i2c i2c-1 0x76 write [\"0xb6\"] read 0 (script exhausted)",
          "watchdog wd: unexpected watchdog wd stroke (script exhausted)",
        ])
    }
  }

  @Test func outOfOrderInteractionIsReportedAndTheScriptStaysPut() throws {
    let rig = Rig([
      .pwmPulse(channel: "ch0", .microseconds(1000)),
      .pwmEnable(channel: "ch0", true),
    ])
    #expect(throws: PWMError.self) { try rig.pwm.setEnabled(true) }
    #expect(!rig.pwm.isEnabled)
    // The expectation that was skipped is still next, so the right order still matches.
    try rig.pwm.setPulseWidth(.microseconds(1000))
    try rig.pwm.setEnabled(true)
    do {
      try rig.script.verify()
      Issue.record("verify passed after an out-of-order call")
    } catch {
      #expect(error.problems == ["pwm ch0: expected pwm ch0 pulse 0.001 seconds, got pwm ch0 enable true"])
    }
  }

  @Test func wrongBytesOrWrongDeviceDoNotMatch() throws {
    let rig = Rig([.i2c(bus: "i2c-1", address: 0x76, write: [0xF4, 0x25])])
    #expect(throws: I2CError.self) { try rig.bus.writeRegister(address: 0x77, register: 0xF4, value: 0x25) }
    #expect(throws: I2CError.self) { try rig.bus.writeRegister(address: 0x76, register: 0xF4, value: 0x27) }
    try rig.bus.writeRegister(address: 0x76, register: 0xF4, value: 0x25)
    #expect(rig.script.failures.count == 2)
  }

  @Test func scriptedFailureIsThrownWithItsKind() throws {
    let rig = Rig([.i2cFailure(bus: "i2c-1", address: 0x76, write: [0xD0], readCount: 1, error: .nack(.unknown))])
    #expect(throws: I2CError(.nack(.unknown), bus: "i2c-1", address: 0x76, detail: "scripted failure")) {
      try rig.bus.readRegister(address: 0x76, register: 0xD0)
    }
    try rig.script.verify()
  }

  @Test func expectationsCanBeAppended() throws {
    let script = TransactionScript()
    script.expect(.watchdogStroke("wd"))
    script.expect(contentsOf: [.watchdogDisarm("wd")])
    let watchdog = ScriptedWatchdog(name: "wd", script: script)
    try watchdog.stroke()
    try watchdog.disarm()
    try watchdog.disarm()  // idempotent, consumes nothing
    #expect(throws: WatchdogError(.closed, device: "wd")) { try watchdog.stroke() }
    try script.verify()
  }
}
