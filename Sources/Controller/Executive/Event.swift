import HAL
import Station

/// How bad an event is.
public enum EventSeverity: UInt8, Sendable, Hashable, Comparable, CustomStringConvertible {
  case info
  case warning
  case error
  /// The controller went (or stays) in safe mode because of it; the sink flushes.
  case fatal

  public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }
  public var description: String {
    switch self {
    case .info: return "info"
    case .warning: return "warning"
    case .error: return "error"
    case .fatal: return "fatal"
    }
  }
}

/// What happened. A closed set so an event is a plain value the loop can queue
/// without formatting or allocating; ``Event/value`` carries the number that matters,
/// in the unit ``unit`` names. ``description`` is the stable snake_case name used in
/// event files and the audit log (a contract: add names, never rename).
public enum EventCode: UInt16, Sendable, Hashable, CaseIterable, CustomStringConvertible {
  /// The base tick woke after its next deadline; `value`: whole periods skipped.
  case baseSlip
  /// A group was due while its previous cycle was still running (or was skipped by a
  /// base slip); `value`: slips suppressed by throttling since the last event.
  case groupSlip
  /// A component missed its health ping deadline; `value`: consecutive misses.
  case pingLate
  /// A component kept missing its ping: fatal; `value`: consecutive misses.
  case pingFatal
  /// A late component answered again.
  case pingRecovered
  /// Stroking the watchdog failed.
  case watchdogFailed
  /// The watchdog was not stroked because a component is unhealthy.
  case watchdogWithheld
  /// Latched safe mode entered; `value`: ``SafeModeReason`` raw value.
  case safeModeEntered
  /// Safe mode was cleared (by a command, see the command event before it).
  case safeModeCleared
  /// An actuator reached its safe state.
  case safeStateApplied
  /// An actuator could not be driven to its safe state (retried every cycle).
  case safeStateFailed
  /// A device transfer failed and was retried; `value`: attempts.
  case deviceRetry
  /// A device's data is older than its stale limit; `value`: periods without data.
  case deviceStale
  /// A device was excluded from use.
  case deviceExcluded
  /// An excluded device was re-initialised and is back in use.
  case deviceRestored
  /// Re-initialising an excluded device failed; `value`: attempts so far.
  case deviceReinitFailed
  /// No module can be watched any more (every module blind); `value`: modules watched.
  case quorumLost
  /// Real-time setup was not (fully) permitted; the loop runs on without it.
  case realtimeDegraded
  /// Ordinary events were lost because the queue was full; `value`: how many.
  case eventsLost
  /// Orderly shutdown requested (signal or command); `value`: signal number or 0.
  case shutdownRequested
  /// A command was accepted and carried out; ``Event/command``, ``Event/principal`` and
  /// ``Event/requestID`` say which.
  case commandAccepted
  /// An actuator could not be driven to its commanded value; `value`: the refused
  /// pulse in microseconds where there is one.
  case actuatorFailed
  /// A command was rejected; ``Event/rejection`` gives the code.
  case commandRejected
  /// Every pressure sensor of a module is stale or excluded: the module cannot be
  /// watched for leaks; `value`: its sensors still fresh (0).
  case moduleBlind
  /// A blind module has a fresh sensor again; `value`: sensors fresh.
  case moduleWatched
  /// A hatch move finished at its target; `value`: 1 open, 0 closed.
  case hatchMoved
  /// A hatch fault (a move that did not reach its position, a sensor conflict) was
  /// latched; no move is accepted until a fault-clear command.
  case hatchFault
  /// Actuator power (`actuator.power_enable`) switched; `value`: 1 on, 0 off.
  case actuatorPower
  /// Audited events (commands, safety actions) could not be queued: the controller
  /// refuses commands with `busy` until there is room; `value`: how many were lost.
  case auditEventsLost
  /// The run started (first event of a run); the record names board, station, version.
  case runStarted
  /// The run stopped (last event of a run); `value`: signal number or 0.
  case runStopped
  /// The control token changed hands; `value`: the new holder (0 nobody, 1 crew,
  /// 2 ground); ``Event/principal``: who caused it (none: a lease expired).
  case controlChanged
  /// Ground took or renewed a lease; `value`: its length in seconds.
  case leaseStarted
  /// The crew override switch went active (1) or was released (0).
  case crewOverride
  /// A drone started scanning a target (subject: drone and target); `value`: the
  /// scan's planned length, seconds.
  case scanStarted
  /// A drone finished scanning a target (subject: drone and target); `value`: the
  /// finding, 0 none, 1 minor, 2 major (``ScanFindingCode``).
  case scanDone
  /// A drone's controller changed state (subject: drone); `value`: the new state's
  /// code (`DroneControlState` in the Scheduler target: 0 docked, 1 preflight,
  /// 2 transit, 3 scanning, 4 returning, 5 hold, 6 fault).
  case droneState
  /// A segment loses gas at or above the leak-alarm rate; subject: the module (the
  /// segment's first), ``Event/rate`` %/h, value: hours to the floor pressure.
  case leakAlarm
  /// An active leak alarm ended (same fields as ``leakAlarm``).
  case leakCleared
  /// A sustained loss below the alarm rate, over hours (same fields as ``leakAlarm``).
  case leakTrend
  /// The pressure falls faster than the rapid-depressurisation rate (same fields).
  case rapidDepress
  /// The module's pressure is below the absolute floor; value: the pressure, Pa.
  case lowPressure
  /// A pressure sensor was found faulty by the leak detector's vote and is excluded
  /// from it; subject: the sensor with its module; value: the fault (index in
  /// `SensorFaultKind.allCases`: stuck, ramp, spikes, dropout, out_of_range, disagreement).
  case sensorFault
  /// The leak isolation proposed (one event per hatch of its first split, in order):
  /// subject: the hatch; value: its place in the order (1, 2, ...); ``Event/rate`` and
  /// the other rates: the alarm's loss rate (why).
  case isolationProposed
  /// A step of the leak isolation (``IsolationStep``, its code in value): subject: the
  /// hatch moved, the module measured or cleared, or the procedure (`leak-isolation`);
  /// a measurement carries the side's loss rate.
  case isolationStep
  /// The leak isolation named the leaking module: subject: the module; value: how many
  /// modules remain suspect (1: this one alone; more: one event per module of the
  /// smallest segment the interlocks allowed); the rates of the last measurement.
  case leakLocated
  /// The scheduler's keep-out for crew activity in a module changed (subject: the
  /// module): `value` is the seconds until the activity ends when it starts (or is
  /// started again with a new end), 0 when the crew ended it (`crew_activity_end`), -1
  /// when it ran out at its end time.
  case crewActivity
  /// A drone's controller keeps a drone on its dock after repeated faults before its
  /// mission got under way (subject: the drone): `value` is the seconds until the
  /// scheduler may send it again (docs/scheduler.md, "Fault back-off").
  case droneGrounded
  /// The crew acknowledged a module's alarm (subject: the module; ``Event/principal``,
  /// ``Event/requestID`` and ``Event/command``: the `alarm_acknowledge` that did it);
  /// value: the alarm acknowledged (``ModuleAlarmStatus/alarmCode``: 1 trend, 2 alarm,
  /// 3 rapid_depress, 4 low_pressure). The alarm stays until the detector clears it.
  case alarmAcknowledged
  /// A module's `low_pressure` ended: every healthy sensor reads above the floor plus
  /// its hysteresis; value: the pressure, Pa.
  case lowPressureCleared

