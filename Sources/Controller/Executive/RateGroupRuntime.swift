import Atomics
import HAL

/// One configured rate group at run time: its members, its telemetry and whether a
/// cycle is in progress.
///
/// ``execute(_:)`` runs on the group's own thread (or the base thread for inline
/// groups, or inline in virtual-clock mode); everything it touches is preallocated.
final class RateGroupRuntime: @unchecked Sendable {
  let configuration: RateGroupConfiguration
  let period: Duration
  let source: EventSource
  private(set) var members: [any RateGroupMember] = []
  /// The members as ``CountingMember``s when every one is (and the group is inline):
  /// the group can then run many cycles in one call (``executeInBulk(_:lastTick:deadline:)``).
  private var counting: [any CountingMember]? = []
  private var actuators: [(any SafeStateActuator)?] = []
  private var memberSources: [EventSource] = []
  private var healthIndices: [Int] = []
  private var appliedGeneration: [UInt64] = []
  private var safeFailureThrottles: [Throttle] = []

  private let clock: any MonotonicClock
  private let sink: EventSink
  private let latch: SafetyLatch
  private let health: HealthMonitor
  private let throttleInterval: Duration

  /// Set while a released cycle has not finished (base thread sets, runner clears).
  let busy = ManagedAtomic<Bool>(false)
  private let slipCounter = ManagedAtomic<UInt64>(0)
  private var slipThrottle: Throttle
  /// Virtual-clock mode: the group counts as busy until this instant.
  var virtualBusyUntil = MonotonicInstant(nanoseconds: .min)

  private(set) var cycles: UInt64 = 0
  private var execution = LatencyStatistics()
  private var wake = LatencyStatistics()
  /// The wake-up latency readable while the loop runs (`/metrics`).
  let wakeHistogram: WakeLatencyHistogram

  /// Allocation counting (steady state): the probe returns this thread's allocation
  /// count; cycles before `warmupCycles` are not counted.
  var allocationProbe: (() -> UInt64)?
  var warmupCycles: UInt64 = 0
  private var allocations: UInt64 = 0
  private var countedCycles: UInt64 = 0

  init(
    configuration: RateGroupConfiguration, basePeriod: Duration, clock: any MonotonicClock, sink: EventSink,
    latch: SafetyLatch, health: HealthMonitor, throttle: Duration
  ) {
    self.configuration = configuration
    self.period = basePeriod * configuration.divisor
    self.clock = clock
    self.sink = sink
    self.latch = latch
    self.health = health
    self.throttleInterval = throttle
    self.slipThrottle = Throttle(interval: throttle)
    self.source = sink.register(EventSubject(group: configuration.name))
    self.wakeHistogram = WakeLatencyHistogram(group: configuration.name)
  }

  /// Adds a member at the end of the order (set-up only).
  func add(_ member: any RateGroupMember, start: MonotonicInstant) {
    members.append(member)
    if configuration.inline, let countingMember = member as? any CountingMember, member as? any SafeStateActuator == nil
    {
      counting?.append(countingMember)
    } else {
      counting = nil
    }
    actuators.append(member as? any SafeStateActuator)
    let source = member.eventSubject.map { sink.register($0) } ?? sink.registerSource(member.name)
    memberSources.append(source)
    let deadline = period * configuration.pingDeadlinePeriods
    healthIndices.append(health.register(source: source, deadline: deadline, start: start))
    appliedGeneration.append(0)
    safeFailureThrottles.append(Throttle(interval: throttleInterval))
  }

  /// Whether base tick `tick` releases this group.
  func isDue(_ tick: UInt64) -> Bool {
    let offset = UInt64(configuration.offset)
    return tick >= offset && (tick - offset) % UInt64(configuration.divisor) == 0
  }

  /// The first base tick at or after `tick` that releases this group.
  func nextDue(from tick: UInt64) -> UInt64 {
    let offset = UInt64(configuration.offset)
    guard tick > offset else { return offset }
    let divisor = UInt64(configuration.divisor)
    let remainder = (tick - offset) % divisor
    return remainder == 0 ? tick : tick &+ (divisor - remainder)
  }

  /// Number of this group's releases in base ticks `from ..< to`.
  func releases(from: UInt64, to: UInt64) -> UInt64 {
    guard to > from else { return 0 }
    let first = nextDue(from: from)
    guard first < to else { return 0 }
    return (to - 1 - first) / UInt64(configuration.divisor) + 1
  }

  var slips: UInt64 { slipCounter.load(ordering: .relaxed) }

