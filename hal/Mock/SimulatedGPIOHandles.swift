import HAL

/// An output line handle of ``SimulatedGPIO``. Owns its line until released or
/// deallocated; keeps the controller alive, as a Linux request keeps its chip open.
final class SimulatedGPIOOutput: GPIOOutputLine {
  let id: GPIOLineID
  private(set) var lastValue: Bool
  private let token: UInt64
  private let controller: SimulatedGPIO
  private var released = false

  init(id: GPIOLineID, token: UInt64, initialValue: Bool, controller: SimulatedGPIO) {
    self.id = id
    self.token = token
    self.lastValue = initialValue
    self.controller = controller
  }

  func set(_ value: Bool) throws(GPIOError) {
    guard !released else { throw GPIOError(.released, line: id) }
    try controller.set(id, token: token, to: value)
    lastValue = value
  }

  func release() {
    guard !released else { return }
    released = true
    controller.release(id, token: token)
  }

  deinit { release() }
}

/// An input line handle of ``SimulatedGPIO``. Ownership as for ``SimulatedGPIOOutput``.
final class SimulatedGPIOInput: GPIOInputLine {
  let id: GPIOLineID
  private let token: UInt64
  private let controller: SimulatedGPIO
  private var released = false

  init(id: GPIOLineID, token: UInt64, controller: SimulatedGPIO) {
    self.id = id
    self.token = token
    self.controller = controller
  }

  func value() throws(GPIOError) -> Bool {
    guard !released else { throw GPIOError(.released, line: id) }
    return try controller.value(id, token: token)
  }

  func waitForEdge(timeout: Duration) throws(GPIOError) -> GPIOEdgeEvent? {
    guard !released else { throw GPIOError(.released, line: id) }
    return try controller.waitForEdge(id, token: token, timeout: timeout)
  }

  func release() {
    guard !released else { return }
    released = true
    controller.release(id, token: token)
  }

  deinit { release() }
}
