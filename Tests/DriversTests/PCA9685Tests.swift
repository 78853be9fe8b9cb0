import Drivers
import Emulators
import HAL
import MockHAL
import Testing

@Suite struct PCA9685Tests {
  @Test func prescaleFormulaMatchesReference() throws {
    let osc = Frequency(hertz: 25_000_000)
    // hardware.md: 50 Hz gives prescale 121, tick about 4.88 us.
    #expect(PCA9685.prescale(for: .init(hertz: 50), oscillator: osc) == 121)
    #expect(PCA9685.prescale(for: .init(hertz: 1526), oscillator: osc) == 3)
    #expect(PCA9685.prescale(for: .init(hertz: 24), oscillator: osc) == 253)
    #expect(PCA9685.prescale(for: .init(hertz: 2000), oscillator: osc) == nil)
    #expect(PCA9685.prescale(for: .init(hertz: 0), oscillator: osc) == nil)
    let period = PCA9685.period(prescale: 121, oscillator: osc)
    #expect(abs(period.microsecondsDouble / 4096 - 4.88) < 0.01)
    // A board whose oscillator measures 26.5 MHz needs prescale 128 for 50 Hz.
    #expect(PCA9685.prescale(for: .init(hertz: 50), oscillator: .init(hertz: 26_500_000)) == 128)
  }

  @Test func scriptedInitIsExactlyThisSequence() throws {
    let bus = "scripted-i2c"
    let script = TransactionScript()
    let clock = VirtualClock()
    clock.script = script
    script.expect(
      .i2c(bus: bus, address: 0x40, write: [0x00, 0x31]),
      .i2c(bus: bus, address: 0x40, write: [0xFA, 0x00, 0x00, 0x00, 0x10]),
      .i2c(bus: bus, address: 0x40, write: [0x01, 0x04]),
      .i2c(bus: bus, address: 0x40, write: [0xFE, 121]),
      .i2c(bus: bus, address: 0x40, write: [0x00, 0x21]),
      .sleep(until: MonotonicInstant(nanoseconds: 500_000)),
      .i2c(bus: bus, address: 0x40, write: [0x00, 0xA1]),
      // Channel 3 at 1500 us: 1500 / (19.988 ms / 4096) = 307.4 -> 307 = 0x133.
      .i2c(bus: bus, address: 0x40, write: [0x12, 0x00, 0x00, 0x33, 0x01]),
      // Full on, then all off.
      .i2c(bus: bus, address: 0x40, write: [0x12, 0x00, 0x10, 0x00, 0x00]),
      .i2c(bus: bus, address: 0x40, write: [0xFA, 0x00, 0x00, 0x00, 0x10])
    )
    let chip = PCA9685(bus: ScriptedI2CBus(script: script))
    try chip.initialise(frequency: .init(hertz: 50), clock: clock)
    let ch = try chip.channel(3)
    try ch.setPulseWidth(.microseconds(1500))
    try ch.setEnabled(true)
    try chip.setPulse(channel: 3, counts: 4096)
    try chip.allOff()
    try script.verify()
  }

  final class Rig {
    let clock = VirtualClock()
    let bus = SimulatedI2CBus()
    let chip: PCA9685Emulator
    let driver: PCA9685
    init(oscillator: Double = 25_000_000, calibrated: Double = 25_000_000) throws {
      chip = PCA9685Emulator(clock: clock, oscillator: .init(hertz: oscillator))
      try bus.attach(chip, at: 0x40)
      driver = PCA9685(bus: bus, oscillator: .init(hertz: calibrated))
    }
  }

  @Test func emulatorComesUpAllOffAndAsleep() throws {
    let rig = try Rig()
    #expect(rig.chip.isSleeping)
    for n in 0..<16 { #expect(rig.chip.pulseWidth(channel: n) == .zero) }
  }

  @Test func pulseWidthsRoundTripWithinOneTick() throws {
    let rig = try Rig()
    try rig.driver.initialise(frequency: .init(hertz: 50), clock: rig.clock)
    #expect(rig.chip.restartViolations == 0)
    #expect(rig.chip.ignoredPrescaleWrites == 0)
    #expect(rig.chip.prescale == 121)
    let tick = rig.chip.period / 4096
    for (n, us) in [600, 1000, 1500, 2000, 2400].enumerated() {
      let ch = try rig.driver.channel(n)
      try ch.setPulseWidth(.microseconds(us))
      #expect(rig.chip.pulseWidth(channel: n) == .zero, "not enabled yet")
      try ch.setEnabled(true)
      let out = rig.chip.pulseWidth(channel: n)
      #expect(abs((out - .microseconds(us)).microsecondsDouble) <= tick.microsecondsDouble / 2 + 0.001)
      #expect(ch.pulseWidth == out)
    }
    try rig.driver.allOff()
    for n in 0..<16 { #expect(rig.chip.pulseWidth(channel: n) == .zero) }
  }

  @Test func calibratedOscillatorGivesTheRequestedFrequency() throws {
    // The chip runs at 26.5 MHz; calibrated driver gets 50 Hz within the prescale step.
    let rig = try Rig(oscillator: 26_500_000, calibrated: 26_500_000)
    try rig.driver.initialise(frequency: .init(hertz: 50), clock: rig.clock)
    #expect(abs(rig.chip.period.microsecondsDouble - 20_000) < 100)
    let ch = try rig.driver.channel(0)
    try ch.setPulseWidth(.microseconds(1500))
    try ch.setEnabled(true)
    #expect(abs(rig.chip.pulseWidth(channel: 0).microsecondsDouble - 1500) < 4)
  }

  @Test func pulseLongerThanPeriodIsRejected() throws {
    let rig = try Rig()
    try rig.driver.initialise(frequency: .init(hertz: 50), clock: rig.clock)
    let ch = try rig.driver.channel(0)
    #expect {
      try ch.setPulseWidth(.milliseconds(25))
    } throws: { ($0 as? PWMError)?.kind == .outOfRange }
    #expect {
      try ch.setPeriod(.milliseconds(10))
    } throws: { ($0 as? PWMError)?.kind == .unsupported }
    #expect(throws: PWMError.self) { _ = try rig.driver.channel(16) }
  }

