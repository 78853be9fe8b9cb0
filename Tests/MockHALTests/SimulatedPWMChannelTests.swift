import HAL
import MockHAL
import Testing

@Suite struct SimulatedPWMChannelTests {
  @Test func recordsAcceptedChangesWithTheirTimes() throws {
    let clock = VirtualClock()
    let pwm = SimulatedPWMChannel(name: "pca9685@0x40/ch3", clock: clock)
    #expect(pwm.period == .milliseconds(20))
    #expect(!pwm.isEnabled)
    try pwm.setPulseWidth(.microseconds(1500))
    clock.advance(by: .milliseconds(1))
    try pwm.setEnabled(true)
    clock.advance(by: .milliseconds(1))
    try pwm.setPeriod(.milliseconds(10))
    #expect(
      pwm.history == [
        .init(time: .zero, setting: .pulseWidth(.microseconds(1500))),
        .init(time: at(1), setting: .enabled(true)),
        .init(time: at(2), setting: .period(.milliseconds(10))),
      ])
    #expect(pwm.dutyCycle == 0.15)
  }

  @Test func pulseLongerThanThePeriodIsOutOfRangeAndChangesNothing() throws {
    let pwm = SimulatedPWMChannel(name: "ch0", clock: VirtualClock())
    try pwm.setPulseWidth(.milliseconds(20))  // equal: constantly high, allowed
    #expect(throws: PWMError.self) { try pwm.setPulseWidth(.milliseconds(21)) }
    #expect(throws: PWMError.self) { try pwm.setPulseWidth(.nanoseconds(-1)) }
    #expect(throws: PWMError.self) { try pwm.setPeriod(.milliseconds(10)) }  // shorter than the pulse
    #expect(throws: PWMError.self) { try pwm.setPeriod(.zero) }
    #expect(pwm.pulseWidth == .milliseconds(20))
    #expect(pwm.period == .milliseconds(20))
    #expect(pwm.history.count == 1)
    do {
      try pwm.setPulseWidth(.milliseconds(21))
    } catch {
      #expect(error.kind == .outOfRange)
      #expect(error.channel == "ch0")
    }
  }

  @Test func fixedPeriodChannelRefusesOtherPeriods() throws {
    let pwm = SimulatedPWMChannel(name: "pca", clock: VirtualClock(), period: .milliseconds(20), fixedPeriod: true)
    try pwm.setPeriod(.milliseconds(20))
    #expect(
      throws: PWMError(.unsupported, channel: "pca", detail: "period is fixed at 0.02 seconds (shared by the chip)")
    ) {
      try pwm.setPeriod(.milliseconds(10))
    }
  }

  @Test func injectedFaultsFailTheNextCallsAndChangeNothing() throws {
    let pwm = SimulatedPWMChannel(name: "ch0", clock: VirtualClock())
    let busError = I2CError(.nack(.unknown), bus: "/dev/i2c-1", address: 0x40)
    pwm.injectFault(.bus(busError), count: 2)
    #expect(throws: PWMError(.bus(busError), channel: "ch0", detail: "injected fault")) { try pwm.setEnabled(true) }
    #expect(throws: PWMError(.bus(busError), channel: "ch0", detail: "injected fault")) {
      try pwm.setPulseWidth(.milliseconds(1))
    }
    #expect(!pwm.isEnabled)
    #expect(pwm.pulseWidth == .zero)
    try pwm.setEnabled(true)
    #expect(pwm.isEnabled)
    #expect(pwm.dutyCycle == 0)
  }
}