  public var description: String {
    switch self {
    case .baseSlip: return "base_slip"
    case .groupSlip: return "group_slip"
    case .pingLate: return "ping_late"
    case .pingFatal: return "ping_fatal"
    case .pingRecovered: return "ping_recovered"
    case .watchdogFailed: return "watchdog_failed"
    case .watchdogWithheld: return "watchdog_withheld"
    case .safeModeEntered: return "safe_mode_entered"
    case .safeModeCleared: return "safe_mode_cleared"
    case .safeStateApplied: return "safe_state_applied"
    case .safeStateFailed: return "safe_state_failed"
    case .deviceRetry: return "device_retry"
    case .deviceStale: return "device_stale"
    case .deviceExcluded: return "device_excluded"
    case .deviceRestored: return "device_restored"
    case .deviceReinitFailed: return "device_reinit_failed"
    case .quorumLost: return "quorum_lost"
    case .realtimeDegraded: return "realtime_degraded"
    case .eventsLost: return "events_lost"
    case .shutdownRequested: return "shutdown_requested"
    case .commandAccepted: return "command_accepted"
    case .actuatorFailed: return "actuator_failed"
    case .commandRejected: return "command_rejected"
    case .moduleBlind: return "module_blind"
    case .moduleWatched: return "module_watched"
    case .hatchMoved: return "hatch_moved"
    case .hatchFault: return "hatch_fault"
    case .actuatorPower: return "actuator_power"
    case .auditEventsLost: return "audit_events_lost"
    case .runStarted: return "run_started"
    case .runStopped: return "run_stopped"
    case .controlChanged: return "control_changed"
    case .leaseStarted: return "lease_started"
    case .crewOverride: return "crew_override"
    case .scanStarted: return "scan_started"
    case .scanDone: return "scan_done"
    case .droneState: return "drone_state"
    case .leakAlarm: return "leak_alarm"
    case .leakCleared: return "leak_cleared"
    case .leakTrend: return "leak_trend"
    case .rapidDepress: return "rapid_depress"
    case .lowPressure: return "low_pressure"
    case .sensorFault: return "sensor_fault"
    case .isolationProposed: return "isolation_proposed"
    case .isolationStep: return "isolation_step"
    case .leakLocated: return "leak_located"
    case .crewActivity: return "crew_activity"
    case .droneGrounded: return "drone_grounded"
    case .alarmAcknowledged: return "alarm_acknowledged"
    case .lowPressureCleared: return "low_pressure_cleared"
    }
  }

