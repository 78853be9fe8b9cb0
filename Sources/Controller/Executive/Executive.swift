import Atomics
import HAL

/// The real-time executive: rate groups released from one base tick, absolute-deadline
/// sleeping, slip detection, health pings, watchdog and latched safe mode.
///
/// The same object runs in two modes:
/// - virtual-clock mode (``step()``, ``run(until:)``): every group runs inline on the
///   caller's thread, deterministically, jumping straight to the next tick on which
///   something is due. A group's simulated execution time (``virtualCost``) makes it
///   busy on its own virtual thread, so its overrun slips it alone.
/// - real-time mode (``runRealtime(options:environment:onSetupProblems:)``): the base
///   thread sleeps to each absolute deadline and hands releases to one thread per
///   non-inline group (descending priorities); it never waits for them.
///
/// Set-up (``add(_:to:)``) happens before either runs; afterwards nothing on the loop
/// allocates.
public final class Executive: @unchecked Sendable {
  public let configuration: ExecutiveConfiguration
  public let clock: any MonotonicClock
  /// The event sink (drain it from a non-real-time thread in virtual mode).
  public let events: EventSink
  /// Latched safe mode.
  public let safety: SafetyLatch
  /// The loop's status, published every health interval (one reader thread).
  public let status: Snapshot<ExecutiveStatus>

  /// Virtual-clock mode only: how long cycle `cycle` of group `group` takes, in
  /// simulated time (tests model a slow group with it).
  public var virtualCost: ((_ group: String, _ cycle: UInt64) -> Duration)?

  /// Virtual-clock mode only (``run(until:)``): base ticks on which only inline groups
  /// of ``CountingMember``s are due (no other group, no health check) are accounted in
  /// one bulk instead of slept to one by one: the same member state, tick and cycle
  /// counts, health answers, telemetry and events, but the clock sees one sleep per bulk
  /// (to its last tick) instead of one per tick (decision 1210). Default off; real-time
  /// mode and ``step()`` never skip.
  public var skipsIdleTicks = false

  private let watchdog: (any Watchdog)?
  private let health: HealthMonitor
  private var groups: [RateGroupRuntime] = []
  private var workers: [GroupWorker?] = []
  let basePeriod: Duration
  private var origin: MonotonicInstant?
  private var nextTick: UInt64 = 0
  private(set) var ticks: UInt64 = 0
  private var baseSlips: UInt64 = 0
  private var baseWake = LatencyStatistics()
  private let baseWakeHistogram = WakeLatencyHistogram(group: "base_tick")
  private var baseSlipThrottle: Throttle
  private var watchdogThrottle: Throttle
  private let shutdownRequest = ManagedAtomic<Int>(-1)
  private var finished = false
  /// Watchdog strokes so far.
  public private(set) var watchdogStrokes: UInt64 = 0

  private var allocationProbe: (() -> UInt64)?
  private var allocationWarmupTicks: UInt64 = 0
  private var baseAllocations: UInt64 = 0
  private var baseCountedTicks: UInt64 = 0

  /// Builds an executive with no members yet. Throws when `configuration` is invalid.
  public init(
    configuration: ExecutiveConfiguration, clock: any MonotonicClock, wallClock: (any WallClock)? = nil,
    consumer: any EventConsumer, watchdog: (any Watchdog)? = nil
  ) throws(ExecutiveConfigurationError) {
    try configuration.validate()
    guard let basePeriod = configuration.basePeriod else {
      throw ExecutiveConfigurationError(field: "baseRateHz", problem: "must be positive")
    }
    self.configuration = configuration
    self.clock = clock
    self.basePeriod = basePeriod
    self.watchdog = watchdog
    events = EventSink(
      capacity: configuration.eventCapacity, clock: clock,
      wallClock: wallClock ?? OffsetWallClock(clock: clock), consumer: consumer)
    safety = SafetyLatch(sink: events)
    status = Snapshot(ExecutiveStatus())
    health = HealthMonitor(sink: events, latch: safety, fatalAfter: configuration.fatalAfterMissedPings)
    baseSlipThrottle = Throttle(interval: configuration.warningThrottle)
    watchdogThrottle = Throttle(interval: configuration.warningThrottle)
    for group in configuration.groups {
      groups.append(
        RateGroupRuntime(
          configuration: group, basePeriod: basePeriod, clock: clock, sink: events, latch: safety, health: health,
          throttle: configuration.warningThrottle))
    }
  }

