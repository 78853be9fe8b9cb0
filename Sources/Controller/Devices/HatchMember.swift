import Drivers
import HAL
import Station

/// What the arbiter tells a hatch to do.
public enum HatchOrder: Sendable, Hashable {
  /// Move to `.open` or `.closed`.
  case move(HatchActuator.Position)
  /// Stop where it is (both drive lines off).
  case stop
}

/// A hatch (two drive lines, two position sensors) as a rate-group member, through the
/// drivers' ``HatchActuator``, so the controller cannot drive both directions at once,
/// keep driving past a reached position or past the move timeout.
///
/// Orders come only from the ``CommandArbiter`` (the order snapshot is created by the
/// assembly and handed to the arbiter alone), stamped with the safe-mode generation they
/// were given in. A move starts once per newly published order and is supervised every
/// cycle. Safe state: hold (both drive lines off, never a reflexive close). An order
/// given before the last safe state is inert afterwards (decision 0714); one given after
/// it acts even while safe mode is latched (``runWhileSafe(_:)``), because the arbiter
/// lets only the crew move a hatch then: the controller's own safe state never freezes a
/// hatch shut (decision 0815).
/// Events: ``EventCode/hatchMoved`` when a move ends at its target,
/// ``EventCode/hatchFault`` when a fault latches. Bus contract: one read of each
/// position sensor per cycle while moving, drive-line writes only when a move starts
/// or stops.
public final class HatchMember: SafeStateActuator, @unchecked Sendable {
  public let name: String
  public let eventSubject: EventSubject?
  public let hatch: HatchActuator
  private let order: Snapshot<Stamped<HatchOrder>?>
  private let events: EventSink
  private let source: EventSource
  private var handledVersion: UInt64 = 0
  private var positionRead = false
  /// Whether a drone may pass, as far as the controller knows: from the position sensors
  /// read once at the first cycle when the hatch rests at a stop (nil when between its
  /// stops or unreadable), then true only
  /// while the hatch rests open (false while it moves, after a stop or fault between,
  /// and when closed). The position is not read again while idle.
  /// Published by this member alone; one reader (the inspection scheduler).
  public let passable = Snapshot<Bool?>(nil)

  /// `subject` names the hatch in events (default: the actuator's name as a component).
  public init(
    hatch: HatchActuator, order: Snapshot<Stamped<HatchOrder>?>, events: EventSink, subject: EventSubject? = nil
  ) {
    self.name = hatch.name
    self.hatch = hatch
    self.order = order
    self.events = events
    let subject = subject ?? EventSubject(component: hatch.name)
    self.eventSubject = subject
    self.source = events.register(subject)
  }

  /// Whether a move is running (drive line energised).
  public var isMoving: Bool {
    if case .moving = hatch.state { return true }
    return false
  }

  /// Whether an order was published that this member has not taken yet (reads only the
  /// snapshot's version: safe from the arbiter on the same group).
  public var hasPendingOrder: Bool { order.version != handledVersion }

  public func run(_ tick: TickContext) {
    if !positionRead {
      // A hatch closed before the controller started is closed for the planner too.
      positionRead = true
      // Between its stops (or unreadable) it stays unknown, as before any move.
      if let position = try? hatch.position(), position != .between { passable.publish(position == .open) }
    }
    let version = order.version
    if version != handledVersion, let wanted = order.read() {
      handledVersion = version
      // Given before the last safe state: inert.
      if wanted.generation == tick.safeGeneration {
        act(on: wanted.value, tick)
      }
    }
    supervise(tick)
  }

  private func act(on wanted: HatchOrder, _ tick: TickContext) {
    do throws(ActuatorError) {
      switch wanted {
      case .move(let target): try hatch.move(to: target, now: tick.deadline)
      case .stop: try hatch.safe()
      }
      if case .idle(let position) = hatch.state { passable.publish(position == .open) } else { passable.publish(false) }
    } catch {
      passable.publish(false)
      events.emit(.error, error.kind == .faulted ? .hatchFault : .actuatorFailed, source: source)
    }
  }

  private func supervise(_ tick: TickContext) {
    let wasMoving = isMoving
    do throws(ActuatorError) {
      let state = try hatch.update(now: tick.deadline)
      if wasMoving, case .idle(let position) = state {
        passable.publish(position == .open)
        if position != .between { events.emit(.info, .hatchMoved, source: source, value: position == .open ? 1 : 0) }
      }
    } catch {
      passable.publish(false)
      events.emit(.error, .hatchFault, source: source)
    }
  }

  public func runWhileSafe(_ tick: TickContext) { run(tick) }

  public func applySafeState() -> Bool {
    do throws(ActuatorError) {
      try hatch.safe()
      return true
    } catch {
      return false
    }
  }
}
