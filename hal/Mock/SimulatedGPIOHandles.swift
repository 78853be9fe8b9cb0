import HAL

/// An output line handle of ``SimulatedGPIO``. Owns its line until released or
/// deallocated; keeps the controller alive, as a Linux request keeps its chip open.
final class SimulatedGPIOOutput: GPIOOutputLine {
  let id: GPIOLineID
  private(set) var lastValue: Bool
  private let claim: SimulatedGPIO.Claim
  private let controller: SimulatedGPIO
  private var released = false

  init(id: GPIOLineID, claim: SimulatedGPIO.Claim, initialValue: Bool, controller: SimulatedGPIO) {
    self.id = id
    self.claim = claim
    self.lastValue = initialValue
    self.controller = controller
  }

  func set(_ value: Bool) throws(GPIOError) {
    guard !released else { throw GPIOError(.released, line: id) }
    try controller.set(id, claim: claim, to: value)
    lastValue = value
  }

  func release() {
    guard !released else { return }
    released = true
    controller.release(id, claim: claim)
  }

  deinit { release() }
}

/// An input line handle of ``SimulatedGPIO``. Ownership as for ``SimulatedGPIOOutput``.
final class SimulatedGPIOInput: GPIOInputLine {
  let id: GPIOLineID
  private let claim: SimulatedGPIO.Claim
  private let controller: SimulatedGPIO
  private var released = false

  init(id: GPIOLineID, claim: SimulatedGPIO.Claim, controller: SimulatedGPIO) {
    self.id = id
    self.claim = claim
    self.controller = controller
  }

  func value() throws(GPIOError) -> Bool {
    guard !released else { throw GPIOError(.released, line: id) }
    return try controller.value(id, claim: claim)
  }

  func waitForEdge(timeout: Duration) throws(GPIOError) -> GPIOEdgeEvent? {
    guard !released else { throw GPIOError(.released, line: id) }
    return try controller.waitForEdge(id, claim: claim, timeout: timeout)
  }

  func release() {
    guard !released else { return }
    released = true
    controller.release(id, claim: claim)
  }

  deinit { release() }
}
