import Controller
import Foundation
import HAL
import MockHAL
import Testing

@Suite("Executive configuration from files and configured member lists")
struct ConfigurationTests {
  @Test("a configuration file gives groups, divisors, offsets and member order; the rest defaults")
  func decodesWithDefaults() throws {
    let json = """
      {"baseRateHz": 500, "groups": [
        {"name": "base", "divisor": 1, "inline": true},
        {"name": "sensors", "divisor": 5, "offset": 2, "members": ["bmp280-a", "bmp280-b"]}
      ], "warningThrottleMilliseconds": 250}
      """
    let config = try JSONDecoder().decode(ExecutiveConfiguration.self, from: Data(json.utf8))
    try config.validate()
    #expect(config.baseRateHz == 500)
    #expect(config.groups.map(\.divisor) == [1, 5])
    #expect(config.groups[1].offset == 2)
    #expect(config.groups[1].members == ["bmp280-a", "bmp280-b"])
    #expect(config.groups[0].inline)
    #expect(config.healthEveryTicks == 100)
    #expect(config.warningThrottle == .milliseconds(250))
    let again = try JSONDecoder().decode(ExecutiveConfiguration.self, from: JSONEncoder().encode(config))
    #expect(again == config)
  }

  @Test("assign places members in the configured groups and order")
  func assignByConfiguration() throws {
    let log = RunLog()
    let config = testConfiguration(groups: [
      RateGroupConfiguration(name: "fast", divisor: 1, members: ["b", "a"]),
      RateGroupConfiguration(name: "slow", divisor: 2, members: ["c"]),
    ])
    let executive = try Executive(configuration: config, clock: VirtualClock(), consumer: EventRecorder())
    try executive.assign(["a", "b", "c"].map { LoggingMember($0, log: log) })
    #expect(executive.memberNames(of: "fast") == ["b", "a"])
    executive.run(until: .zero)
    #expect(log.entries.map(\.member) == ["b", "a", "c"])
  }

  @Test("assign names the missing component, the unlisted member and duplicates")
  func assignErrors() throws {
    let config = testConfiguration(groups: [RateGroupConfiguration(name: "fast", divisor: 1, members: ["a", "x"])])
    let executive = try Executive(configuration: config, clock: VirtualClock(), consumer: EventRecorder())
    do {
      try executive.assign([LoggingMember("a", log: RunLog())])
      Issue.record("expected an error")
    } catch {
      #expect(error.field == "groups[fast].members")
      #expect(error.problem.contains("'x'"))
    }
    let other = try Executive(
      configuration: testConfiguration(groups: [RateGroupConfiguration(name: "fast", divisor: 1, members: ["a"])]),
      clock: VirtualClock(), consumer: EventRecorder())
    #expect(throws: ExecutiveConfigurationError.self) {
      try other.assign([LoggingMember("a", log: RunLog()), LoggingMember("stray", log: RunLog())])
    }
    let twice = testConfiguration(groups: [
      RateGroupConfiguration(name: "one", divisor: 1, members: ["a"]),
      RateGroupConfiguration(name: "two", divisor: 2, members: ["a"]),
    ])
    #expect(throws: ExecutiveConfigurationError.self) { try twice.validate() }
  }
}

@Suite("Configuration values that could trap are refused")
struct ConfigurationBoundsTests {
  @Test("huge divisors, deadlines and bad priorities are errors, not traps")
  func bounds() {
    for group in [
      RateGroupConfiguration(name: "g", divisor: Int.max),
      RateGroupConfiguration(name: "g", divisor: 10, pingDeadlinePeriods: Int.max),
      RateGroupConfiguration(name: "g", divisor: 10, priority: 0),
    ] {
      #expect(throws: ExecutiveConfigurationError.self) { try testConfiguration(groups: [group]).validate() }
    }
  }

  @Test("a fault policy from a file cannot set zero or negative steps")
  func faultPolicyClamped() throws {
    let json = #"{"retries": -4, "staleAfterPeriods": 0, "reinitEveryPeriods": 0}"#
    let policy = try JSONDecoder().decode(DeviceFaultPolicy.self, from: Data(json.utf8))
    #expect(
      policy == DeviceFaultPolicy(retries: 0, staleAfterPeriods: 1, excludeAfterPeriods: 10, reinitEveryPeriods: 1))
  }

  @Test("a fault policy from a file cannot set steps so large they stall a group or overflow a duration")
  func faultPolicyUpperBounds() throws {
    let json = #"""
      {"retries": 9223372036854775807, "staleAfterPeriods": 9223372036854775807,
       "excludeAfterPeriods": 9223372036854775807, "reinitEveryPeriods": 9223372036854775807}
      """#
    let policy = try JSONDecoder().decode(DeviceFaultPolicy.self, from: Data(json.utf8))
    #expect(policy.retries == DeviceFaultPolicy.maximumRetries)
    #expect(policy.staleAfterPeriods == DeviceFaultPolicy.maximumPeriods)
    #expect(policy.excludeAfterPeriods == DeviceFaultPolicy.maximumPeriods)
    #expect(policy.reinitEveryPeriods == DeviceFaultPolicy.maximumPeriods)
  }
}
