import HAL

/// A GPIO controller double whose lines answer from a ``TransactionScript``.
///
/// Requests are not scripted (they are set-up); `set` and `get` are: each consumes the
/// next ``ExpectedInteraction/gpioSet(_:_:)`` / ``ExpectedInteraction/gpioGet(_:_:)`` with logical
/// values, and a mismatch is recorded in the script and throws `.io`. Ownership is
/// enforced as on real hardware: a second request of a held line fails `.lineBusy`
/// until the holder releases it or is deallocated. Handles keep the controller alive,
/// as a Linux line request keeps its chip open.
public final class ScriptedGPIO: GPIOController, @unchecked Sendable {
  private let script: TransactionScript
  private var held: Set<GPIOLineID> = []

  public init(script: TransactionScript) { self.script = script }

  public func requestOutput(_ id: GPIOLineID, config: GPIOOutputConfig, consumer: String)
    throws(GPIOError) -> any GPIOOutputLine
  {
    try claim(id)
    return Output(id: id, initial: config.initialValue, owner: self)
  }

  public func requestInput(_ id: GPIOLineID, config: GPIOInputConfig, consumer: String)
    throws(GPIOError) -> any GPIOInputLine
  {
    try claim(id)
    return Input(id: id, owner: self)
  }

  private func claim(_ id: GPIOLineID) throws(GPIOError) {
    guard !held.contains(id) else { throw GPIOError(.lineBusy, line: id) }
    held.insert(id)
  }

  fileprivate func free(_ id: GPIOLineID) { held.remove(id) }

  final class Output: GPIOOutputLine {
    let id: GPIOLineID
    private(set) var lastValue: Bool
    private let owner: ScriptedGPIO
    private var released = false

    init(id: GPIOLineID, initial: Bool, owner: ScriptedGPIO) {
      self.id = id
      self.lastValue = initial
      self.owner = owner
    }

    func set(_ value: Bool) throws(GPIOError) {
      guard !released else { throw GPIOError(.released, line: id) }
      guard owner.script.consume(.gpioSet(id, value), from: "gpio \(id)") != nil else {
        throw GPIOError(.io(errno: 0), line: id, detail: "not in the script: set \(value)")
      }
      lastValue = value
    }

    func release() {
      guard !released else { return }
      released = true
      owner.free(id)
    }

    deinit { if !released { owner.free(id) } }
  }

  final class Input: GPIOInputLine {
    let id: GPIOLineID
    private let owner: ScriptedGPIO
    private var released = false

    init(id: GPIOLineID, owner: ScriptedGPIO) {
      self.id = id
      self.owner = owner
    }

    func value() throws(GPIOError) -> Bool {
      guard !released else { throw GPIOError(.released, line: id) }
      guard case .gpioGet(_, let value)? = owner.script.consume(.gpioGet(id), from: "gpio \(id)") else {
        throw GPIOError(.io(errno: 0), line: id, detail: "not in the script: get")
      }
      return value
    }

    func waitForEdge(timeout: Duration) throws(GPIOError) -> GPIOEdgeEvent? {
      throw GPIOError(.unsupported, line: id, detail: "scripted lines have no edge events; use SimulatedGPIO")
    }

    func release() {
      guard !released else { return }
      released = true
      owner.free(id)
    }

    deinit { if !released { owner.free(id) } }
  }
}
