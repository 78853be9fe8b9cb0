import Atomics

/// Why the controller is in safe mode.
public enum SafeModeReason: UInt8, Sendable, Hashable, CustomStringConvertible {
  /// Too few sensors deliver fresh data to act safely.
  case staleData = 1
  /// A component kept missing its health ping.
  case healthFatal = 2
  /// Orderly shutdown (SIGTERM/SIGINT or a command).
  case shutdown = 3
  /// A crew member commanded it (only the crew clears it).
  case crewCommand = 4
  /// Ground, autonomy or a local operator commanded it.
  case command = 5

  public var description: String {
    switch self {
    case .staleData: return "stale-data"
    case .healthFatal: return "health-fatal"
    case .shutdown: return "shutdown"
    case .crewCommand: return "crew-command"
    case .command: return "command"
    }
  }
}

/// Latched safe mode, shared lock-free by every thread.
///
/// Once tripped it stays tripped (keeping the first reason) until ``clear()``, which
/// only an operator command reaches. While latched the executive drives every
/// ``SafeStateActuator`` to its safe state instead of running it; everything else
/// (sensing, logging, the command link) keeps running.
public final class SafetyLatch: @unchecked Sendable {
  private let state = ManagedAtomic<UInt8>(0)
  private let trips = ManagedAtomic<UInt64>(0)
  private let sink: EventSink?

  /// `sink` receives ``EventCode/safeModeEntered`` and ``EventCode/safeModeCleared``.
  public init(sink: EventSink?) { self.sink = sink }

  /// Whether safe mode is latched.
  public var isLatched: Bool { state.load(ordering: .acquiring) != 0 }

  /// The reason safe mode was latched, or nil.
  public var reason: SafeModeReason? { SafeModeReason(rawValue: state.load(ordering: .acquiring)) }

  /// Increments on every transition into safe mode (lets actuators re-apply their safe
  /// state after a clear and a new trip).
  public var generation: UInt64 { trips.load(ordering: .acquiring) }

  /// Latches safe mode for `reason`; returns `true` if this call latched it (an already
  /// latched mode keeps its first reason). Never allocates.
  @discardableResult
  public func trip(_ reason: SafeModeReason, source: EventSource = .executive) -> Bool {
    let (won, _) = state.compareExchange(expected: 0, desired: reason.rawValue, ordering: .acquiringAndReleasing)
    guard won else { return false }
    trips.wrappingIncrement(ordering: .releasing)
    let severity: EventSeverity
    switch reason {
    case .healthFatal: severity = .fatal
    case .staleData: severity = .error
    case .crewCommand, .command: severity = .warning
    case .shutdown: severity = .info
    }
    sink?.emit(severity, .safeModeEntered, source: source, value: Int64(reason.rawValue))
    return true
  }

  /// Leaves safe mode (operator command only). Returns `false` if it was not latched.
  @discardableResult
  public func clear(source: EventSource = .executive) -> Bool {
    let previous = state.exchange(0, ordering: .acquiringAndReleasing)
    guard previous != 0 else { return false }
    sink?.emit(.info, .safeModeCleared, source: source, value: Int64(previous))
    return true
  }
}
