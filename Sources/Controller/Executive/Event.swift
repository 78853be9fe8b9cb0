import HAL

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
/// without formatting or allocating; `value` carries the one number that matters.
public enum EventCode: UInt16, Sendable, Hashable, CustomStringConvertible {
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
  /// An operator cleared safe mode.
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
  /// Too few devices deliver fresh data to act safely; `value`: devices fresh.
  case quorumLost
  /// Real-time setup was not (fully) permitted; the loop runs on without it.
  case realtimeDegraded
  /// Events were lost because the queue was full; `value`: how many.
  case eventsLost
  /// Orderly shutdown requested (signal or command); `value`: signal number or 0.
  case shutdownRequested
  /// A crew command was accepted; `value`: command raw value.
  case commandAccepted
  /// An actuator could not be driven to its commanded value.
  case actuatorFailed

  public var description: String {
    switch self {
    case .baseSlip: return "base-slip"
    case .groupSlip: return "group-slip"
    case .pingLate: return "ping-late"
    case .pingFatal: return "ping-fatal"
    case .pingRecovered: return "ping-recovered"
    case .watchdogFailed: return "watchdog-failed"
    case .watchdogWithheld: return "watchdog-withheld"
    case .safeModeEntered: return "safe-mode-entered"
    case .safeModeCleared: return "safe-mode-cleared"
    case .safeStateApplied: return "safe-state-applied"
    case .safeStateFailed: return "safe-state-failed"
    case .deviceRetry: return "device-retry"
    case .deviceStale: return "device-stale"
    case .deviceExcluded: return "device-excluded"
    case .deviceRestored: return "device-restored"
    case .deviceReinitFailed: return "device-reinit-failed"
    case .quorumLost: return "quorum-lost"
    case .realtimeDegraded: return "realtime-degraded"
    case .eventsLost: return "events-lost"
    case .shutdownRequested: return "shutdown-requested"
    case .commandAccepted: return "command-accepted"
    case .actuatorFailed: return "actuator-failed"
    }
  }
}

/// Identifies who raised an event; names are registered once at set-up
/// (``EventSink/registerSource(_:)``) so the loop only passes a number.
public struct EventSource: Sendable, Hashable {
  public var id: UInt32
  public init(id: UInt32) { self.id = id }
  /// The executive itself.
  public static let executive = EventSource(id: 0)
}

/// One event, a plain value: both a monotonic and a wall-clock timestamp, since boards
/// often lack a battery-backed real-time clock and the wall time may jump.
public struct Event: Sendable, Hashable {
  public var severity: EventSeverity
  public var code: EventCode
  public var source: EventSource
  public var value: Int64
  public var monotonic: MonotonicInstant
  /// Nanoseconds since 1970 (UTC) as the wall clock said when the event was raised.
  public var wallNanoseconds: Int64

  public init(
    severity: EventSeverity, code: EventCode, source: EventSource, value: Int64,
    monotonic: MonotonicInstant, wallNanoseconds: Int64
  ) {
    self.severity = severity
    self.code = code
    self.source = source
    self.value = value
    self.monotonic = monotonic
    self.wallNanoseconds = wallNanoseconds
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

/// Receives drained events, off the loop (formatting, logging, telemetry).
public protocol EventConsumer: AnyObject {
  func consume(_ event: Event, sourceName: String)
}

/// Keeps every consumed event (tests and the bench report).
public final class EventRecorder: EventConsumer, @unchecked Sendable {
  public private(set) var events: [(event: Event, source: String)] = []
  public init() {}
  public func consume(_ event: Event, sourceName: String) { events.append((event, sourceName)) }
  /// Recorded events with `code`.
  public func events(_ code: EventCode) -> [Event] { events.map(\.event).filter { $0.code == code } }
}
