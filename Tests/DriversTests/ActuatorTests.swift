import Drivers
import Emulators
import HAL
import MockHAL
import Testing

@Suite struct ServoActuatorTests {
  final class Rig {
    let clock = VirtualClock()
    let bus = SimulatedI2CBus()
    let chip: PCA9685Emulator
    let driver: PCA9685
    let power = TestOutputLine("power", initial: false)
    init() throws {
      chip = PCA9685Emulator(clock: clock)
      try bus.attach(chip, at: 0x40)
      driver = PCA9685(bus: bus)
      try driver.initialise(frequency: .init(hertz: 50), clock: clock)
    }
    func motor(_ limits: ServoLimits = .esc) throws -> ServoActuator {
      try ServoActuator(name: "motor1", channel: try driver.channel(0), limits: limits, powerEnable: power)
    }
    var outputUS: Double { chip.pulseWidth(channel: 0).microsecondsDouble }
  }

  @Test func nothingMovesUntilCommanded() throws {
    let rig = try Rig()
    let motor = try rig.motor()
    try motor.update(now: rig.clock.now())
    #expect(rig.outputUS == 0)
    #expect(rig.power.lastValue == false)
  }

  @Test func disarmedOnlyNeutralIsAccepted() throws {
    let rig = try Rig()
    let motor = try rig.motor()
    #expect {
      try motor.command(.microseconds(1200))
    } throws: { ($0 as? ActuatorError)?.kind == .notArmed }
    try motor.command(.microseconds(1000))
    try motor.update(now: rig.clock.now())
    #expect(abs(rig.outputUS - 1000) < 2.5)
  }

  @Test func rangeIsEnforced() throws {
    let rig = try Rig()
    let motor = try rig.motor()
    try motor.arm()
    #expect(rig.power.lastValue == true)
    #expect {
      try motor.command(.microseconds(2100))
    } throws: { ($0 as? ActuatorError)?.kind == .outOfRange }
    #expect {
      try motor.command(.microseconds(900))
    } throws: { ($0 as? ActuatorError)?.kind == .outOfRange }
  }

  @Test func slewLimitIsApplied() throws {
    let rig = try Rig()
    let motor = try rig.motor()  // 2000 us per second
    try motor.arm()
    try motor.command(.microseconds(2000))
    try motor.update(now: rig.clock.now())
    #expect(motor.output == .microseconds(1000))
    rig.clock.advance(by: .milliseconds(100))
    try motor.update(now: rig.clock.now())
    #expect(motor.output == .microseconds(1200))
    rig.clock.advance(by: .seconds(1))
    try motor.update(now: rig.clock.now())
    #expect(motor.output == .microseconds(2000))
    #expect(abs(rig.outputUS - 2000) < 2.5)
  }

  @Test func aHugeSlewLimitOrGapDoesNotTrapTheStep() throws {
    let rig = try Rig()
    let servo = try rig.motor(
      ServoLimits(neutral: .microseconds(1000), maxSlewPerSecond: .seconds(Int64.max), requiresArming: false))
    try servo.command(.microseconds(1000))
    try servo.update(now: .zero)
    try servo.command(.microseconds(2000))
    try servo.update(now: MonotonicInstant(nanoseconds: Int64.max))
    #expect(servo.output == .microseconds(2000))
  }

  @Test func safeIsImmediateDisarmsAndCutsPower() throws {
    let rig = try Rig()
    let motor = try rig.motor()
    try motor.arm()
    try motor.command(.microseconds(1500))
    for _ in 0..<20 {
      rig.clock.advance(by: .milliseconds(20))
      try motor.update(now: rig.clock.now())
    }
    #expect(rig.outputUS > 1400)
    try motor.safe()
    #expect(rig.outputUS == 0)
    #expect(!motor.isArmed)
    #expect(rig.power.lastValue == false)
    #expect(throws: ActuatorError.self) { try motor.command(.microseconds(1500)) }
  }

  @Test func safeFailureIsNotSilentButStillCutsPower() throws {
    let rig = try Rig()
    let motor = try rig.motor()
    try motor.arm()
    rig.bus.inject(.nack(.unknown), address: 0x40)
    #expect {
      try motor.safe()
    } throws: { error in
      guard let e = error as? ActuatorError, case .pwm = e.kind else { return false }
      return e.actuator == "motor1"
    }
    #expect(rig.power.lastValue == false)
  }

  @Test func servoSafePulseIsNeutral() throws {
    let rig = try Rig()
    let servo = try rig.motor(ServoLimits(neutral: .microseconds(1500), safeValue: .pulse(.microseconds(1500))))
    try servo.command(.microseconds(1800))
    try servo.update(now: rig.clock.now())
    #expect(abs(rig.outputUS - 1800) < 2.5)
    try servo.safe()
    #expect(abs(rig.outputUS - 1500) < 2.5)
  }

  @Test func inconsistentLimitsAreRejected() throws {
    let rig = try Rig()
    #expect {
      _ = try rig.motor(ServoLimits(neutral: .microseconds(500)))
    } throws: { ($0 as? ActuatorError)?.kind == .invalidConfiguration }
    #expect {
      _ = try rig.motor(ServoLimits(range: .microseconds(1000) ... .microseconds(25_000)))
    } throws: { ($0 as? ActuatorError)?.kind == .invalidConfiguration }
  }
}

