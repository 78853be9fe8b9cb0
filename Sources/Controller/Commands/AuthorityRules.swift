import Atomics
import HAL
import Station

// These rules and CommandArbiter.decide are also written in Promela beside this file
// (AuthorityRules.pml) and model-checked by scripts/model-check: change both together.

/// Who may command the station: one control token, held by the crew, by ground under a
/// time-limited lease, or by nobody; the crew's safety commands at any time; the crew
/// override switch above all. The rules and the invariant they keep are written in
/// docs/authority.md (decision 0816):
///
/// Whatever any principal sends, in any order, with any faults, the crew can always stop
/// the drones, safe the actuators, and open every hatch between them and the
/// return-vehicle module.
///
/// - Crew (console or panel) safety commands are always allowed: `stop_all_drones`,
///   `enter_safe_mode`, `drone_disarm`, `scan_pause`, the drone orders `hold` and
///   `return_to_dock`, `hatch_open`, `hatch_stop` and
///   `hatch_clear_fault` on any hatch, `hatch_close` on a hatch of a module where crew
///   are, `lease_end`, `control_grab`, `isolation_abort` and `crew_activity_start` (it
///   keeps drones away from crew at work).
/// - `crew_activity_end` is the crew's alone, at any time: only the people at work say
///   their work is over (ground may start an activity under its lease; nobody but the
///   crew ends one; the activity's own end time is the backstop).
/// - `isolation_approve` and `isolation_abort` are the crew's alone; the crew approves an
///   isolation unless ground holds control under a lease.
/// - `alarm_acknowledge` is the crew's alone, accepted at any time (whoever holds
///   control, in safe mode): it records that someone aboard has seen the alarm and moves
///   nothing (decision 1407).
/// - Other commands need control: the crew's while the crew holds it; ground's while a
///   lease it took (`lease_take`, from a signed envelope) is running. A lease ends at its
///   expiry unless renewed, on `lease_end`, on a crew `control_grab`, and when the crew
///   override switch goes active (then ground cannot take a lease until it is released).
/// - Autonomy (leak isolation, the scheduler) may command actuators whoever holds
///   control, but never takes control; a local operator needs the crew's control.
public final class AuthorityRules: AuthorityPolicy, @unchecked Sendable {
  /// Who holds the control token.
  public enum Holder: UInt8, Sendable, Hashable, CustomStringConvertible {
    case nobody = 0
    case crew = 1
    case ground = 2
    public var description: String {
      switch self {
      case .nobody: return "nobody"
      case .crew: return "crew"
      case .ground: return "ground"
      }
    }
  }

  public private(set) var holder: Holder = .crew {
    didSet { publishedHolder.store(holder.rawValue, ordering: .releasing) }
  }
  /// When the ground lease ends (while ground holds control).
  public private(set) var leaseExpiry: MonotonicInstant? {
    didSet { publishedLease.store(leaseExpiry?.nanoseconds ?? .min, ordering: .releasing) }
  }
  private let publishedHolder = ManagedAtomic<UInt8>(Holder.crew.rawValue)
  private let publishedLease = ManagedAtomic<Int64>(.min)
  /// The holder and the lease expiry as last set, readable from any thread (the state
  /// publisher in the planner group reads them; ``holder`` and ``leaseExpiry`` belong to
  /// the actuators group's thread). Two atomic loads, no lock, no allocation.
  public var published: (holder: Holder, leaseExpiry: MonotonicInstant?) {
    let holder = Holder(rawValue: publishedHolder.load(ordering: .acquiring)) ?? .nobody
    let lease = publishedLease.load(ordering: .acquiring)
    return (holder, lease == .min ? nil : MonotonicInstant(nanoseconds: lease))
  }
  /// Who stopped the drones with `stop_all_drones`, until a `scan_resume` lets them fly
  /// again: while set, autonomy may not arm a drone, command thrust or send it to a place
  /// or a scan (hold and return stay allowed). A crew stop is ended by the crew only.
  public private(set) var dronesStoppedBy: Principal?
  /// Whether the crew override switch is active now.
  public private(set) var overrideActive = false
  /// Hatches of modules where crew are (the crew may close these at any time).
  public private(set) var crewHatches: Set<HatchID>
  private let hatchModules: [HatchID: [ModuleID]]
  private let events: EventSink?
  private let source: EventSource