  /// The unit of ``Event/value`` for this code (`nil`: a count or a code number).
  public var unit: String? {
    switch self {
    case .actuatorFailed: return "us"
    case .leaseStarted: return "s"
    case .scanStarted: return "s"
    case .crewActivity, .droneGrounded: return "s"
    case .leakAlarm, .leakCleared, .leakTrend, .rapidDepress: return "h"
    case .lowPressure, .lowPressureCleared: return "Pa"
    default: return nil
    }
  }

  /// Whether the audit log needs this event: commands and their responses, safety
  /// actions and alarms. Audited events are never dropped silently (``EventSink``).
  public var isAudited: Bool {
    switch self {
    case .commandAccepted, .commandRejected, .safeModeEntered, .safeModeCleared, .safeStateFailed, .quorumLost,
      .moduleBlind, .moduleWatched, .hatchFault, .shutdownRequested, .pingFatal, .auditEventsLost, .runStarted,
      .runStopped, .controlChanged, .leaseStarted, .crewOverride, .scanDone, .droneState:
      return true
    case .leakAlarm, .leakCleared, .rapidDepress, .lowPressure, .lowPressureCleared, .sensorFault:
      return true
    case .isolationProposed, .isolationStep, .leakLocated, .crewActivity, .droneGrounded, .alarmAcknowledged:
      return true
    default:
      return false
    }
  }
}

/// A handle on a registered ``EventSubject`` (registered once at set-up with
/// ``EventSink/register(_:)``, so the loop only passes a number).
public struct EventSource: Sendable, Hashable {
  public var id: UInt32
  public init(id: UInt32) { self.id = id }
  /// The executive itself.
  public static let executive = EventSource(id: 0)
}

