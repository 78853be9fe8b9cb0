/// Decoding from configuration files (JSON, or YAML through Yams): every field but the
/// names, the rate and the divisors may be left out and takes the default of `init`.
extension RateGroupConfiguration {
  private enum Keys: String, CodingKey {
    case name, divisor, offset, priority, inline, pingDeadlinePeriods, members
  }

  public init(from decoder: any Decoder) throws {
    let container = try decoder.container(keyedBy: Keys.self)
    self.init(
      name: try container.decode(String.self, forKey: .name),
      divisor: try container.decode(Int.self, forKey: .divisor),
      offset: try container.decodeIfPresent(Int.self, forKey: .offset) ?? 0,
      priority: try container.decodeIfPresent(Int.self, forKey: .priority),
      inline: try container.decodeIfPresent(Bool.self, forKey: .inline) ?? false,
      pingDeadlinePeriods: try container.decodeIfPresent(Int.self, forKey: .pingDeadlinePeriods) ?? 3,
      members: try container.decodeIfPresent([String].self, forKey: .members) ?? [])
  }
}

extension ExecutiveConfiguration {
  private enum Keys: String, CodingKey {
    case baseRateHz, groups, healthEveryTicks, fatalAfterMissedPings, warningThrottleMilliseconds, eventCapacity
  }

  /// `warningThrottleMilliseconds` stands for ``warningThrottle`` in files.
  public init(from decoder: any Decoder) throws {
    let container = try decoder.container(keyedBy: Keys.self)
    let throttle = try container.decodeIfPresent(Int64.self, forKey: .warningThrottleMilliseconds) ?? 1_000
    self.init(
      baseRateHz: try container.decode(Int.self, forKey: .baseRateHz),
      groups: try container.decode([RateGroupConfiguration].self, forKey: .groups),
      healthEveryTicks: try container.decodeIfPresent(Int.self, forKey: .healthEveryTicks) ?? 100,
      fatalAfterMissedPings: try container.decodeIfPresent(Int.self, forKey: .fatalAfterMissedPings) ?? 3,
      warningThrottle: .milliseconds(throttle),
      eventCapacity: try container.decodeIfPresent(Int.self, forKey: .eventCapacity) ?? 1024)
  }

  public func encode(to encoder: any Encoder) throws {
    var container = encoder.container(keyedBy: Keys.self)
    try container.encode(baseRateHz, forKey: .baseRateHz)
    try container.encode(groups, forKey: .groups)
    try container.encode(healthEveryTicks, forKey: .healthEveryTicks)
    try container.encode(fatalAfterMissedPings, forKey: .fatalAfterMissedPings)
    try container.encode(
      warningThrottle.nanosecondsSaturated / 1_000_000, forKey: .warningThrottleMilliseconds)
    try container.encode(eventCapacity, forKey: .eventCapacity)
  }
}