  /// Counts `count` lost releases and emits a throttled warning (base thread).
  func recordSlip(count: UInt64 = 1, at now: MonotonicInstant) {
    slipCounter.wrappingIncrement(by: count, ordering: .relaxed)
    if let suppressed = slipThrottle.admit(at: now) {
      sink.emit(.warning, .groupSlip, source: source, value: suppressed)
    }
  }

  /// Runs one cycle: every member in order (actuators go to their safe state instead
  /// while safe mode is latched), answering each member's health ping.
  /// Returns the cycle's execution time (measured, plus `simulatedCost` in
  /// virtual-clock mode).
  func execute(baseTick: UInt64, deadline: MonotonicInstant, simulatedCost: Duration = .zero) -> Duration {
    let before = allocationProbe?() ?? 0
    let start = clock.now()
    wake.record(start - deadline)
    wakeHistogram.record(start - deadline)
    var tick = TickContext(
      baseTick: baseTick, cycle: cycles, deadline: deadline, period: period, safeMode: false)
    for index in members.indices {
      let member = members[index]
      // Read per member: a monitor earlier in this cycle may just have latched it.
      let latched = latch.isLatched
      let generation = latch.generation
      tick.safeMode = latched
      tick.safeGeneration = generation
      if latched, let actuator = actuators[index] {
        if appliedGeneration[index] != generation {
          driveSafe(actuator, index: index, generation: generation)
        } else {
          actuator.runWhileSafe(tick)
        }
      } else {
        member.run(tick)
      }
      if member.answerPing() { health.answer(healthIndices[index], at: clock.now()) }
    }
    let elapsed = start.duration(to: clock.now()) + simulatedCost
    execution.record(elapsed)
    cycles &+= 1
    if let probe = allocationProbe, cycles > warmupCycles {
      allocations &+= probe() &- before
      countedCycles &+= 1
    }
    return elapsed
  }

  /// Whether ``executeInBulk(_:lastTick:deadline:)`` may stand for this group's cycles:
  /// an inline group whose members are all ``CountingMember``s (an empty group too).
  var accountsInBulk: Bool { counting != nil }

  /// Runs `count` cycles at once, the last released by base tick `lastTick` at
  /// `deadline`, with the telemetry, health answers and member state that `count` calls
  /// of ``execute(baseTick:deadline:simulatedCost:)`` would leave on a virtual clock
  /// already at each deadline: zero wake latency and zero execution time per cycle
  /// (decision 1210). Only for groups that ``accountsInBulk``.
  func executeInBulk(_ count: UInt64, lastTick: UInt64, deadline: MonotonicInstant) {
    guard count > 0, let counting else { return }
    wake.record(.zero, count: count)
    wakeHistogram.record(.zero, count: count)
    let latched = latch.isLatched
    let last = TickContext(
      baseTick: lastTick, cycle: cycles &+ (count &- 1), deadline: deadline, period: period, safeMode: latched,
      safeGeneration: latch.generation)
    for index in counting.indices {
      counting[index].runCycles(count, last: last)
      if counting[index].answerPing() { health.answer(healthIndices[index], at: deadline) }
    }
    execution.record(.zero, count: count)
    cycles &+= count
  }

  private func driveSafe(_ actuator: any SafeStateActuator, index: Int, generation: UInt64) {
    if actuator.applySafeState() {
      appliedGeneration[index] = generation
      sink.emit(.info, .safeStateApplied, source: memberSources[index])
    } else if let suppressed = safeFailureThrottles[index].admit(at: clock.now()) {
      sink.emit(.error, .safeStateFailed, source: memberSources[index], value: suppressed)
    }
  }

  /// Drives every actuator to its safe state now (shutdown, after the group's thread
  /// stopped). Returns how many failed.
  func applySafeStateNow() -> Int {
    var failures = 0
    for index in members.indices {
      guard let actuator = actuators[index] else { continue }
      if actuator.applySafeState() {
        sink.emit(.info, .safeStateApplied, source: memberSources[index])
      } else {
        failures += 1
        sink.emit(.error, .safeStateFailed, source: memberSources[index])
      }
    }
    return failures
  }

  func report(baseRateHz: Int) -> GroupReport {
    GroupReport(
      name: configuration.name, rateHz: Double(baseRateHz) / Double(configuration.divisor), cycles: cycles,
      slips: slips, execP99Us: execution.microseconds(atPercentile: 99), execMaxUs: execution.maxMicroseconds,
      wakeP50Us: wake.microseconds(atPercentile: 50), wakeP99Us: wake.microseconds(atPercentile: 99),
      wakeMaxUs: wake.maxMicroseconds, steadyAllocations: allocationProbe == nil ? nil : allocations,
      countedCycles: allocationProbe == nil ? nil : countedCycles)
  }
}