  /// Appends `member` to the ordered member list of group `group` (set-up only).
  public func add(_ member: any RateGroupMember, to group: String) throws(ExecutiveConfigurationError) {
    guard let runtime = groups.first(where: { $0.configuration.name == group }) else {
      throw ExecutiveConfigurationError(
        field: "groups", problem: "no group named '\(group)' for member '\(member.name)'")
    }
    if runtime.configuration.inline, member is any SafeStateActuator {
      throw ExecutiveConfigurationError(
        field: "groups[\(group)]", problem: "actuator '\(member.name)' does device I/O; not on the inline base group")
    }
    runtime.add(member, start: clock.now())
  }

  /// Places `members` by the configured member lists (``RateGroupConfiguration/members``):
  /// each group gets the members it names, in its order (set-up only). Throws naming the
  /// group for a configured name with no member, and the member for one no group lists.
  public func assign(_ members: [any RateGroupMember]) throws(ExecutiveConfigurationError) {
    var byName: [String: any RateGroupMember] = [:]
    for member in members {
      guard byName.updateValue(member, forKey: member.name) == nil else {
        throw ExecutiveConfigurationError(field: "members", problem: "two members named '\(member.name)'")
      }
    }
    var placed: Set<String> = []
    for group in configuration.groups {
      for name in group.members {
        guard let member = byName[name] else {
          throw ExecutiveConfigurationError(
            field: "groups[\(group.name)].members", problem: "no component named '\(name)'")
        }
        try add(member, to: group.name)
        placed.insert(name)
      }
    }
    if let stray = members.first(where: { !placed.contains($0.name) }) {
      throw ExecutiveConfigurationError(field: "groups", problem: "no group lists member '\(stray.name)'")
    }
  }

  /// Names of the members of `group`, in run order.
  public func memberNames(of group: String) -> [String] {
    groups.first { $0.configuration.name == group }?.members.map(\.name) ?? []
  }

  /// Counts heap allocations in steady state: `probe` returns the calling thread's
  /// allocation count; the first `warmup` of run time is not counted.
  public func countAllocations(probe: @escaping () -> UInt64, warmup: Duration) {
    allocationProbe = probe
    let warmupNanos = max(warmup.nanosecondsSaturated, 0)
    allocationWarmupTicks = UInt64(warmupNanos / max(basePeriod.nanosecondsSaturated, 1))
    for group in groups {
      group.allocationProbe = probe
      group.warmupCycles = max(allocationWarmupTicks / UInt64(group.configuration.divisor), 2)
    }
  }

  // MARK: Ticks

  /// The deadline of base tick `tick`.
  public func deadline(ofTick tick: UInt64) -> MonotonicInstant {
    let origin = origin ?? clock.now()
    let (offset, overflow) = basePeriod.nanosecondsSaturated.multipliedReportingOverflow(
      by: Int64(truncatingIfNeeded: tick))
    return origin.advanced(by: .nanoseconds(overflow ? Int64.max : offset))
  }

  /// The first tick at or after `tick` on which a group is due or health is checked
  /// (with `bulk`, groups that ``RateGroupRuntime/accountsInBulk`` do not count).
  private func nextInterestingTick(from tick: UInt64, bulk: Bool = false) -> UInt64 {
    let every = UInt64(configuration.healthEveryTicks)
    let remainder = tick % every
    var next = remainder == 0 ? tick : tick &+ (every - remainder)
    for group in groups where !(bulk && group.accountsInBulk) { next = min(next, group.nextDue(from: tick)) }
    return next
  }

  /// The number of base ticks whose deadline is at or before `instant` (0 before the origin).
  private func ticks(through instant: MonotonicInstant) -> UInt64 {
    guard let origin, origin <= instant else { return 0 }
    let elapsed = origin.duration(to: instant).nanosecondsSaturated
    let whole = UInt64(elapsed / max(basePeriod.nanosecondsSaturated, 1))
    return whole == .max ? whole : whole &+ 1
  }

  /// Accounts the idle base ticks from `nextTick` up to (not including) the next tick on
  /// which anything else is due, or past `instant`, in one bulk (``skipsIdleTicks``).
  /// Only when the clock is not past the first of them: a late tick goes through
  /// ``step()`` and its slip logic.
  private func accountIdleTicks(through instant: MonotonicInstant) {
    // Only with a bulk group on every tick: then every tick in the bulk is one that
    // ``step()`` would have processed and counted.
    guard groups.contains(where: { $0.accountsInBulk && $0.configuration.divisor == 1 }) else { return }
    let from = nextTick
    let end = min(nextInterestingTick(from: from, bulk: true), ticks(through: instant))
    guard end > from, clock.now() <= deadline(ofTick: from) else { return }
    let lastDeadline = deadline(ofTick: end &- 1)
    clock.sleep(until: lastDeadline)
    let count = end &- from
    baseWake.record(.zero, count: count)
    baseWakeHistogram.record(.zero, count: count)
    for group in groups where group.accountsInBulk {
      let releases = group.releases(from: from, to: end)
      guard releases > 0 else { continue }
      let last = group.nextDue(from: from) &+ (releases &- 1) &* UInt64(group.configuration.divisor)
      group.executeInBulk(releases, lastTick: last, deadline: deadline(ofTick: last))
    }
    nextTick = end
    ticks &+= count
  }

