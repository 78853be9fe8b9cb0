import Controller
import Station

/// A drone controller's state (the `value` of ``EventCode/droneState`` events).
public enum DroneControlState: UInt8, Sendable, Hashable, CaseIterable, CustomStringConvertible {
  /// On its dock, charging (or charged), no mission.
  case docked = 0
  /// Arming checks before lift-off: armed, link healthy, no fault.
  case preflight = 1
  /// Flying to the target's module.
  case transit = 2
  /// Scanning a target.
  case scanning = 3
  /// Flying back to the dock.
  case returning = 4
  /// Holding in place (a failsafe) so a person can intervene; escalates to return.
  case hold = 5
  /// The drone reports a fault: held, then told to return; stays here while the fault
  /// lasts after the escalations.
  case fault = 6

  public var description: String {
    switch self {
    case .docked: return "docked"
    case .preflight: return "preflight"
    case .transit: return "transit"
    case .scanning: return "scanning"
    case .returning: return "returning"
    case .hold: return "hold"
    case .fault: return "fault"
    }
  }
}

/// Timeouts and failsafe times of the drone state machine, seconds. Every state has a
/// timeout: preflight, transit, scanning and returning their own (the flying ones from
/// the expected time: factor x expected + margin); hold and fault the hold time; docked
/// the telemetry staleness limit (a docked drone without telemetry is a fault).
public struct DroneControlConfiguration: Sendable, Hashable {
  /// Longest preflight (arm, checks) before the mission is abandoned, s.
  public var preflightTimeoutS: Double = 30
  /// Time the arming line gets to settle before lift-off, s.
  public var armSettleS: Double = 2
  /// Transit, scan and return timeouts: `factor x expected + margin`.
  public var timeoutFactor: Double = 2
  public var timeoutMarginS: Double = 60
  /// Return timeout when the expected return time is unknown, s.
  public var returnTimeoutS: Double = 1_800
  /// How long a failsafe holds in place before escalating to return-to-dock, s
  /// (time for a person to intervene).
  public var holdS: Double = 120
  /// Telemetry older than this (no new link reading) is lost: a flying drone holds, a
  /// docked one is a fault, s.
  public var telemetryStaleS: Double = 5
  /// Returns tried from hold before the drone stays in fault.
  public var maximumEscalations: Int = 2
  /// Pulse each thrust channel is commanded to once the drone is armed, us (ESC range
  /// 1000-2000 us; 1400 us is 40 % above idle, well above the 10 % an ESC needs to spin
  /// the rotors). Disarming drives the channels back to their safe value.
  public var flightPulseUs: Int = 1_400

  public init() {}
}

/// A command the drone controller wants sent (through the arbiter, as autonomy).
public struct DroneAction: Sendable, Hashable {
  public var command: Command
}

/// One drone's mission state machine. It never touches an actuator or a link: every
/// action is a ``Command`` (arm, disarm, drone order) handed to the caller, which
/// submits it to the ``CommandArbiter`` as ``Principal/autonomy``.
public final class DroneController {
  /// What the drone is doing it for.
  public struct Mission: Sendable, Hashable {
    public var target: TargetID
    public var module: ModuleID
    public var scanS: Double
    public var travelS: Double
  }

  /// Something the controller observed for the scheduler.
  public enum Outcome: Sendable, Hashable {
    case scanStarted(TargetID)
    case scanDone(ScanReport, scanCount: UInt64)
    /// The mission was given up (timeout, fault, cancel): its target is free again.
    case missionAbandoned(TargetID)
    case stateChanged(DroneControlState)
  }

  public let drone: DroneID
  public let dock: ModuleID
  public let configuration: DroneControlConfiguration
  public private(set) var state: DroneControlState = .docked
  public private(set) var mission: Mission?
  /// When the current state was entered and when it times out (planner time line).
  public private(set) var enteredS: Double = 0
  public private(set) var deadlineS: Double = .infinity
  /// The last telemetry seen and when its reading changed.
  public private(set) var telemetry: DroneTelemetry?
  var lastSequence: UInt64 = 0
  var freshAtS: Double = 0
  /// Scan reports up to this count have been taken.
  public private(set) var scanCountSeen: UInt64 = 0
  var escalations = 0
  /// Whether ``scanCountSeen`` has its baseline (the first telemetry, or a restore).
  var baselined = false
  var returnExpectedS: Double = .nan
  /// Actions and outcomes of the last call (read and cleared by the caller).
  public var actions: [DroneAction] = []
  public var outcomes: [Outcome] = []