@Suite struct HatchActuatorTests {
  final class Rig {
    let driveOpen = TestOutputLine("open", initial: false)
    let driveClose = TestOutputLine("close", initial: false)
    let openSensor = TestInputLine("is-open", value: true)
    let closedSensor = TestInputLine("is-closed", value: false)
    let power = TestOutputLine("power", initial: false)
    lazy var hatch = HatchActuator(
      name: "hatch-node1", driveOpen: driveOpen, driveClose: driveClose, openSensor: openSensor,
      closedSensor: closedSensor, moveTimeout: .seconds(10), powerEnable: power)
  }

  @Test func movesAndStopsWhenThePositionIsReached() throws {
    let rig = try Rig()
    let t0 = MonotonicInstant.zero
    try rig.hatch.move(to: .closed, now: t0)
    #expect(rig.driveClose.lastValue && !rig.driveOpen.lastValue && rig.power.lastValue)
    rig.openSensor.current = false
    #expect(try rig.hatch.update(now: t0 + .seconds(3)) == .moving(to: .closed, deadline: t0 + .seconds(10)))
    rig.closedSensor.current = true
    #expect(try rig.hatch.update(now: t0 + .seconds(6)) == .idle(.closed))
    #expect(!rig.driveClose.lastValue && !rig.power.lastValue)
  }

  @Test func timeoutLatchesDidNotReachPosition() throws {
    let rig = try Rig()
    try rig.hatch.move(to: .closed, now: .zero)
    rig.openSensor.current = false
    #expect {
      try rig.hatch.update(now: .zero + .seconds(10))
    } throws: { ($0 as? ActuatorError)?.kind == .didNotReachPosition }
    #expect(!rig.driveClose.lastValue && !rig.power.lastValue)
    #expect {
      try rig.hatch.move(to: .open, now: .zero + .seconds(11))
    } throws: { ($0 as? ActuatorError)?.kind == .faulted }
    rig.hatch.clearFault()
    try rig.hatch.move(to: .open, now: .zero + .seconds(11))
    #expect(rig.driveOpen.lastValue)
  }

  @Test func safeHoldsPositionAndNeverCloses() throws {
    let rig = try Rig()
    try rig.hatch.move(to: .closed, now: .zero)
    rig.openSensor.current = false
    try rig.hatch.safe()
    #expect(!rig.driveOpen.lastValue && !rig.driveClose.lastValue && !rig.power.lastValue)
    // safe() from idle writes only "off" values: it never drives either direction.
    let before = rig.driveClose.history
    try rig.hatch.safe()
    #expect(rig.driveClose.history.allSatisfy { !$0 } == false)
    #expect(rig.driveClose.history.dropFirst(before.count).allSatisfy { !$0 })
  }

  @Test func reversalBeforeLeavingTheStartStopsTheRunningDrive() throws {
    let rig = try Rig()
    try rig.hatch.move(to: .closed, now: .zero)
    #expect(rig.driveClose.lastValue)
    // Still on the open sensor: "open" is already reached, so the close drive stops.
    try rig.hatch.move(to: .open, now: .zero + .milliseconds(100))
    #expect(rig.hatch.state == .idle(.open))
    #expect(!rig.driveClose.lastValue && !rig.driveOpen.lastValue && !rig.power.lastValue)
  }

  @Test func repeatingAMoveDoesNotExtendItsTimeout() throws {
    let rig = try Rig()
    try rig.hatch.move(to: .closed, now: .zero)
    rig.openSensor.current = false
    try rig.hatch.move(to: .closed, now: .zero + .seconds(8))
    #expect(rig.hatch.state == .moving(to: .closed, deadline: .zero + .seconds(10)))
    #expect {
      try rig.hatch.update(now: .zero + .seconds(10))
    } throws: { ($0 as? ActuatorError)?.kind == .didNotReachPosition }
    #expect(!rig.driveClose.lastValue && !rig.power.lastValue)
  }

  @Test func sensorConflictIsTyped() throws {
    let rig = try Rig()
    rig.closedSensor.current = true
    #expect {
      try rig.hatch.move(to: .closed, now: .zero)
    } throws: { ($0 as? ActuatorError)?.kind == .sensorConflict }
    #expect(rig.driveClose.history.isEmpty)
  }

  @Test func safeReportsAFailedLineButStillStopsTheOthers() throws {
    let rig = try Rig()
    rig.driveOpen.failNext = .io(errno: 5)
    #expect {
      try rig.hatch.safe()
    } throws: { ($0 as? ActuatorError)?.kind == .gpio(GPIOError(.io(errno: 5), line: rig.driveOpen.id)) }
    #expect(rig.driveClose.history == [false])
    #expect(rig.power.history == [false])
  }
}

/// The servo actuator against a scripted PWM channel: exact calls, in order.
@Suite struct ServoActuatorScriptedTests {
  @Test func commandsAndSafeAreExactlyTheseCalls() throws {
    let script = TransactionScript()
    let pwm = ScriptedPWMChannel(name: "ch0", script: script)
    script.expect(
      .pwmPulse(channel: "ch0", .microseconds(1000)),
      .pwmEnable(channel: "ch0", true),
      .pwmPulse(channel: "ch0", .microseconds(1100)),
      .pwmEnable(channel: "ch0", false)
    )
    let motor = try ServoActuator(name: "m", channel: pwm, limits: .esc)
    try motor.arm()
    try motor.command(.microseconds(1500))
    try motor.update(now: .zero)
    try motor.update(now: .zero + .milliseconds(50))
    try motor.safe()
    try script.verify()
  }
}
