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
  /// Fault back-off: a drone back on its dock after a fault (its own report, or an
  /// escalation) is not sent out again for this long, s; each further fault before a
  /// scan completes doubles it, up to ``faultBackoffMaximumS``. Without it a fault the
  /// drone clears itself on the next order (a `blocked` path) re-sent it every few
  /// seconds (decision 1308).
  public var faultBackoffS: Double = 300
  /// The longest fault back-off, s.
  public var faultBackoffMaximumS: Double = 3_600
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
    /// Back on its dock after a fault: kept there (no mission) for `seconds`.
    case grounded(seconds: Double)
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
  /// Faults since the last completed scan (each doubles the back-off).
  public private(set) var faultsSinceScan = 0
  /// Whether the current trip had a fault (the dock then grounds the drone).
  var faulted = false
  /// No new mission before this time (fault back-off; planner time line).
  public private(set) var groundedUntilS: Double = -.infinity
  /// The time of the last update.
  var nowS: Double = 0
  /// Whether ``scanCountSeen`` has its baseline (the first telemetry, or a restore).
  var baselined = false
  var returnExpectedS: Double = .nan
  /// The route: the next module from a module towards another over the planner's
  /// usable hatches (``InspectionPlanner/nextModule(from:to:)``).
  /// With it the drone is ordered one module at a time, so it flies around kept-out
  /// modules; without it (nil) each order names the destination and the drone's
  /// autopilot picks the way.
  public var route: ((ModuleID, ModuleID) -> RouteStep)?
  /// The module the last `go_to` named (one step of the route), while flying by steps.
  public private(set) var hop: ModuleID?
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
  public var canTakeMission: Bool {
    state == .docked && telemetry != nil && telemetry?.fault == nil && nowS >= groundedUntilS
  }

  /// Entering the dock after a trip with a fault: the back-off starts (doubling with
  /// each fault since the last completed scan).
  func groundIfFaulted(now: Double) {
    guard faulted else { return }
    faulted = false
    let doublings = min(max(faultsSinceScan - 1, 0), 30)
    let seconds = min(configuration.faultBackoffS * Double(1 << doublings), configuration.faultBackoffMaximumS)
    guard seconds > 0 else { return }
    groundedUntilS = now + seconds
    outcomes.append(.grounded(seconds: seconds))
  }

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
    hop = nil
    if let route, let here = telemetry?.module {
      switch route(here, mission.module) {
      case .next(let next): hop = next
      case .none:
        // No usable way there any more (a new keep-out or a closed hatch): hold, the
        // planner has released or re-planned the target.
        failsafe(.hold, now: now)
        return
      case .pending:
        // The table is being rebuilt: the first step is ordered at a later tick.
        hop = here
        enter(
          .transit, now: now, timeoutS: configuration.timeoutFactor * mission.travelS + configuration.timeoutMarginS)
        return
      }
    }
    order(.goTo(hop ?? mission.module))
    enter(
      .transit, now: now, timeoutS: configuration.timeoutFactor * mission.travelS + configuration.timeoutMarginS)
  }

  /// Flying by steps: at the end of a step (in `hop`, not between modules) the next
  /// `go_to` towards `destination`, or `dock` when the next step is the dock's module.
  /// Returns false when the route has no way on (the caller decides).
  func nextStep(towards destination: ModuleID, dock: Bool = false) -> Bool {
    guard let hop, let telemetry, telemetry.module == hop, telemetry.enRouteTo == nil, hop != destination else {
      return true
    }
    switch route?(hop, destination) ?? .none {
    case .next(let next):
      self.hop = next
      order(dock && next == destination ? .returnToDock : .goTo(next))
      return true
    case .pending: return true
    case .none: return false
    }
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
    // By steps along the planner's route while one exists and the dock is more than a
    // step away; else straight home (the drone's own way: going home comes first).
    hop = nil
    if let here = telemetry?.module, here != dock, case .next(let next) = route?(here, dock), next != dock {
      hop = next
      order(.goTo(next))
    } else {
      order(.returnToDock)
    }
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
    if next == .fault { noteFault() }
    abandon()
    order(.hold)
    enter(next, now: now, timeoutS: configuration.holdS)
  }

  func noteFault() {
    faulted = true
    faultsSinceScan += 1
  }

  /// One update at `now` with the link's latest reading: timeouts, telemetry, scan
  /// reports. Appends to ``actions`` and ``outcomes``.
  public func update(now: Double, reading: DroneLinkReading?) {
    nowS = now
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
        noteFault()
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
      } else if let mission, !nextStep(towards: mission.module) {
        failsafe(.hold, now: now)
      }
    case .scanning:
      if takeReport(now: now) { return }
      if stale || now >= deadlineS {
        failsafe(.hold, now: now)
      }
    case .returning:
      if let telemetry, telemetry.docked, !stale {
        actions.append(DroneAction(command: .droneDisarm(drone)))
        hop = nil
        enter(.docked, now: now, timeoutS: .infinity)
        groundIfFaulted(now: now)
      } else if now >= deadlineS || stale {
        escalations += 1
        failsafe(escalations > configuration.maximumEscalations ? .fault : .hold, now: now)
      } else if !nextStep(towards: dock, dock: true) {
        // The route home closed behind a step: straight home.
        hop = nil
        order(.returnToDock)
      }
    case .hold:
      if now >= deadlineS {
        escalations += 1
        if escalations > configuration.maximumEscalations {
          noteFault()
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
        hop = nil
        enter(.docked, now: now, timeoutS: .infinity)
        groundIfFaulted(now: now)
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
    faultsSinceScan = 0
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