  @Test func badOscillatorValuesGiveAZeroOrSaturatedPeriodNotATrap() throws {
    #expect(PCA9685.period(prescale: 121, oscillator: .init(hertz: 0)) == .zero)
    #expect(PCA9685.period(prescale: 121, oscillator: .init(hertz: .nan)) == .zero)
    #expect(PCA9685.period(prescale: 121, oscillator: .init(hertz: -25_000_000)) == .zero)
    #expect(PCA9685.period(prescale: 121, oscillator: .init(hertz: 1e-300)) == .nanoseconds(Int64.max))
  }

  @Test func aPeriodThatRoundsToZeroIsATypedErrorNotADivisionByZero() throws {
    // An absurd calibration (1e30 Hz) is refused at initialise: it is no internal oscillator.
    let clock = VirtualClock()
    let bus = SimulatedI2CBus()
    try bus.attach(PCA9685Emulator(clock: clock), at: 0x40)
    let driver = PCA9685(bus: bus, oscillator: .init(hertz: 1e30))
    #expect {
      try driver.initialise(frequency: .init(hertz: 1e30 / 4096 / 10), clock: clock)
    } throws: { ($0 as? PWMError)?.kind == .outOfRange && ($0 as? PWMError)?.channel == "pca9685@sim-i2c:0x40" }
    #expect(driver.period == nil)
    #expect {
      _ = try driver.counts(for: .zero)
    } throws: { ($0 as? PWMError)?.kind == .unsupported }
  }

  @Test func nackDuringInitIsATypedBusError() throws {
    let rig = try Rig()
    rig.bus.inject(.nack(.address), address: 0x40)
    #expect {
      try rig.driver.initialise(frequency: .init(hertz: 50), clock: rig.clock)
    } throws: { error in
      guard let e = error as? PWMError, case .bus(let b) = e.kind else { return false }
      return b.kind == .nack(.address) && e.channel == "pca9685@sim-i2c:0x40"
    }
  }

  @Test func powerGlitchLeavesEverythingOff() throws {
    let rig = try Rig()
    try rig.driver.initialise(frequency: .init(hertz: 50), clock: rig.clock)
    let ch = try rig.driver.channel(2)
    try ch.setPulseWidth(.microseconds(1200))
    try ch.setEnabled(true)
    #expect(rig.chip.pulseWidth(channel: 2) > .zero)
    rig.chip.resetToDefaults()
    #expect(rig.chip.pulseWidth(channel: 2) == .zero)
  }

  @Test func outputEnableLineIsTheKillPath() throws {
    let rig = try Rig()
    let oe = TestOutputLine(initial: false)
    let driver = PCA9685(bus: rig.bus, outputEnable: oe)
    try driver.initialise(frequency: .init(hertz: 50), clock: rig.clock)
    #expect(oe.lastValue == false)
    try driver.setOutputsEnabled(true)
    #expect(oe.history == [false, true])
    try driver.allOff()
    #expect(oe.lastValue == false)
  }
}

/// A minimal output line double that records every value.
final class TestOutputLine: GPIOOutputLine {
  let id: GPIOLineID
  private(set) var lastValue: Bool
  private(set) var history: [Bool] = []
  var failNext: GPIOError.Kind?

  init(_ name: String = "L", initial: Bool) {
    id = GPIOLineID(chip: "test", line: name)
    lastValue = initial
  }

  func set(_ value: Bool) throws(GPIOError) {
    if let kind = failNext {
      failNext = nil
      throw GPIOError(kind, line: id)
    }
    lastValue = value
    history.append(value)
  }

  func release() {}
}

/// A minimal input line double whose value the test sets.
final class TestInputLine: GPIOInputLine {
  let id: GPIOLineID
  var current: Bool

  init(_ name: String, value: Bool) {
    id = GPIOLineID(chip: "test", line: name)
    current = value
  }

  func value() throws(GPIOError) -> Bool { current }
  func waitForEdge(timeout: Duration) throws(GPIOError) -> GPIOEdgeEvent? { nil }
  func release() {}
}