/// What an event is about, by station id where there is one: a module, a sensor (with
/// its module), a hatch, a drone, a target, an output, or an executive group or
/// component. Registered once per subject; every field is optional and those that
/// apply are written to the event record.
public struct EventSubject: Sendable, Hashable, CustomStringConvertible {
  public var module: ModuleID?
  public var sensor: SensorRole?
  public var hatch: HatchID?
  public var drone: DroneID?
  public var target: TargetID?
  /// A board output role (a thrust channel, a line) not named by a hatch or drone alone.
  public var output: BoardRole?
  /// An executive rate group.
  public var group: String?
  /// A controller component with no station id (`executive`, `stale-data-monitor`).
  public var component: String?

  public init(
    module: ModuleID? = nil, sensor: SensorRole? = nil, hatch: HatchID? = nil, drone: DroneID? = nil,
    target: TargetID? = nil, output: BoardRole? = nil, group: String? = nil, component: String? = nil
  ) {
    self.module = module
    self.sensor = sensor
    self.hatch = hatch
    self.drone = drone
    self.target = target
    self.output = output
    self.group = group
    self.component = component
  }

  /// The executive itself.
  public static let executive = EventSubject(component: "executive")

  /// The subject's fields as `(key, value)` pairs in record order (`module`, `sensor`,
  /// `hatch`, `drone`, `target`, `output`, `group`, `component`).
  public var fields: [(key: String, value: String)] {
    var fields: [(key: String, value: String)] = []
    if let module { fields.append(("module", module.rawValue)) }
    if let sensor { fields.append(("sensor", sensor.rawValue)) }
    if let hatch { fields.append(("hatch", hatch.rawValue)) }
    if let drone { fields.append(("drone", drone.rawValue)) }
    if let target { fields.append(("target", target.rawValue)) }
    if let output { fields.append(("output", output.rawValue)) }
    if let group { fields.append(("group", group)) }
    if let component { fields.append(("component", component)) }
    return fields
  }

  /// A short name for terminal lines: the most specific id.
  public var description: String {
    if let sensor { return sensor.rawValue }
    if let hatch { return "hatch \(hatch)" }
    if let drone { return "drone \(drone)" }
    if let target { return "target \(target)" }
    if let output { return output.rawValue }
    if let module { return "module \(module)" }
    if let group { return "group \(group)" }
    return component ?? "-"
  }
}

/// One event, a plain value (no references, so queueing it never allocates): what
/// happened, to which subject, the number that matters, who asked (for command
/// events), and both a monotonic and a wall-clock timestamp, since boards often lack a
/// battery-backed real-time clock and the wall time may jump.
public struct Event: Sendable, Hashable {
  public var severity: EventSeverity
  public var code: EventCode
  public var source: EventSource
  /// The number that matters, in ``EventCode/unit`` (a count or a code where it has none).
  public var value: Double
  /// A rate where the event has one (leak events: %/h); NaN when absent.
  public var rate: Double
  /// The same loss as air mass, kg/day (leak events, from the module volumes); NaN when
  /// absent or unknown.
  public var rateKgPerDay: Double
  /// The same loss as a pressure fall, mmHg/day (as station crews read it); NaN when absent.
  public var rateMmHgPerDay: Double
  /// Who sent the command (command events).
  public var principal: Principal?
  /// The command's request id (command events; 0 otherwise).
  public var requestID: UInt64
  /// What the command was (command events).
  public var command: CommandKind?
  /// Why it was rejected (``EventCode/commandRejected``).
  public var rejection: RejectionCode?
  public var monotonic: MonotonicInstant
  /// Nanoseconds since 1970 (UTC) as the wall clock said when the event was raised.
  public var wallNanoseconds: Int64

