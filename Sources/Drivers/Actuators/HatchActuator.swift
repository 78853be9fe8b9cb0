import HAL

/// A hatch or valve moved by a motor on two GPIO drive lines (open, close), with
/// open and closed position sensors and a move timeout.
///
/// Split-phase: ``move(to:now:)`` checks and starts the motion; ``update(now:)``
/// (each actuator tick) reads the sensors, stops the drive when the position is
/// reached, and after the timeout stops it and latches `.didNotReachPosition`.
/// The safe state is to hold: ``safe()`` stops both drive lines and never moves the
/// hatch (a hatch closed by a reflex can cut the crew off from the return vehicle), so
/// nothing here closes a hatch unless ``move(to:now:)`` is called with `.closed`.
public final class HatchActuator {
  public enum Position: String, Hashable, Sendable {
    case open
    case closed
    /// Neither sensor reports (between positions).
    case between
  }

  public enum State: Hashable, Sendable {
    case idle(Position)
    case moving(to: Position, deadline: MonotonicInstant)
  }

  public let name: String
  // The drive lines are private: setting one directly would bypass the interlock (one
  // direction at a time, stop at the sensor, move timeout).
  private let driveOpen: any GPIOOutputLine
  private let driveClose: any GPIOOutputLine
  public let openSensor: any GPIOInputLine
  public let closedSensor: any GPIOInputLine
  public let moveTimeout: Duration
  /// The board's motor power line (logical true = powered), if any. (The controller
  /// passes none: its arbiter switches actuator power for every actuator.)
  private let powerEnable: (any GPIOOutputLine)?
  public private(set) var state: State = .idle(.between)
  /// Latched until ``clearFault()``: no motion is accepted meanwhile.
  public private(set) var fault: ActuatorError?

  public init(
    name: String, driveOpen: any GPIOOutputLine, driveClose: any GPIOOutputLine, openSensor: any GPIOInputLine,
    closedSensor: any GPIOInputLine, moveTimeout: Duration, powerEnable: (any GPIOOutputLine)? = nil
  ) {
    self.name = name
    self.driveOpen = driveOpen
    self.driveClose = driveClose
    self.openSensor = openSensor
    self.closedSensor = closedSensor
    self.moveTimeout = moveTimeout
    self.powerEnable = powerEnable
  }

  /// Reads both sensors. Both active is `.sensorConflict`.
  public func position() throws(ActuatorError) -> Position {
    let isOpen: Bool
    let isClosed: Bool
    do {
      isOpen = try openSensor.value()
      isClosed = try closedSensor.value()
    } catch { throw ActuatorError(.gpio(error), actuator: name) }
    if isOpen && isClosed { throw ActuatorError(.sensorConflict, actuator: name) }
    return isOpen ? .open : isClosed ? .closed : .between
  }

  /// Starts moving to `target` (`.open` or `.closed`). Already there: nothing moves,
  /// and a move still running (the other way) is stopped. Repeating the target of a
  /// running move keeps its deadline, so a repeated command cannot extend the timeout.
  public func move(to target: Position, now: MonotonicInstant) throws(ActuatorError) {
    if let fault { throw ActuatorError(.faulted, actuator: name, detail: fault.description) }
    guard target != .between else {
      throw ActuatorError(.invalidConfiguration, actuator: name, detail: "target must be open or closed")
    }
    let current = try position()
    if current == target {
      // A reversal before the hatch left its sensor: the running drive must stop here,
      // as `update(now:)` no longer supervises an idle hatch.
      if case .moving = state { try stopDrive() }
      state = .idle(current)
      return
    }
    if case .moving(let running, _) = state, running == target { return }
    do {
      // Never both directions at once: release the other line first.
      try (target == .open ? driveClose : driveOpen).set(false)
      try powerEnable?.set(true)
      try (target == .open ? driveOpen : driveClose).set(true)
    } catch {
      try? stopDrive()
      throw ActuatorError(.gpio(error), actuator: name)
    }
    state = .moving(to: target, deadline: now.advanced(by: moveTimeout))
  }

  /// Checks a running move: stops when reached; after the timeout stops and latches
  /// `.didNotReachPosition` (thrown once, then kept in ``fault``).
  @discardableResult
  public func update(now: MonotonicInstant) throws(ActuatorError) -> State {
    guard case .moving(let target, let deadline) = state else { return state }
    let current: Position
    do { current = try position() } catch {
      try? stopDrive()
      state = .idle(.between)
      fault = error
      throw error
    }
    if current == target {
      try stopDrive()
      state = .idle(current)
    } else if now >= deadline {
      try? stopDrive()
      state = .idle(current)
      let error = ActuatorError(
        .didNotReachPosition, actuator: name, detail: "\(target.rawValue) not reached in \(moveTimeout)")
      fault = error
      throw error
    }
    return state
  }

  /// Holds position: both drive lines off and motor power off. Never opens or closes.
  /// Every line is attempted; the first failure is thrown.
  public func safe() throws(ActuatorError) {
    if case .moving = state { state = .idle(.between) }
    try stopDrive()
  }

  /// Clears a latched fault after an operator has looked at it.
  public func clearFault() { fault = nil }

  private func stopDrive() throws(ActuatorError) {
    var first: GPIOError?
    for line in [driveOpen, driveClose] + (powerEnable.map { [$0] } ?? []) {
      do { try line.set(false) } catch { first = first ?? error }
    }
    if let first { throw ActuatorError(.gpio(first), actuator: name, detail: "stopping the drive") }
  }
}
