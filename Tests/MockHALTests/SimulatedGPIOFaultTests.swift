import HAL
import MockHAL
import Testing

@Suite struct SimulatedGPIOFaultTests {
  @Test func injectedFaultFailsTheNextSetOnlyAndChangesNothing() throws {
    let gpio = makeGPIO()
    let output = try gpio.requestOutput(valveLine, config: .init(initialValue: false), consumer: "v")
    try gpio.injectFault(.io(errno: 5), on: valveLine)
    #expect(throws: GPIOError(.io(errno: 5), line: valveLine, detail: "injected fault")) { try output.set(true) }
    #expect(output.lastValue == false)
    #expect(gpio.level(of: valveLine)?.physical == false)
    try output.set(true)
    #expect(gpio.level(of: valveLine)?.physical == true)
  }

  @Test func injectedFaultsFailGetsInOrderAndCount() throws {
    let gpio = makeGPIO()
    let input = try gpio.requestInput(buttonLine, config: .init(bias: .pullUp), consumer: "b")
    try gpio.injectFault(.permissionDenied, on: buttonLine, count: 2)
    try gpio.injectFault(.unsupported, on: buttonLine)
    let kinds: [GPIOError.Kind] = [.permissionDenied, .permissionDenied, .unsupported]
    for kind in kinds {
      #expect(throws: GPIOError(kind, line: buttonLine, detail: "injected fault")) { try input.value() }
    }
    #expect(try input.value())
  }

  @Test func faultsOnUnknownLinesAreRejected() {
    let gpio = makeGPIO()
    let missing = GPIOLineID(chip: "gpiochip9", line: "X")
    #expect(throws: GPIOError(.chipNotFound, line: missing)) { try gpio.injectFault(.io(errno: 5), on: missing) }
  }
}