  private func beginIfNeeded() {
    guard origin == nil else { return }
    let now = clock.now()
    origin = now
    health.reset(start: now)
  }

  /// Virtual-clock mode: sleeps to the next tick on which anything is due and
  /// processes it. Also the body of the real-time base loop.
  public func step() {
    beginIfNeeded()
    let due = nextInterestingTick(from: nextTick)
    let dueDeadline = deadline(ofTick: due)
    clock.sleep(until: dueDeadline)
    let woke = clock.now()
    let before = allocationProbe?() ?? 0
    let lateness = dueDeadline.duration(to: woke)
    baseWake.record(lateness)
    baseWakeHistogram.record(lateness)
    var tick = due
    let periodNanos = max(basePeriod.nanosecondsSaturated, 1)
    let lateNanos = lateness.nanosecondsSaturated
    if lateNanos >= periodNanos {
      // Skip whole missed periods: no burst of catch-up ticks.
      let skipped = UInt64(lateNanos / periodNanos)
      tick = due &+ skipped
      baseSlips &+= 1
      for group in groups {
        let missed = group.releases(from: due, to: tick)
        if missed > 0 { group.recordSlip(count: missed, at: woke) }
      }
      if baseSlipThrottle.admit(at: woke) != nil {
        events.emit(.warning, .baseSlip, source: .executive, value: Int64(truncatingIfNeeded: skipped))
      }
    }
    process(tick: tick)
    nextTick = tick &+ 1
    ticks &+= 1
    if let probe = allocationProbe, ticks > allocationWarmupTicks {
      baseAllocations &+= probe() &- before
      baseCountedTicks &+= 1
    }
  }

  /// Virtual-clock mode: steps until the next due tick would be after `instant`, or
  /// until a shutdown request has been handled.
  public func run(until instant: MonotonicInstant) {
    beginIfNeeded()
    while !finished {
      if shutdownRequest.load(ordering: .acquiring) >= 0 {
        finishShutdown()
        return
      }
      if skipsIdleTicks, workers.isEmpty, allocationProbe == nil { accountIdleTicks(through: instant) }
      guard deadline(ofTick: nextInterestingTick(from: nextTick)) <= instant else { return }
      step()
    }
  }

  private func process(tick: UInt64) {
    let releaseDeadline = deadline(ofTick: tick)
    for index in groups.indices {
      let group = groups[index]
      guard group.isDue(tick) else { continue }
      if group.configuration.inline {
        _ = group.execute(baseTick: tick, deadline: releaseDeadline)
      } else if index < workers.count, let worker = workers[index] {
        if !worker.release(baseTick: tick, deadline: releaseDeadline) { group.recordSlip(at: clock.now()) }
      } else {
        releaseVirtually(group, tick: tick, deadline: releaseDeadline)
      }
    }
    if tick % UInt64(configuration.healthEveryTicks) == 0 { checkHealth() }
  }

  private func releaseVirtually(_ group: RateGroupRuntime, tick: UInt64, deadline: MonotonicInstant) {
    let now = clock.now()
    if now < group.virtualBusyUntil {
      group.recordSlip(at: now)
      return
    }
    let cost = virtualCost?(group.configuration.name, group.cycles) ?? .zero
    let elapsed = group.execute(baseTick: tick, deadline: deadline, simulatedCost: cost)
    group.virtualBusyUntil = now.advanced(by: elapsed)
  }

  private func checkHealth() {
    let now = clock.now()
    let healthy = health.evaluate(now: now)
    if healthy, let watchdog {
      do {
        try watchdog.stroke()
        watchdogStrokes &+= 1
      } catch {
        if let suppressed = watchdogThrottle.admit(at: now) {
          events.emit(.error, .watchdogFailed, source: .executive, value: suppressed)
        }
      }
    } else if !healthy, let suppressed = watchdogThrottle.admit(at: now) {
      events.emit(.warning, .watchdogWithheld, source: .executive, value: suppressed)
    }
    var slips = baseSlips
    for group in groups { slips &+= group.slips }
    status.publish(
      ExecutiveStatus(
        ticks: ticks, slips: slips, safeMode: safety.reason, healthy: healthy, monotonic: now))
  }

  // MARK: Shutdown