  public init(
    severity: EventSeverity, code: EventCode, source: EventSource, value: Double, monotonic: MonotonicInstant,
    wallNanoseconds: Int64, rate: Double = .nan, principal: Principal? = nil, requestID: UInt64 = 0,
    command: CommandKind? = nil, rejection: RejectionCode? = nil, rateKgPerDay: Double = .nan,
    rateMmHgPerDay: Double = .nan
  ) {
    self.severity = severity
    self.code = code
    self.source = source
    self.value = value
    self.rate = rate
    self.rateKgPerDay = rateKgPerDay
    self.rateMmHgPerDay = rateMmHgPerDay
    self.principal = principal
    self.requestID = requestID
    self.command = command
    self.rejection = rejection
    self.monotonic = monotonic
    self.wallNanoseconds = wallNanoseconds
  }

  public static func == (lhs: Event, rhs: Event) -> Bool {
    lhs.severity == rhs.severity && lhs.code == rhs.code && lhs.source == rhs.source
      && (lhs.value == rhs.value || (lhs.value.isNaN && rhs.value.isNaN))
      && (lhs.rate == rhs.rate || (lhs.rate.isNaN && rhs.rate.isNaN))
      && (lhs.rateKgPerDay == rhs.rateKgPerDay || (lhs.rateKgPerDay.isNaN && rhs.rateKgPerDay.isNaN))
      && (lhs.rateMmHgPerDay == rhs.rateMmHgPerDay || (lhs.rateMmHgPerDay.isNaN && rhs.rateMmHgPerDay.isNaN))
      && lhs.principal == rhs.principal
      && lhs.requestID == rhs.requestID && lhs.command == rhs.command && lhs.rejection == rhs.rejection
      && lhs.monotonic == rhs.monotonic && lhs.wallNanoseconds == rhs.wallNanoseconds
  }

  public func hash(into hasher: inout Hasher) {
    hasher.combine(code)
    hasher.combine(source)
    hasher.combine(monotonic)
    hasher.combine(requestID)
  }
}

/// A wall clock (CLOCK_REALTIME on Linux); may jump, never used for scheduling.
public protocol WallClock: AnyObject {
  func nanosecondsSince1970() -> Int64
}

/// A wall clock that is a fixed offset from a monotonic clock (virtual-clock mode,
/// tests, and boards whose wall time is not set yet).
public final class OffsetWallClock: WallClock, @unchecked Sendable {
  private let clock: any MonotonicClock
  private let epochAtZero: Int64
  public init(clock: any MonotonicClock, epochNanosecondsAtZero: Int64 = 0) {
    self.clock = clock
    self.epochAtZero = epochNanosecondsAtZero
  }
  public func nanosecondsSince1970() -> Int64 { epochAtZero &+ clock.now().nanoseconds }
}

/// Receives drained events, off the loop (formatting, logging, telemetry, the audit log).
public protocol EventConsumer: AnyObject {
  func consume(_ event: Event, subject: EventSubject)
}

/// One event as an ``EventRecorder`` keeps it.
public struct RecordedEvent: Sendable {
  public var event: Event
  public var subject: EventSubject
  /// The subject's short name (``EventSubject/description``).
  public var source: String { subject.description }
}

/// Keeps every consumed event (tests and the bench report).
public final class EventRecorder: EventConsumer, @unchecked Sendable {
  public private(set) var events: [RecordedEvent] = []
  public init() {}
  public func consume(_ event: Event, subject: EventSubject) {
    events.append(RecordedEvent(event: event, subject: subject))
  }
  /// Recorded events with `code`.
  public func events(_ code: EventCode) -> [Event] { events.map(\.event).filter { $0.code == code } }
  /// Recorded events with `code`, with their subjects.
  public func records(_ code: EventCode) -> [RecordedEvent] { events.filter { $0.event.code == code } }
}

/// The numeric code of a scan finding in ``EventCode/scanDone`` events.
public enum ScanFindingCode {
  /// 0 none, 1 minor, 2 major.
  public static func code(_ finding: StationDescription.Finding) -> Double {
    switch finding {
    case .none: return 0
    case .minor: return 1
    case .major: return 2
    }
  }
}
