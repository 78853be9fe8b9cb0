import HAL

/// What the executive hands a member on each cycle of its rate group.
///
/// A plain value (no allocation): the base tick index, the group's cycle count, the
/// release deadline the cycle belongs to and whether the controller is in latched safe
/// mode.
public struct TickContext: Sendable, Hashable {
  /// Index of the base tick that released this cycle (0 at start).
  public var baseTick: UInt64
  /// How many cycles of this group have been released before this one.
  public var cycle: UInt64
  /// The cycle's release deadline on the monotonic time line.
  public var deadline: MonotonicInstant
  /// The group's period.
  public var period: Duration
  /// Whether the controller is in latched safe mode.
  public var safeMode: Bool
  /// How many times safe mode has been entered so far (``SafetyLatch/generation``): an
  /// order stamped with an older generation was given before the last safe state and is
  /// inert (``Stamped``).
  public var safeGeneration: UInt64

  public init(
    baseTick: UInt64, cycle: UInt64, deadline: MonotonicInstant, period: Duration, safeMode: Bool,
    safeGeneration: UInt64 = 0
  ) {
    self.safeGeneration = safeGeneration
    self.baseTick = baseTick
    self.cycle = cycle
    self.deadline = deadline
    self.period = period
    self.safeMode = safeMode
  }
}

/// One component run by a rate group, in the group's configured member order.
///
/// Contract: ``run(_:)`` returns within the group's period, does not allocate or take a
/// lock shared with non-real-time threads in steady state, and does no blocking I/O
/// other than its own device transfers. Split-phase devices start a transfer on one
/// cycle and collect it on a later one; nothing sleeps waiting for a conversion.
public protocol RateGroupMember: AnyObject {
  /// A name for events and telemetry (resolved off the loop, never formatted on it).
  var name: String { get }

  /// What the member's events (health, safe state) are about; `nil`: a controller
  /// component named ``name``.
  var eventSubject: EventSubject? { get }

  /// Does one cycle's work.
  func run(_ tick: TickContext)

  /// The health ping: called by the executive after each ``run(_:)``; return `false`
  /// when the component knows it is not working (the executive then treats the ping
  /// as unanswered). Default: `true`.
  func answerPing() -> Bool
}

extension RateGroupMember {
  public func answerPing() -> Bool { true }
  public var eventSubject: EventSubject? { nil }
}

/// A member that drives outputs and has a safe state.
///
/// While the controller is in latched safe mode the executive does not call
/// ``RateGroupMember/run(_:)`` on it; it calls ``applySafeState()`` on each of the
/// group's cycles until that succeeds once, so every actuator is at its safe value
/// within one period of its group.
public protocol SafeStateActuator: RateGroupMember {
  /// Drives every output of this actuator to its declared ``SafeValue``. Returns
  /// `false` when an output could not be driven (the executive retries next cycle
  /// and raises an event).
  func applySafeState() -> Bool

  /// Called instead of ``RateGroupMember/run(_:)`` on each cycle while safe mode is
  /// latched, once this actuator's safe state has been applied: an actuator that may
  /// still act in safe mode (a hatch the crew moves, the actuator power its move needs)
  /// acts here on commands published after the safe state. Default: nothing.
  func runWhileSafe(_ tick: TickContext)
}

extension SafeStateActuator {
  public func runWhileSafe(_ tick: TickContext) {}
}

/// An order with the safe-mode generation it was given in (``SafetyLatch/generation`` at
/// publication). A member acts on it only while the generation is still current, so an
/// order given before a safe state never acts after it (not after a clear either:
/// decision 0714), while an order given after it acts even while safe mode is latched
/// (the crew's hatch moves and the power they need: decision 0815).
public struct Stamped<Value: Sendable>: Sendable {
  public var value: Value
  public var generation: UInt64
  public init(_ value: Value, generation: UInt64) {
    self.value = value
    self.generation = generation
  }
}
