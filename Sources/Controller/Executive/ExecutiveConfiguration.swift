/// One rate group as configured: released every `divisor` base ticks, starting at base
/// tick `offset`, running its members in order.
public struct RateGroupConfiguration: Sendable, Hashable, Codable {
  public var name: String
  /// Released on base ticks `offset`, `offset + divisor`, ... (divisor >= 1).
  public var divisor: Int
  /// First base tick of the group (0 ..< divisor); spreads groups over ticks.
  public var offset: Int
  /// SCHED_FIFO priority of the group's thread when real-time setup is on
  /// (higher runs first); `nil`: the executive derives one from the rate.
  public var priority: Int?
  /// Run on the base thread itself (no hand-off). Only for members that do no device
  /// I/O: device I/O never runs on the base tick.
  public var inline: Bool
  /// How long a member may go without answering its health ping, in periods of this
  /// group (>= 1).
  public var pingDeadlinePeriods: Int
  /// Member names in run order, for ``Executive/assign(_:)`` (empty: members are added
  /// in code with ``Executive/add(_:to:)``).
  public var members: [String]

  public init(
    name: String, divisor: Int, offset: Int = 0, priority: Int? = nil, inline: Bool = false,
    pingDeadlinePeriods: Int = 3, members: [String] = []
  ) {
    self.name = name
    self.divisor = divisor
    self.offset = offset
    self.priority = priority
    self.inline = inline
    self.pingDeadlinePeriods = pingDeadlinePeriods
    self.members = members
  }
}

/// Everything the executive needs from configuration.
public struct ExecutiveConfiguration: Sendable, Hashable, Codable {
  /// Base tick rate in hertz (e.g. 1000).
  public var baseRateHz: Int
  /// Groups in dispatch order (fastest first by convention).
  public var groups: [RateGroupConfiguration]
  /// Health evaluation (and watchdog stroke) interval, in base ticks.
  public var healthEveryTicks: Int
  /// Consecutive late health evaluations after which a component is fatal.
  public var fatalAfterMissedPings: Int
  /// Minimum time between two warning events of the same kind from the same source.
  public var warningThrottle: Duration
  /// Capacity of the event queue (rounded up to a power of two).
  public var eventCapacity: Int

  public init(
    baseRateHz: Int, groups: [RateGroupConfiguration], healthEveryTicks: Int = 100,
    fatalAfterMissedPings: Int = 3, warningThrottle: Duration = .seconds(1), eventCapacity: Int = 1024
  ) {
    self.baseRateHz = baseRateHz
    self.groups = groups
    self.healthEveryTicks = healthEveryTicks
    self.fatalAfterMissedPings = fatalAfterMissedPings
    self.warningThrottle = warningThrottle
    self.eventCapacity = eventCapacity
  }

  /// The controller's rate groups: base 1 kHz (inline, no I/O), sensors 100 Hz,
  /// actuators 50 Hz, leak estimation 10 Hz, planner 1 Hz. Offsets spread the I/O
  /// groups over different base ticks.
  public static func standard(baseRateHz: Int = 1000) -> ExecutiveConfiguration {
    let hz = max(baseRateHz, 1)
    func divisor(_ rate: Int) -> Int { max(hz / rate, 1) }
    return ExecutiveConfiguration(
      baseRateHz: hz,
      groups: [
        RateGroupConfiguration(name: "base", divisor: 1, inline: true),
        RateGroupConfiguration(name: "sensors", divisor: divisor(100), offset: 0),
        RateGroupConfiguration(name: "actuators", divisor: divisor(50), offset: min(1, divisor(50) - 1)),
        RateGroupConfiguration(name: "leak", divisor: divisor(10), offset: min(2, divisor(10) - 1)),
        RateGroupConfiguration(name: "planner", divisor: divisor(1), offset: min(3, divisor(1) - 1)),
      ],
      healthEveryTicks: divisor(10))
  }

  /// The base period, or nil when the rate is not positive.
  public var basePeriod: Duration? {
    guard baseRateHz > 0 else { return nil }
    return .nanoseconds(1_000_000_000 / Int64(baseRateHz))
  }

  /// Checks the configuration; throws naming the offending group and field.
  public func validate() throws(ExecutiveConfigurationError) {
    guard baseRateHz > 0, baseRateHz <= 100_000 else {
      throw ExecutiveConfigurationError(field: "baseRateHz", problem: "must be 1...100000, got \(baseRateHz)")
    }
    guard !groups.isEmpty else { throw ExecutiveConfigurationError(field: "groups", problem: "no rate group") }
    var seen: Set<String> = []
    var memberNames: Set<String> = []
    for group in groups {
      for member in group.members where !memberNames.insert(member).inserted {
        throw ExecutiveConfigurationError(
          field: "groups[\(group.name)].members", problem: "member '\(member)' is listed twice")
      }
      let field = "groups[\(group.name)]"
      guard seen.insert(group.name).inserted else {
        throw ExecutiveConfigurationError(field: field, problem: "duplicate group name")
      }
      guard group.divisor >= 1, group.divisor <= 10_000_000 else {
        throw ExecutiveConfigurationError(
          field: field + ".divisor", problem: "must be 1...10000000, got \(group.divisor)")
      }
      if let priority = group.priority, !(1...99).contains(priority) {
        throw ExecutiveConfigurationError(field: field + ".priority", problem: "must be 1...99, got \(priority)")
      }
      guard group.offset >= 0, group.offset < group.divisor else {
        throw ExecutiveConfigurationError(
          field: field + ".offset", problem: "must be 0..<\(group.divisor), got \(group.offset)")
      }
      guard group.pingDeadlinePeriods >= 1, group.pingDeadlinePeriods <= 10_000 else {
        throw ExecutiveConfigurationError(field: field + ".pingDeadlinePeriods", problem: "must be 1...10000")
      }
    }
    guard healthEveryTicks >= 1, healthEveryTicks <= 10_000_000 else {
      throw ExecutiveConfigurationError(field: "healthEveryTicks", problem: "must be 1...10000000")
    }
    guard fatalAfterMissedPings >= 1, fatalAfterMissedPings <= 10_000 else {
      throw ExecutiveConfigurationError(field: "fatalAfterMissedPings", problem: "must be 1...10000")
    }
    guard warningThrottle >= .zero else {
      throw ExecutiveConfigurationError(field: "warningThrottle", problem: "must not be negative")
    }
    guard eventCapacity >= 2, eventCapacity <= 1 << 20 else {
      throw ExecutiveConfigurationError(field: "eventCapacity", problem: "must be 2...1048576")
    }
  }
}

/// A configuration value the executive cannot run with.
public struct ExecutiveConfigurationError: Error, Hashable, Sendable, CustomStringConvertible {
  public var field: String
  public var problem: String
  public init(field: String, problem: String) {
    self.field = field
    self.problem = problem
  }
  public var description: String { "executive configuration \(field): \(problem)" }
}