  /// Rules for `station` (crew start positions from its `crew.modules`); `events`
  /// receives ``EventCode/controlChanged`` on every change of holder.
  public init(station: StationDescription, events: EventSink?) {
    var modules: [HatchID: [ModuleID]] = [:]
    for hatch in station.hatches { modules[hatch.id] = hatch.between }
    hatchModules = modules
    crewHatches = []
    self.events = events
    source = events?.registerSource("authority") ?? .executive
    setCrewModules(station.crew.modules)
  }

  /// Where the crew are now (set-up, or the crew's own report of moving).
  public func crewMoved(to modules: [ModuleID]) { setCrewModules(modules) }

  /// Where the crew are now (set-up, or the crew's own report of moving).
  public func setCrewModules(_ modules: [ModuleID]) {
    let here = Set(modules)
    crewHatches = Set(hatchModules.filter { !here.isDisjoint(with: $0.value) }.map(\.key))
  }

  /// Whether `command` from the crew is one of the safety commands allowed at any time.
  public func isCrewSafetyCommand(_ command: Command) -> Bool {
    switch command {
    case .stopAllDrones, .enterSafeMode, .droneDisarm, .leaseEnd, .controlGrab, .scanPause, .isolationAbort,
      .crewActivityStart:
      return true
    case .droneOrder(_, .hold), .droneOrder(_, .returnToDock): return true
    case .hatchOpen, .hatchStop, .hatchClearFault: return true
    case .hatchClose(let hatch): return crewHatches.contains(hatch)
    default: return false
    }
  }

  /// Who holds the drone stop after `principal`'s accepted `stop_all_drones`, when
  /// `current` held it: a crew stop is never replaced by another principal's (only the
  /// crew ends it, with `scan_resume`). The scheduler persists the same answer.
  public static func droneStop(_ current: Principal?, after principal: Principal) -> Principal {
    if let current, current.isCrew { return current }
    return principal
  }

  /// Restores a drone stop an earlier run persisted (at assembly, before the executive
  /// runs): the drones stay stopped, by the same principal, until `scan_resume`.
  public func restoreDroneStop(by principal: Principal) {
    dronesStoppedBy = principal
  }

  public func deny(_ request: CommandRequest, safeMode: Bool, now: MonotonicInstant) -> StaticString? {
    let command = request.command
    if case .scanResume = command, let stopper = dronesStoppedBy {
      if request.principal == .autonomy { return "autonomy never resumes stopped drones" }
      if stopper.isCrew && !request.principal.isCrew {
        return "the crew stopped the drones: only the crew resumes them (scan_resume)"
      }
    }
    if request.principal == .autonomy, dronesStoppedBy != nil, Self.fliesADrone(command) {
      return "the drones are stopped (stop_all_drones) until scan_resume"
    }
    switch request.principal {
    case .crewConsole, .crewPanel:
      if isCrewSafetyCommand(command) { return nil }
      switch command {
      case .crewActivityEnd: return nil
      case .leaseTake: return "only ground takes a lease"
      case .alarmAcknowledge: return nil
      case .isolationApprove: return holder == .ground ? "ground holds control under a lease" : nil
      case .controlRequest: return holder == .ground ? "ground holds control under a lease: control_grab takes it" : nil
      case .controlRelease: return holder == .crew ? nil : "the crew does not hold control"
      default: return holder == .crew ? nil : "the crew does not hold control (control_request or control_grab)"
      }
    case .ground:
      switch command {
      case .isolationApprove, .isolationAbort: return "only the crew approves or aborts a leak isolation"
      case .crewActivityEnd: return "only the crew ends a crew activity"
      case .alarmAcknowledge: return Self.crewAcknowledges
      case .leaseTake:
        return overrideActive ? "the crew override switch is on" : nil
      case .controlRequest, .controlGrab: return "ground takes control only by a signed lease (lease_take)"
      default:
        if holder == .ground, holdsLease(now) { return nil }
        return leaseExpiry != nil && holder == .ground ? "the ground lease has expired" : "ground holds no lease"
      }
    case .autonomy:
      switch command {
      case .isolationApprove, .isolationAbort: return "only the crew approves or aborts a leak isolation"
      case .alarmAcknowledge: return Self.crewAcknowledges
      case .controlRequest, .controlGrab, .controlRelease, .leaseTake, .leaseEnd: return "autonomy never takes control"
      case .crewActivityStart, .crewActivityEnd: return "only people declare crew activity"
      default: return nil
      }
    case .localOperator:
      switch command {
      case .isolationApprove, .isolationAbort: return "only the crew approves or aborts a leak isolation"
      case .crewActivityEnd: return "only the crew ends a crew activity"
      case .alarmAcknowledge: return Self.crewAcknowledges
      case .leaseTake, .controlGrab: return "a local operator works under the crew's control"
      case .controlRequest: return holder == .nobody ? nil : "control is held"
      default: return holder == .crew ? nil : "the crew does not hold control"
      }
    }
  }