  public init(drone: DroneID, dock: ModuleID, configuration: DroneControlConfiguration = .init()) {
    self.drone = drone
    self.dock = dock
    self.configuration = configuration
    actions.reserveCapacity(4)
    outcomes.reserveCapacity(4)
  }

  /// Whether it can take a new mission now (docked and healthy, or just done scanning).
  public var canTakeMission: Bool { state == .docked && telemetry != nil && telemetry?.fault == nil }

  func enter(_ next: DroneControlState, now: Double, timeoutS: Double) {
    if next != state { outcomes.append(.stateChanged(next)) }
    state = next
    enteredS = now
    deadlineS = now + timeoutS
  }

  func order(_ order: DroneOrder) { actions.append(DroneAction(command: .droneOrder(drone, order))) }

  func abandon() {
    if let mission { outcomes.append(.missionAbandoned(mission.target)) }
    mission = nil
  }

  /// Starts `mission` from the dock (preflight: arm) or, when the drone is already out
  /// after a scan, straight to transit.
  public func start(_ mission: Mission, now: Double) {
    self.mission = mission
    outcomes.removeAll { if case .missionAbandoned(mission.target) = $0 { return true } else { return false } }
    escalations = 0
    if state == .docked {
      actions.append(DroneAction(command: .droneArm(drone)))
      enter(.preflight, now: now, timeoutS: configuration.preflightTimeoutS)
    } else {
      fly(now: now)
    }
  }

  func fly(now: Double) {
    guard let mission else { return }
    if telemetry?.module == mission.module && telemetry?.enRouteTo == nil {
      startScan(now: now)
      return
    }
    order(.goTo(mission.module))
    enter(
      .transit, now: now, timeoutS: configuration.timeoutFactor * mission.travelS + configuration.timeoutMarginS)
  }

  func startScan(now: Double) {
    guard let mission else { return }
    order(.scan(mission.target, seconds: mission.scanS))
    outcomes.append(.scanStarted(mission.target))
    enter(.scanning, now: now, timeoutS: configuration.timeoutFactor * mission.scanS + configuration.timeoutMarginS)
  }

  /// Sends the drone home (no new mission after a scan, a recall, a cancel).
  public func returnHome(now: Double, expectedS: Double = .nan) {
    abandon()
    returnExpectedS = expectedS
    order(.returnToDock)
    let timeout =
      expectedS.isFinite
      ? configuration.timeoutFactor * expectedS + configuration.timeoutMarginS : configuration.returnTimeoutS
    enter(.returning, now: now, timeoutS: timeout)
  }

  /// Gives up the current mission: before lift-off disarm and stay docked, in flight
  /// go home.
  public func cancel(now: Double) {
    switch state {
    case .preflight:
      abandon()
      actions.append(DroneAction(command: .droneDisarm(drone)))
      enter(.docked, now: now, timeoutS: .infinity)
    case .transit, .scanning:
      returnHome(now: now)
    default:
      break
    }
  }

  func failsafe(_ next: DroneControlState, now: Double) {
    abandon()
    order(.hold)
    enter(next, now: now, timeoutS: configuration.holdS)
  }

