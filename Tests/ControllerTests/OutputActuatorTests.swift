import Controller
import HAL
import MockHAL
import Testing

@Suite("GPIO actuators: commands and safe values at the HAL boundary")
struct OutputActuatorTests {
  private let clock = VirtualClock()
  private let recorder = EventRecorder()

  private func sink() -> EventSink {
    EventSink(capacity: 64, clock: clock, wallClock: OffsetWallClock(clock: clock), consumer: recorder)
  }

  private let tick = TickContext(
    baseTick: 0, cycle: 0, deadline: .zero, period: .milliseconds(20), safeMode: false)

  @Test("a GPIO actuator follows its command and drives its safe level")
  func gpioActuator() throws {
    let script = TransactionScript()
    let gpio = ScriptedGPIO(script: script)
    let id = GPIOLineID(chip: "pinctrl-bcm2711", line: "GPIO17")
    let line = try gpio.requestOutput(id, config: GPIOOutputConfig(initialValue: false), consumer: "test")
    let command = Snapshot<Stamped<Bool>?>(nil)
    let actuator = GPIOActuator(line: line, safeValue: .level(false), command: command, events: sink())
    script.expect(.gpioSet(id, true), .gpioSet(id, false), .gpioSet(id, true))
    command.publish(Stamped(true, generation: 0))
    actuator.run(tick)
    actuator.run(tick)
    #expect(actuator.applySafeState())
    // After the safe state (generation 1), a command given before it is not resumed...
    var after = tick
    after.safeGeneration = 1
    actuator.run(after)
    command.publish(Stamped(true, generation: 0))  // ...nor one stamped before it
    actuator.run(after)
    command.publish(Stamped(true, generation: 1))  // one given after it acts
    actuator.run(after)
    try script.verify()
  }

  @Test("a GPIO actuator with safe value hold drives its line inactive, as bring-up requests it")
  func gpioHoldIsInactive() throws {
    let script = TransactionScript()
    let gpio = ScriptedGPIO(script: script)
    let id = GPIOLineID(chip: "pinctrl-bcm2711", line: "GPIO22")
    let line = try gpio.requestOutput(id, config: GPIOOutputConfig(initialValue: false), consumer: "test")
    let command = Snapshot<Stamped<Bool>?>(nil)
    let actuator = GPIOActuator(line: line, safeValue: .hold, command: command, events: sink())
    script.expect(.gpioSet(id, true), .gpioSet(id, false))
    command.publish(Stamped(true, generation: 0))
    actuator.run(tick)
    #expect(actuator.applySafeState())
    try script.verify()
  }

  @Test("a GPIO actuator given a PWM safe value reports its safe state as not reached")
  func gpioWithPWMSafeValue() throws {
    let script = TransactionScript()
    let gpio = ScriptedGPIO(script: script)
    let id = GPIOLineID(chip: "pinctrl-bcm2711", line: "GPIO23")
    let line = try gpio.requestOutput(id, config: GPIOOutputConfig(initialValue: false), consumer: "test")
    let actuator = GPIOActuator(line: line, safeValue: .off, command: Snapshot<Stamped<Bool>?>(nil), events: sink())
    #expect(!actuator.applySafeState())
    try script.verify()
  }
}
