import Atomics
import HAL
import Station

/// A module's leak alarm tier as the leak watch last announced it (ordered by severity).
/// Codes are a contract (the state frame, `alarm_acknowledged`'s value): add, never renumber.
public enum ModuleAlarmTier: UInt8, Sendable, Hashable, Comparable, CaseIterable, CustomStringConvertible {
  /// No leak alarm (`leak_cleared`, or none yet).
  case none = 0
  /// `leak_trend`: a slow loss over hours.
  case trend = 1
  /// `leak_alarm`: a loss at or above the alarm rate.
  case alarm = 2
  /// `rapid_depress`: a pressure fall above the rapid-depressurisation rate.
  case rapidDepress = 3

  public static func < (a: Self, b: Self) -> Bool { a.rawValue < b.rawValue }

  /// `none`, `trend`, `alarm`, `rapid_depress` (the state document's `alarm`).
  public var description: String {
    switch self {
    case .none: return "none"
    case .trend: return "trend"
    case .alarm: return "alarm"
    case .rapidDepress: return "rapid_depress"
    }
  }
}

/// One module's alarm and loss-rate state as the leak watch publishes it: plain values
/// (copied without allocating).
public struct ModuleAlarmStatus: Sendable, Equatable {
  /// The leak tier (`leak_alarm`, `rapid_depress`, `leak_trend`, `leak_cleared`).
  public var tier: ModuleAlarmTier = .none
  /// Whether the module is below the floor pressure: set by `low_pressure`, cleared by
  /// `low_pressure_cleared` (every healthy sensor above the floor plus its hysteresis).
  public var lowPressure = false
  /// The detector's running loss rate of the module's segment, %/h (NaN: not enough data
  /// yet, or blind): ``LeakDetector/lossRate(module:)``, refreshed once a
  /// second of controller time, and the rate of each leak event as it comes.
  public var lossRatePctPerHour: Double = .nan
  /// Who acknowledged the module's current alarm (nil: not acknowledged).
  public var acknowledgedBy: Principal?
  /// When, the controller's wall clock, nanoseconds since 1970 (UTC; meaningful only
  /// while ``acknowledgedBy`` is set).
  public var acknowledgedWallNanoseconds: Int64 = 0
  /// The request id of the acknowledging command.
  public var acknowledgedRequestID: UInt64 = 0

  public init() {}

  /// Whether the module has an alarm to acknowledge: a leak tier or low pressure.
  public var isActive: Bool { tier != .none || lowPressure }

  /// The alarm as a code (`alarm_acknowledged`'s value): the tier's (1-3), or 4 for
  /// low pressure alone, 0 for none.
  public var alarmCode: UInt8 { tier == .none && lowPressure ? 4 : tier.rawValue }

  /// The name of an ``alarmCode``: `none`, `trend`, `alarm`, `rapid_depress`, `low_pressure`.
  public static func alarmName(code: Double) -> String {
    if code == 4 { return "low_pressure" }
    return code >= 0 && code < 4 ? "\(ModuleAlarmTier(rawValue: UInt8(code)) ?? .none)" : "none"
  }
}

/// The modules' alarm state shared across rate groups (decision 1407): the leak watch
/// (leak group) is its one writer; the command arbiter (actuators group) reads whether a
/// module has an alarm and queues the crew's `alarm_acknowledge` here for the leak watch
/// to apply; the state publisher (planner group) is the one reader of each module's
/// ``ModuleAlarmStatus`` snapshot. Atomics, a bounded queue and triple buffers, all
/// allocated by `init`: nothing waits, nothing allocates.
public final class ModuleAlarms: @unchecked Sendable {
  /// The modules in station order (indices as in the station file).
  public let modules: [ModuleID]
  /// Accepted `alarm_acknowledge` commands, in order (arbiter -> leak watch).
  public let acknowledgements: BoundedQueue<CommandRequest>
  /// Each module's status (leak watch -> the state publisher; one reader).
  public let statuses: [Snapshot<ModuleAlarmStatus>]
  private let active: [ManagedAtomic<Bool>]

  public init(modules: [ModuleID], queueCapacity: Int = 16) {
    self.modules = modules
    acknowledgements = BoundedQueue(minimumCapacity: queueCapacity)
    statuses = modules.map { _ in Snapshot(ModuleAlarmStatus()) }
    active = modules.map { _ in ManagedAtomic(false) }
  }

  /// The index of `module` (nil: not a module of this station).
  public func index(of module: ModuleID) -> Int? { modules.firstIndex(of: module) }

  /// Whether module `index` has an alarm now (any thread).
  public func isActive(_ index: Int) -> Bool {
    index >= 0 && index < active.count && active[index].load(ordering: .acquiring)
  }

  /// Publishes module `index`'s status (the leak watch's thread only).
  func publish(_ index: Int, _ status: ModuleAlarmStatus) {
    guard index >= 0, index < statuses.count else { return }
    active[index].store(status.isActive, ordering: .releasing)
    statuses[index].publish(status)
  }
}