  /// One update at `now` with the link's latest reading: timeouts, telemetry, scan
  /// reports. Appends to ``actions`` and ``outcomes``.
  public func update(now: Double, reading: DroneLinkReading?) {
    if let reading, reading.sequence != lastSequence {
      lastSequence = reading.sequence
      if reading.failure == nil, let fresh = reading.telemetry {
        telemetry = fresh
        freshAtS = now
        if !baselined {
          // Reports made before this controller existed are not its scans.
          scanCountSeen = fresh.scanCount
          baselined = true
        }
      }
    }
    let stale = telemetry == nil || now - freshAtS > configuration.telemetryStaleS
    // Faults first: the drone's own report.
    if let telemetry, telemetry.fault != nil, state != .fault, state != .docked {
      failsafe(.fault, now: now)
      return
    }
    switch state {
    case .docked:
      if telemetry?.fault != nil || (stale && now - enteredS > configuration.telemetryStaleS) {
        enter(.fault, now: now, timeoutS: configuration.holdS)
      }
    case .preflight:
      if now >= deadlineS || stale {
        cancel(now: now)
      } else if now - enteredS >= configuration.armSettleS {
        fly(now: now)
      }
    case .transit:
      if takeReport(now: now) { return }
      if stale || now >= deadlineS {
        failsafe(.hold, now: now)
      } else if let mission, let telemetry, telemetry.module == mission.module, telemetry.enRouteTo == nil {
        startScan(now: now)
      }
    case .scanning:
      if takeReport(now: now) { return }
      if stale || now >= deadlineS {
        failsafe(.hold, now: now)
      }
    case .returning:
      if let telemetry, telemetry.docked, !stale {
        actions.append(DroneAction(command: .droneDisarm(drone)))
        enter(.docked, now: now, timeoutS: .infinity)
      } else if now >= deadlineS || stale {
        escalations += 1
        failsafe(escalations > configuration.maximumEscalations ? .fault : .hold, now: now)
      }
    case .hold:
      if now >= deadlineS {
        escalations += 1
        if escalations > configuration.maximumEscalations {
          enter(.fault, now: now, timeoutS: .infinity)
        } else {
          // Escalating from a hold: the drone may have been disarmed meanwhile (a crew
          // stop_all_drones, safe mode), so it is armed again before it is sent home.
          let current = escalations
          actions.append(DroneAction(command: .droneArm(drone)))
          returnHome(now: now, expectedS: returnExpectedS)
          escalations = current
        }
      }
    case .fault:
      if let telemetry, telemetry.fault == nil, telemetry.docked, !stale {
        actions.append(DroneAction(command: .droneDisarm(drone)))
        escalations = 0
        enter(.docked, now: now, timeoutS: .infinity)
      } else if now >= deadlineS && escalations < configuration.maximumEscalations && telemetry?.fault == nil {
        escalations += 1
        let current = escalations
        actions.append(DroneAction(command: .droneArm(drone)))
        returnHome(now: now, expectedS: returnExpectedS)
        escalations = current
      } else if now >= deadlineS {
        deadlineS = .infinity
      }
    }
  }

  /// Takes a new scan report for the mission's target (in transit too: after a restart
  /// whose last records were not written, a report already made is taken, never
  /// scanned again). The controller then stays in `scanning` (done) until the
  /// scheduler gives a next mission or a return in this same tick (FleetControl).
  func takeReport(now: Double) -> Bool {
    guard let telemetry, let report = telemetry.lastScan, telemetry.scanCount > scanCountSeen,
      let mission, report.target == mission.target
    else { return false }
    scanCountSeen = telemetry.scanCount
    outcomes.append(.scanDone(report, scanCount: telemetry.scanCount))
    self.mission = nil
    if state != .scanning { outcomes.append(.stateChanged(.scanning)) }
    state = .scanning
    deadlineS = now + configuration.holdS
    return true
  }

  /// Whether the last scan is done and the drone waits for its next order this tick.
  public var scanFinished: Bool { state == .scanning && mission == nil }

  /// Restores the state persisted before a restart. A flying drone was disarmed by the
  /// restart (the arbiter starts with every drone disarmed): it is re-armed and given a
  /// fresh order for where it was going; nothing sent before the restart is re-sent.
  public func restore(
    state saved: DroneControlState, mission: Mission?, scanCountSeen count: UInt64, now: Double
  ) {
    scanCountSeen = count
    baselined = true
    self.mission = mission
    state = .docked
    enteredS = now
    freshAtS = now
    switch saved {
    case .docked:
      mission.map { _ in abandon() }
    case .preflight:
      abandon()
      actions.append(DroneAction(command: .droneDisarm(drone)))
    case .transit:
      actions.append(DroneAction(command: .droneArm(drone)))
      state = .preflight
      fly(now: now)
    case .scanning:
      actions.append(DroneAction(command: .droneArm(drone)))
      guard let mission else {
        returnHome(now: now)
        return
      }
      // The scan may have finished (its report waits in telemetry) or be running: wait
      // for the report; a timeout holds and the target is planned again.
      state = .scanning
      enteredS = now
      deadlineS = now + configuration.timeoutFactor * mission.scanS + configuration.timeoutMarginS
      outcomes.append(.stateChanged(.scanning))
    case .returning, .hold, .fault:
      actions.append(DroneAction(command: .droneArm(drone)))
      state = .transit
      returnHome(now: now)
    }
  }
}
