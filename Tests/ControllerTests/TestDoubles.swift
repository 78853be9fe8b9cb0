import Controller
import HAL
import MockHAL

/// Shared log of (member, base tick) in run order.
final class RunLog {
  var entries: [(member: String, tick: UInt64)] = []
}

/// A member that logs each run; can stop answering pings and can burn virtual time.
final class LoggingMember: RateGroupMember {
  let name: String
  private let log: RunLog
  var healthy = true
  /// Virtual time this member takes per run by advancing the clock (inline groups).
  var burn: Duration = .zero
  var clock: VirtualClock?
  private(set) var runs = 0
  private(set) var lastTick: TickContext?

  init(_ name: String, log: RunLog) {
    self.name = name
    self.log = log
  }

  func run(_ tick: TickContext) {
    runs += 1
    lastTick = tick
    log.entries.append((name, tick.baseTick))
    if burn > .zero { clock?.advance(by: burn) }
  }

  func answerPing() -> Bool { healthy }
}

/// An actuator that records when it was run and when it went to its safe state.
final class RecordingActuator: SafeStateActuator {
  let name: String
  private let clock: VirtualClock
  var failSafe = false
  private(set) var runs = 0
  private(set) var safeAt: [MonotonicInstant] = []

  init(_ name: String, clock: VirtualClock) {
    self.name = name
    self.clock = clock
  }

  func run(_ tick: TickContext) { runs += 1 }

  func applySafeState() -> Bool {
    guard !failSafe else { return false }
    safeAt.append(clock.now())
    return true
  }
}

/// A watchdog double counting strokes.
final class CountingWatchdog: Watchdog {
  let name = "test-watchdog"
  private(set) var strokes = 0
  private(set) var disarmed = false
  func stroke() throws(WatchdogError) {
    guard !disarmed else { throw WatchdogError(.closed, device: name) }
    strokes += 1
  }
  func disarm() throws(WatchdogError) { disarmed = true }
}

/// A split-phase sensor whose failures are scripted per call.
final class FakeSensor: SplitPhaseSensor {
  let name: String
  /// Fault to throw on the next start/collect calls (nil: succeed).
  var failure: DeviceFault.Kind?
  /// Number of next calls that fail with `failure` (nil: all of them).
  var failuresLeft: Int?
  var reinitWorks = false
  private(set) var starts = 0
  private(set) var collects = 0
  private(set) var reinits = 0
  var pascals = 101_325.0

  init(_ name: String) { self.name = name }

  private func maybeFail() throws(DeviceFault) {
    guard let failure else { return }
    if let left = failuresLeft {
      guard left > 0 else { return }
      failuresLeft = left - 1
    }
    throw DeviceFault(failure, device: name)
  }

  func startConversion() throws(DeviceFault) {
    starts += 1
    try maybeFail()
  }

  /// Number of next collects that report "not ready yet".
  var notReadyLeft = 0

  func collectConversion() throws(DeviceFault) -> PressureSample? {
    collects += 1
    try maybeFail()
    if notReadyLeft > 0 {
      notReadyLeft -= 1
      return nil
    }
    return PressureSample(pressure: Pressure(pascals: pascals), temperature: Temperature(celsius: 21))
  }

  func reinitialise() throws(DeviceFault) {
    reinits += 1
    guard reinitWorks else { throw DeviceFault(.notInitialised, device: name) }
    failure = nil
  }
}

let timeout = DeviceFault.Kind.bus(I2CError(.timeout, bus: "sim-i2c", address: 0x76))
let gone = DeviceFault.Kind.bus(I2CError(.nack(.address), bus: "sim-i2c", address: 0x76))

/// 1 kHz base, groups named as in the controller, no inline base group unless asked.
func testConfiguration(
  groups: [RateGroupConfiguration]? = nil, healthEveryTicks: Int = 10, fatalAfter: Int = 3,
  eventCapacity: Int = 4096
) -> ExecutiveConfiguration {
  ExecutiveConfiguration(
    baseRateHz: 1000,
    groups: groups ?? [
      RateGroupConfiguration(name: "sensors", divisor: 10, offset: 0),
      RateGroupConfiguration(name: "actuators", divisor: 20, offset: 1),
      RateGroupConfiguration(name: "leak", divisor: 100, offset: 2),
      RateGroupConfiguration(name: "planner", divisor: 1000, offset: 3),
    ],
    healthEveryTicks: healthEveryTicks, fatalAfterMissedPings: fatalAfter, warningThrottle: .seconds(1),
    eventCapacity: eventCapacity)
}

extension MonotonicInstant {
  static func ms(_ value: Int64) -> MonotonicInstant { MonotonicInstant(nanoseconds: value * 1_000_000) }
}
