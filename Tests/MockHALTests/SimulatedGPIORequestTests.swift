import HAL
import MockHAL
import Testing

@Suite struct SimulatedGPIORequestTests {
  @Test func unknownChipOrLineIsReportedByName() {
    let gpio = makeGPIO()
    let noChip = GPIOLineID(chip: "pinctrl-rp1", line: "GPIO17")
    let noLine = GPIOLineID(chip: chip, line: "GPIO99")
    #expect(throws: GPIOError(.chipNotFound, line: noChip)) {
      try gpio.requestOutput(noChip, config: .init(initialValue: false), consumer: "t")
    }
    #expect(throws: GPIOError(.lineNotFound, line: noLine)) {
      try gpio.requestInput(noLine, config: .init(), consumer: "t")
    }
    #expect(throws: GPIOError(.lineNotFound, line: noLine)) { try gpio.drive(noLine, physicalLevel: true) }
    #expect(gpio.level(of: noLine) == nil)
  }

  @Test func heldLineIsBusyUntilReleased() throws {
    let gpio = makeGPIO()
    let output = try gpio.requestOutput(valveLine, config: .init(initialValue: false), consumer: "valve")
    #expect(gpio.consumer(of: valveLine) == "valve")
    #expect(throws: GPIOError(.lineBusy, line: valveLine, detail: "held by 'valve'")) {
      try gpio.requestInput(valveLine, config: .init(), consumer: "other")
    }
    // Other lines of the chip are free.
    _ = try gpio.requestInput(hatchLine, config: .init(), consumer: "hatch")
    output.release()
    output.release()
    #expect(gpio.consumer(of: valveLine) == nil)
    #expect(throws: GPIOError(.released, line: valveLine)) { try output.set(true) }
    let again = try gpio.requestInput(valveLine, config: .init(), consumer: "other")
    #expect(again.id == valveLine)
    // The old handle cannot touch the line its successor holds.
    #expect(throws: GPIOError(.released, line: valveLine)) { try output.set(true) }
  }

  @Test func deallocatedHandleFreesItsLine() throws {
    let gpio = makeGPIO()
    var input: (any GPIOInputLine)? = try gpio.requestInput(buttonLine, config: .init(), consumer: "a")
    #expect(input != nil)
    input = nil
    let output = try gpio.requestOutput(buttonLine, config: .init(initialValue: false), consumer: "b")
    #expect(gpio.consumer(of: buttonLine) == "b")
    #expect(output.id == buttonLine)
  }

  @Test func handlesKeepTheControllerAlive() throws {
    var gpio: SimulatedGPIO? = makeGPIO()
    let output = try #require(gpio).requestOutput(valveLine, config: .init(initialValue: false), consumer: "v")
    gpio = nil
    try output.set(true)
    #expect(output.lastValue)
  }

  @Test func removedChipFailsItsHandlesAndNewRequests() throws {
    let gpio = makeGPIO()
    let output = try gpio.requestOutput(valveLine, config: .init(initialValue: true), consumer: "v")
    let input = try gpio.requestInput(buttonLine, config: .init(edges: .both), consumer: "b")
    gpio.removeChip(label: chip)
    #expect(gpio.chipLabels.isEmpty)
    let enodev = GPIOError.Kind.io(errno: SimulatedGPIO.noDeviceErrno)
    #expect(throws: GPIOError(enodev, line: valveLine, detail: "chip was removed")) { try output.set(false) }
    #expect(throws: GPIOError(enodev, line: buttonLine, detail: "chip was removed")) { try input.value() }
    #expect(throws: GPIOError(enodev, line: buttonLine, detail: "chip was removed")) {
      try input.waitForEdge(timeout: .seconds(1))
    }
    #expect(throws: GPIOError(.chipNotFound, line: valveLine)) {
      try gpio.requestOutput(valveLine, config: .init(initialValue: false), consumer: "v")
    }
    // Plugged back in: the old handles stay dead, new requests work.
    gpio.addChip(label: chip, lines: ["GPIO17"])
    #expect(throws: GPIOError(enodev, line: valveLine, detail: "chip was removed")) { try output.set(false) }
    output.release()
    _ = try gpio.requestOutput(valveLine, config: .init(initialValue: false), consumer: "v2")
  }

  @Test func releaseDuringAWaitEndsTheWaitAsReleased() throws {
    let clock = VirtualClock()
    let gpio = makeGPIO(clock: clock)
    let input = try gpio.requestInput(buttonLine, config: .init(edges: .both), consumer: "b")
    try gpio.scheduleEdge(buttonLine, .rising, at: at(50))
    clock.onAdvance = { _ in input.release() }
    #expect(throws: GPIOError(.released, line: buttonLine)) { try input.waitForEdge(timeout: .seconds(1)) }
    clock.onAdvance = nil  // break the clock -> hook -> handle cycle
  }

  @Test func outputLinesCannotWaitForEdgesAndInputsWithoutEdgesEither() throws {
    let gpio = makeGPIO()
    let input = try gpio.requestInput(buttonLine, config: .init(edges: .none), consumer: "b")
    #expect(throws: GPIOError(.unsupported, line: buttonLine, detail: "line was requested without edge detection")) {
      try input.waitForEdge(timeout: .seconds(1))
    }
    #expect(gpio.clock.now() == .zero)
  }
}

@Suite("Ambiguous line names in the simulated GPIO")
struct SimulatedGPIOAmbiguityTests {
  @Test("a line name used twice on a chip cannot be requested; the error names both offsets")
  func duplicateLineName() {
    let gpio = SimulatedGPIO(clock: VirtualClock())
    gpio.addChip(label: "gpio-32-63", lines: ["P9_12", "NC", "P9_14", "NC"])
    #expect {
      _ = try gpio.requestInput(GPIOLineID(chip: "gpio-32-63", line: "NC"), config: GPIOInputConfig(), consumer: "t")
    } throws: { error in
      guard let error = error as? GPIOError else { return false }
      return error.kind == .ambiguous && error.detail.contains("offsets 1 and 3")
    }
  }
}