  /// Asks the loop to go to the safe state and stop (any thread, e.g. a SIGTERM
  /// handler). `signal` is recorded in the event (0: not a signal).
  public func requestShutdown(signal: Int32 = 0) {
    let (won, _) = shutdownRequest.compareExchange(expected: -1, desired: Int(signal), ordering: .acquiringAndReleasing)
    if won { events.emit(.info, .shutdownRequested, source: .executive, value: Int64(signal)) }
  }

  /// Whether a shutdown was requested.
  public var isShutdownRequested: Bool { shutdownRequest.load(ordering: .acquiring) >= 0 }

  /// Whether the shutdown sequence has completed.
  public var isFinished: Bool { finished }

  /// Latches safe mode, stops the group threads, drives every actuator to its safe
  /// state, disarms the watchdog and flushes the events.
  func finishShutdown() {
    guard !finished else { return }
    finished = true
    safety.trip(.shutdown)
    for index in workers.indices {
      if let worker = workers[index], !worker.stop(timeout: .seconds(1)) {
        events.emit(.error, .pingFatal, source: groups[index].source)
      }
    }
    workers.removeAll()
    for group in groups { _ = group.applySafeStateNow() }
    if let watchdog {
      do { try watchdog.disarm() } catch { events.emit(.error, .watchdogFailed, source: .executive) }
    }
    events.flush()
  }

  // MARK: Real-time mode

  /// Runs in real time on the calling thread until ``requestShutdown(signal:)``, then
  /// performs the shutdown sequence and returns the report. Real-time set-up problems
  /// (not permitted, not supported) are passed once to `onSetupProblems` and raise one
  /// ``EventCode/realtimeDegraded`` warning; the loop runs on without them.
  public func runRealtime(
    options: RealtimeOptions, environment: (any RealtimeEnvironment)?,
    onSetupProblems: ([String]) -> Void = { _ in }
  ) -> ExecutiveReport {
    var problems = environment?.prepareProcess(options) ?? []
    problems += environment?.prepareCurrentThread(priority: options.priority, cpu: options.cpu) ?? []
    workers = groups.map { $0.configuration.inline ? nil : GroupWorker(group: $0) }
    for index in groups.indices {
      guard let worker = workers[index] else { continue }
      let priority = groups[index].configuration.priority ?? options.priority.map { max($0 - 1 - index, 1) }
      problems += worker.start { [environment, options] in
        environment?.prepareCurrentThread(priority: priority, cpu: options.cpu) ?? []
      }
    }
    var unique: [String] = []
    for problem in problems where !unique.contains(problem) { unique.append(problem) }
    if !unique.isEmpty {
      onSetupProblems(unique)
      events.emit(.warning, .realtimeDegraded, source: .executive, value: Int64(unique.count))
    }
    let drainer = EventDrainer(sink: events, interval: .milliseconds(20))
    drainer.start()
    while shutdownRequest.load(ordering: .relaxed) < 0 { step() }
    finishShutdown()
    environment?.releaseProcess()
    drainer.stop()
    return report()
  }

  /// Each wake-up latency histogram (the base tick's, then each group's in order):
  /// readable from any thread while the loop runs. Call once the groups are added.
  public func wakeHistograms() -> [WakeLatencyHistogram] {
    [baseWakeHistogram] + groups.map(\.wakeHistogram)
  }

  /// Telemetry. Read it only while the loop is not running (virtual mode between
  /// steps, or after ``runRealtime(options:environment:onSetupProblems:)`` returned).
  public func report() -> ExecutiveReport {
    let groupReports = groups.map { $0.report(baseRateHz: configuration.baseRateHz) }
    let slips = groupReports.reduce(baseSlips) { $0 &+ $1.slips }
    return ExecutiveReport(
      ticks: ticks, slips: slips, baseSlips: baseSlips, p50Us: baseWake.microseconds(atPercentile: 50),
      p99Us: baseWake.microseconds(atPercentile: 99), maxUs: baseWake.maxMicroseconds, groups: groupReports,
      safeMode: safety.reason?.description, eventsLost: events.overflowCount,
      baseSteadyAllocations: allocationProbe == nil ? nil : baseAllocations,
      baseCountedTicks: allocationProbe == nil ? nil : baseCountedTicks)
  }
}

/// The loop's status for other threads (the command link, a status display).
public struct ExecutiveStatus: Sendable, Hashable {
  public var ticks: UInt64 = 0
  public var slips: UInt64 = 0
  public var safeMode: SafeModeReason?
  public var healthy = true
  public var monotonic = MonotonicInstant.zero

  public init(
    ticks: UInt64 = 0, slips: UInt64 = 0, safeMode: SafeModeReason? = nil, healthy: Bool = true,
    monotonic: MonotonicInstant = .zero
  ) {
    self.ticks = ticks
    self.slips = slips
    self.safeMode = safeMode
    self.healthy = healthy
    self.monotonic = monotonic
  }
}
