import HAL
import MockHAL
import Testing

@Suite struct SimulatedGPIOLevelTests {
  @Test func outputStartsAtItsInitialValueAndRecordsChangesWithTimestamps() throws {
    let clock = VirtualClock()
    let gpio = makeGPIO(clock: clock)
    let output = try gpio.requestOutput(valveLine, config: .init(initialValue: true), consumer: "v")
    #expect(gpio.level(of: valveLine) == .init(physical: true, logical: true))
    #expect(output.lastValue)
    clock.advance(by: .milliseconds(5))
    try output.set(false)
    try output.set(false)  // no change, no history entry
    clock.advance(by: .milliseconds(5))
    try output.set(true)
    #expect(
      gpio.history(of: valveLine) == [
        .init(time: .zero, physical: true, logical: true),
        .init(time: at(5), physical: false, logical: false),
        .init(time: at(10), physical: true, logical: true),
      ])
  }

  @Test func activeLowOutputDrivesTheWireInverted() throws {
    let gpio = makeGPIO()
    let output = try gpio.requestOutput(
      hatchLine, config: .init(activeLow: true, initialValue: false), consumer: "hatch")
    #expect(gpio.level(of: hatchLine) == .init(physical: true, logical: false))
    try output.set(true)
    #expect(gpio.level(of: hatchLine) == .init(physical: false, logical: true))
    #expect(output.lastValue)
  }

  @Test func releasedOutputKeepsItsLastLevel() throws {
    let gpio = makeGPIO()
    let output = try gpio.requestOutput(valveLine, config: .init(initialValue: true), consumer: "v")
    output.release()
    #expect(gpio.level(of: valveLine) == .init(physical: true, logical: true))
  }

  @Test(arguments: [
    (GPIOBias.pullUp, true), (.pullDown, false),
  ])
  func undrivenInputFollowsItsBias(bias: GPIOBias, expected: Bool) throws {
    let gpio = makeGPIO()
    let input = try gpio.requestInput(buttonLine, config: .init(bias: bias), consumer: "b")
    #expect(try input.value() == expected)
    try gpio.drive(buttonLine, physicalLevel: !expected)
    #expect(try input.value() == !expected)
    try gpio.drive(buttonLine, physicalLevel: nil)  // let go: the bias pulls it back
    #expect(try input.value() == expected)
  }

  @Test func floatingInputKeepsItsLastLevel() throws {
    let gpio = makeGPIO()
    try gpio.drive(buttonLine, physicalLevel: true)
    try gpio.drive(buttonLine, physicalLevel: nil)
    let input = try gpio.requestInput(buttonLine, config: .init(bias: .disabled), consumer: "b")
    #expect(try input.value())
  }

  @Test func activeLowInputInvertsWhatTheRequesterSees() throws {
    let gpio = makeGPIO()
    let input = try gpio.requestInput(buttonLine, config: .init(activeLow: true, bias: .pullUp), consumer: "b")
    #expect(try input.value() == false)
    #expect(gpio.level(of: buttonLine) == .init(physical: true, logical: false))
    try gpio.drive(buttonLine, physicalLevel: false)
    #expect(try input.value())
  }

  @Test func futureDriveAppliesWhenTheClockGetsThere() throws {
    let clock = VirtualClock()
    let gpio = makeGPIO(clock: clock)
    let input = try gpio.requestInput(buttonLine, config: .init(bias: .pullDown), consumer: "b")
    try gpio.drive(buttonLine, physicalLevel: true, at: at(10))
    clock.advance(to: at(9))
    #expect(try input.value() == false)
    clock.advance(to: at(10))
    #expect(try input.value())
    #expect(gpio.history(of: buttonLine).last == .init(time: at(10), physical: true, logical: true))
  }

  @Test func pastDriveCannotRewriteHistory() throws {
    let clock = VirtualClock(start: at(20))
    let gpio = makeGPIO(clock: clock)
    try gpio.drive(buttonLine, physicalLevel: true, at: at(15))
    clock.advance(to: at(30))
    try gpio.drive(buttonLine, physicalLevel: false, at: at(10))
    // Each is moved up to the line's last settled instant, so history stays in time order.
    #expect(gpio.history(of: buttonLine).map(\.time) == [at(20), at(20)])
    #expect(gpio.level(of: buttonLine)?.physical == false)
  }

  @Test func historyKeepsTheMostRecentChangesWithinItsLimit() throws {
    let clock = VirtualClock()
    let gpio = makeGPIO(clock: clock)
    gpio.historyLimit = 3
    let output = try gpio.requestOutput(valveLine, config: .init(initialValue: false), consumer: "v")
    for step in 1...20 {
      clock.advance(to: at(Int64(step)))
      try output.set(step % 2 == 1)
    }
    #expect(gpio.history(of: valveLine).map(\.time) == [at(18), at(19), at(20)])
  }
}
