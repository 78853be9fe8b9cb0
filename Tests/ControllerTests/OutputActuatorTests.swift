import Controller
import HAL
import MockHAL
import Testing

@Suite("PWM and GPIO actuators: commands and safe values at the HAL boundary")
struct OutputActuatorTests {
  private let clock = VirtualClock()
  private let recorder = EventRecorder()

  private func sink() -> EventSink {
    EventSink(capacity: 64, clock: clock, wallClock: OffsetWallClock(clock: clock), consumer: recorder)
  }

  private let tick = TickContext(
    baseTick: 0, cycle: 0, deadline: .zero, period: .milliseconds(20), safeMode: false)

  @Test("a PWM actuator writes a new command once, enabling the output first")
  func pwmCommand() {
    let channel = SimulatedPWMChannel(name: "pca9685@0x40/ch0", clock: clock)
    let command = Snapshot<Duration?>(nil)
    let actuator = PWMActuator(channel: channel, safeValue: .off, command: command, events: sink())
    actuator.run(tick)
    #expect(channel.history.isEmpty)
    command.publish(.microseconds(1_200))
    actuator.run(tick)
    actuator.run(tick)
    #expect(channel.history.map(\.setting) == [.enabled(true), .pulseWidth(.microseconds(1_200))])
  }

  @Test("PWM safe values: a pulse, off, and hold (which never moves the output)")
  func pwmSafeValues() {
    let events = sink()
    let servo = SimulatedPWMChannel(name: "servo", clock: clock)
    let esc = SimulatedPWMChannel(name: "esc", clock: clock)
    let hatch = SimulatedPWMChannel(name: "hatch", clock: clock)
    let command = Snapshot<Duration?>(.microseconds(1_800))
    let actuators = [
      PWMActuator(channel: servo, safeValue: .pulse(.microseconds(1_500)), command: command, events: events),
      PWMActuator(channel: esc, safeValue: .off, command: command, events: events),
      PWMActuator(channel: hatch, safeValue: .hold, command: command, events: events),
    ]
    for actuator in actuators { actuator.run(tick) }
    #expect(actuators.allSatisfy { $0.applySafeState() })
    #expect(servo.pulseWidth == .microseconds(1_500))
    #expect(servo.isEnabled)
    #expect(!esc.isEnabled)
    #expect(hatch.pulseWidth == .microseconds(1_800))
    #expect(hatch.isEnabled)
  }

  @Test("a PWM actuator whose bus fails reports that its safe state was not reached")
  func pwmSafeFailure() {
    let channel = SimulatedPWMChannel(name: "pca9685@0x40/ch1", clock: clock)
    let actuator = PWMActuator(
      channel: channel, safeValue: .off, command: Snapshot<Duration?>(nil), events: sink())
    channel.injectFault(.bus(I2CError(.timeout, bus: "i2c-1", address: 0x40)))
    #expect(!actuator.applySafeState())
    #expect(actuator.applySafeState())
  }

  @Test("a GPIO actuator follows its command and drives its safe level")
  func gpioActuator() throws {
    let script = TransactionScript()
    let gpio = ScriptedGPIO(script: script)
    let id = GPIOLineID(chip: "pinctrl-bcm2711", line: "GPIO17")
    let line = try gpio.requestOutput(id, config: GPIOOutputConfig(initialValue: false), consumer: "test")
    let command = Snapshot<Bool?>(nil)
    let actuator = GPIOActuator(line: line, safeValue: .level(false), command: command, events: sink())
    script.expect(.gpioSet(id, true), .gpioSet(id, false))
    command.publish(true)
    actuator.run(tick)
    actuator.run(tick)
    #expect(actuator.applySafeState())
    // A command published before the safe state is not resumed by the next cycles.
    actuator.run(tick)
    actuator.run(tick)
    try script.verify()
  }
}