  /// Why anyone but the crew is refused `alarm_acknowledge` (decision 1407).
  static let crewAcknowledges: StaticString = "only the crew acknowledge an alarm (someone aboard has seen it)"

  /// Whether `command` arms a drone, drives its thrust or sends it somewhere.
  static func fliesADrone(_ command: Command) -> Bool {
    switch command {
    case .droneArm, .actuatorPulse: return true
    case .droneOrder(_, let order): return order != .hold && order != .returnToDock
    default: return false
    }
  }

  private func holdsLease(_ now: MonotonicInstant) -> Bool {
    guard let leaseExpiry else { return false }
    return now < leaseExpiry
  }

  public func accepted(_ request: CommandRequest, now: MonotonicInstant) {
    switch request.command {
    case .stopAllDrones:
      dronesStoppedBy = Self.droneStop(dronesStoppedBy, after: request.principal)
    case .scanResume:
      dronesStoppedBy = nil
    case .leaseTake(let seconds):
      leaseExpiry = now.advanced(by: .milliseconds(Int64((seconds * 1_000).rounded())))
      change(to: .ground, by: request.principal, now: now, seconds: seconds)
    case .leaseEnd:
      if holder == .ground { change(to: .crew, by: request.principal, now: now) }
    case .controlGrab:
      change(to: .crew, by: request.principal, now: now)
    case .controlRelease:
      change(to: request.principal == .ground ? .crew : .nobody, by: request.principal, now: now)
    case .controlRequest:
      if holder == .nobody { change(to: .crew, by: request.principal, now: now) }
    default:
      break
    }
  }

  public func tick(now: MonotonicInstant) {
    if holder == .ground, !holdsLease(now) { change(to: .crew, by: nil, now: now) }
  }

  public func crewOverride(active: Bool, now: MonotonicInstant) {
    overrideActive = active
    if active && holder != .crew { change(to: .crew, by: .crewPanel, now: now) }
  }

  private func change(to newHolder: Holder, by principal: Principal?, now: MonotonicInstant, seconds: Double = 0) {
    if newHolder != .ground { leaseExpiry = nil }
    let previous = holder
    holder = newHolder
    guard let events else { return }
    if newHolder == .ground {
      events.emit(
        Event(
          severity: .info, code: .leaseStarted, source: source, value: seconds, monotonic: now,
          wallNanoseconds: events.wallTime, principal: principal))
    }
    guard previous != newHolder else { return }
    events.emit(
      Event(
        severity: newHolder == .ground ? .warning : .info, code: .controlChanged, source: source,
        value: Double(newHolder.rawValue), monotonic: now, wallNanoseconds: events.wallTime, principal: principal))
  }
}
