import Atomics
import HAL
import LeakDetection
import Station

/// A step of the leak isolation: the code in an `isolation_step` event's value (and its
/// record's `step` name). Codes are a contract: add, never renumber.
public enum IsolationStep: UInt8, Sendable, Hashable, CaseIterable, CustomStringConvertible {
  /// The isolation was approved (subject: the procedure; principal: the crew, or
  /// autonomy when no approval is required) and its first split is being closed.
  case approved = 1
  /// A hatch of the split is confirmed closed by its closed sensor (subject: the hatch).
  case hatchClosed = 2
  /// One side of the split was measured (subject: the side's first suspect module; the
  /// rates: the side's segment's loss).
  case measured = 3
  /// A suspect module was cleared: its side did not lose gas (subject: the module).
  case cleared = 4
  /// A hatch the isolation closed is confirmed open again (subject: the hatch).
  case hatchReopened = 5
  /// Every hatch the isolation closed is open again; it is over (subject: the procedure).
  case finished = 6
  /// `isolation_approve` or `isolation_abort` with nothing to approve or abort.
  case ignored = 7
  /// No split of the suspects keeps the interlocks (crew, faulted hatches): the
  /// suspects are reported as located together.
  case notSplittable = 8
  /// The closed-time limit is too short to close and measure the split: the suspects
  /// are reported as located together.
  case limitTooShort = 9
  /// The proposal was withdrawn before approval: the alarm cleared.
  case withdrawn = 10
  /// Aborted by the crew's `isolation_abort`.
  case abortedByCrew = 20
  /// Aborted: a hatch of the split faulted or did not reach its position in time.
  case abortedHatchFault = 21
  /// Aborted: a pressure sensor of a suspect module failed, or a side had no healthy sensor.
  case abortedSensorFault = 22
  /// Aborted: the crew moved (``CrewLocation`` changed).
  case abortedCrewMoved = 23
  /// Aborted: the crew override switch is active.
  case abortedCrewOverride = 24
  /// Aborted: safe mode latched (hatches stay as they are; only the crew moves them).
  case abortedSafeMode = 25
  /// Aborted: a hatch of the split moved without the isolation (a crew command).
  case abortedHatchMoved = 26
  /// Aborted: neither side lost gas at the minimum rate (the leak stopped).
  case abortedNoLoss = 27
  /// Aborted: both sides lost gas alike (no side can be cleared).
  case abortedInconclusive = 28
  /// A hatch the isolation closed did not reopen: its actuator latched a fault, or it was not
  /// at its open stop within its move timeout plus the margin of the order (subject: the
  /// hatch). The isolation ends there, the hatch left to the crew.
  case reopenFailed = 29
  /// Aborted: the closed-time limit came before enough data to measure.
  case abortedTimeLimit = 30
  /// Aborted: a module the split needs has no fresh pressure sensor (the controller's
  /// `module_blind`; subject: that module): a suspect, an end of a hatch of the split,
  /// or any module of either side's segment (decision 0923).
  case abortedModuleBlind = 31

  public var description: String {
    switch self {
    case .approved: return "approved"
    case .hatchClosed: return "hatch_closed"
    case .measured: return "measured"
    case .cleared: return "cleared"
    case .hatchReopened: return "hatch_reopened"
    case .finished: return "finished"
    case .ignored: return "ignored"
    case .notSplittable: return "not_splittable"
    case .limitTooShort: return "limit_too_short"
    case .withdrawn: return "withdrawn"
    case .abortedByCrew: return "aborted_by_crew"
    case .abortedHatchFault: return "aborted_hatch_fault"
    case .abortedSensorFault: return "aborted_sensor_fault"
    case .abortedCrewMoved: return "aborted_crew_moved"
    case .abortedCrewOverride: return "aborted_crew_override"
    case .abortedSafeMode: return "aborted_safe_mode"
    case .abortedHatchMoved: return "aborted_hatch_moved"
    case .abortedNoLoss: return "aborted_no_loss"
    case .abortedInconclusive: return "aborted_inconclusive"
    case .reopenFailed: return "reopen_failed"
    case .abortedTimeLimit: return "aborted_time_limit"
    case .abortedModuleBlind: return "aborted_module_blind"
    }
  }

  /// Whether the step ends the isolation early.
  public var isAbort: Bool { rawValue >= 20 && self != .reopenFailed }

  /// The name of an `isolation_step` event's value (`unknown` for a code not listed).
  public static func name(code value: Double) -> String {
    guard value.isFinite, value >= 0, value < 256, let step = IsolationStep(rawValue: UInt8(value)) else {
      return "unknown"
    }
    return step.description
  }
}

/// The guided isolation's settings (decision 0921).
public struct IsolationConfiguration: Sendable, Equatable {
  /// Whether the crew must approve (`isolation_approve`) before any hatch moves; false:
  /// the procedure starts on the alarm.
  public var requiresApproval = true
  /// Seconds of the detector's data behind each side's rate before the split is judged
  /// (sooner if the closed-time limit comes first).
  public var measureSeconds = 120.0
  /// Fewest seconds of data a judgement may rest on (the limit coming first with less aborts).
  public var minimumMeasureSeconds = 60.0
  /// Seconds after reopening before the next split: the leak watch masks modules for
  /// 120 s after a hatch opens (gas moving between them), so the next measurement could
  /// not start sooner.
  public var settleSeconds = 125.0
  /// A side loses gas when its rate is at least this, %/h, and exceeds the other side's
  /// by at least this.
  public var minimumLossPctPerHour = 0.1
  /// The pressure difference across a closed hatch that the closed-time limit keeps
  /// below, Pa (1 mmHg, domain.md).
  public var reopenLimitPa = 133.322_387_415
  /// The share of the time to reach `reopenLimitPa` a hatch may stay closed (0.5: the
  /// station guidance, at most half the time the segment takes to drop 1 mmHg).
  public var closedFraction = 0.5
  /// Margin added to a hatch's move timeout when waiting for its sensors, seconds.
  public var moveMarginSeconds = 2.0
  /// The share of the allowed pressure difference (closedFraction x reopenLimitPa) at
  /// which a split is judged and reopened at once: the rest is margin for the reopening
  /// travel (at a 1 %/h station leak on a 92 m^3 side, 10 s of travel adds about 15 Pa).
  public var differenceShare = 0.75
  /// The fastest the thermal cycle moves the pressure difference between two closed
  /// segments, Pa/s: 2 x 101.3 kPa x (2 pi / 5400 s x 1 K) / 295 K, about 0.8 (the
  /// issue's +-1 K in 90 min, opposite phases). A difference growing faster names the
  /// side that fell when the rates have too little data.
  public var thermalDifferencePaPerSecond = 0.8

  public init() {}
}

/// The guided leak isolation (issue 10), a leak-group member after the ``LeakWatch``.
///
/// On a `leak_alarm` of a segment of several modules it proposes a split
/// (``IsolationPlan/cut(candidates:open:usable:crew:)``; `isolation_proposed`, one event
/// per hatch) and, once the crew approves (`isolation_approve`; or at once when
/// ``IsolationConfiguration/requiresApproval`` is off), runs a binary search: close the
/// split's hatches (commands to the ``CommandArbiter`` as `autonomy`, which refuses any
/// closure that would cut the crew off from the return vehicle), wait for each hatch's
/// closed sensor, measure each side's loss with the same detector
/// (``LeakDetector/lossRate(module:)``), keep the suspects of the side that loses gas,
/// reopen every hatch it closed before the closed-time limit, let the pressures settle
/// and split again, until one module is left (`leak_located`) or no allowed split is.
///
/// Closed-time limit (domain.md: a hatch closed at most half the time its segment takes
/// to drop 1 mmHg, so the difference across it stays under half of 1 mmHg): a split is
/// judged and reopened as soon as the pressure difference across any of its hatches
/// (the leak watch's module pressures) has grown by ``IsolationConfiguration/differenceShare``
/// of `closedFraction x reopenLimitPa` since it closed, and in any case by the time rule
/// (``IsolationPlan/maximumClosedSeconds(lossPctPerHour:pressurePa:reopenLimitPa:fraction:)``)
/// for the alarm's loss all on the larger side, less the slowest hatch's move timeout so
/// the hatch is open again by then (decision 0921). A split whose time rule leaves no
/// room to close and measure is not made (`limit_too_short`).
///
/// Aborts (reopening what it closed): the crew's `isolation_abort`, a hatch fault or
/// move timeout, a sensor fault other than a dropout in a suspect module, a module the
/// split needs going blind (the stale-data monitor's mask, read every cycle before any
/// judgement; decision 0923), the crew moving, the override switch, a hatch of the split
/// moved by someone else, no side losing gas, both alike. A hatch that does not reopen
/// is reported (`reopen_failed`) and ends the isolation, the hatch left to the crew.
/// In safe mode the arbiter takes no autonomy hatch move: the procedure stops and the
/// hatches stay as they are, every closure having kept the crew's way home.
///
/// Commands nothing but `hatch_close` and `hatch_open`; allocates only on its rare
/// transitions (a proposal, a split), never in a quiet cycle.
public final class IsolationProcedure: RateGroupMember, @unchecked Sendable {
  public let name = "leak-isolation"
  public var eventSubject: EventSubject? { EventSubject(component: "leak-isolation") }

  /// Where the procedure is.
  public enum Phase: Sendable, Hashable {
    /// Waiting for a leak alarm.
    case idle
    /// A split proposed, waiting for the crew's approval.
    case proposed
    /// The split's hatches ordered closed, waiting for their sensors.
    case closing
    /// The split closed, measuring both sides.
    case measuring
    /// Reopening what it closed.
    case reopening
    /// Waiting for the pressures to settle before the next split.
    case settling
  }

  public let configuration: IsolationConfiguration
  /// The planning rules (graph, return vehicles, closed-time formula).
  public let plan: IsolationPlan
  /// Called on the leak group's thread with the located module(s) (the scheduler's
  /// leak evidence seam).
  public var onLocated: (([ModuleID]) -> Void)?
  public private(set) var phase: Phase = .idle
  /// The modules still suspected (station indices).
  public private(set) var suspects: [Int] = []
  /// The modules named by the last `leak_located`.
  public private(set) var located: [ModuleID] = []
  /// Hatches closed by the procedure and not yet confirmed open again (station indices).
  public private(set) var closedByProcedure: Set<Int> = []
  /// The modules being isolated now (suspects while a split runs), as a bit mask in station
  /// order (any thread: the scheduler's keep-out reads it).
  public var isolatingModules: UInt64 { isolating.load(ordering: .relaxed) }

  private let station: StationDescription
  private let detector: LeakDetector
  private let positions: Snapshot<HatchPositions>
  private let crew: CrewLocation
  private let submit: (CommandRequest) -> CommandResponse?
  private let commands: BoundedQueue<CommandRequest>
  private let readiness: IsolationReadiness
  private let crewOverride: () -> Bool
  private let blindModules: () -> UInt64
  private let latch: SafetyLatch
  private let events: EventSink
  private let moveTimeouts: [Double]
  private let source: EventSource
  private let moduleSources: [EventSource]
  private let hatchSources: [EventSource]
  private let isolating = ManagedAtomic<UInt64>(0)
  /// Request ids: ``RequestIDSpace/isolation``.
  private var requestIDs = RequestIDCounter(.isolation)
  private var current = HatchPositions()
  private var pendingAlarm: LeakEvent?
  /// The leak alarms standing now, by module (set on `leak_alarm`, removed on
  /// `leak_cleared`): what a crew `isolation_approve` while idle starts again from.
  private var standingAlarms: [Int: LeakEvent] = [:]
  private var alarm: LeakEvent?
  private var sensorFaultSeen = false
  /// The modules the running split needs watched (bit mask, station order): the suspects,
  /// the ends of the split's hatches and every module of either side's segment.
  private var needed: UInt64 = 0
  private var crewAtStart: UInt64 = 0
  private var cut: IsolationPlan.Cut?
  private var deadline = 0.0
  private var closedDeadline = 0.0
  private var locatedNow = false
  private var resent: Set<Int> = []
  private var reopenFailed = false
  private var differenceAtClosure: [Double] = []
  private var closedAt = 0.0
  /// When the procedure's hatches were last all open again (-inf: never closed any).
  private var reopenedAt = -Double.infinity

  /// - Parameters:
  ///   - station: the station (module volumes, hatch and module ids, station order).
  ///   - plan: its planning rules (the same graph the crew interlock uses).
  ///   - detector: the leak watch's detector (read on this group's thread only).
  ///   - positions: the hatch positions the actuators group publishes.
  ///   - crew: where the crew are.
  ///   - submit: the arbiter's queue (``CommandArbiter/submit(_:)``).
  ///   - commands: accepted `isolation_approve` / `isolation_abort` (``CommandArbiter/isolationCommands``).
  ///   - readiness: where the procedure publishes what those commands can act on, each
  ///     cycle (``CommandArbiter/isolationReadiness``).
  ///   - crewOverride: whether the crew override switch is active (``CommandArbiter/crewOverrideActive``).
  ///   - blindModules: the modules with no fresh pressure sensor now, a bit mask in station
  ///     order (``StaleDataMonitor/blindModules``; read every cycle, any thread).
  ///   - moveTimeouts: each hatch's move timeout, seconds (station hatch order).
  public init(
    station: StationDescription, plan: IsolationPlan, detector: LeakDetector, positions: Snapshot<HatchPositions>,
    crew: CrewLocation, submit: @escaping (CommandRequest) -> CommandResponse?,
    commands: BoundedQueue<CommandRequest>, readiness: IsolationReadiness, crewOverride: @escaping () -> Bool,
    blindModules: @escaping () -> UInt64, latch: SafetyLatch,
    events: EventSink, moveTimeouts: [Double], configuration: IsolationConfiguration = IsolationConfiguration()
  ) {
    self.station = station
    self.plan = plan
    self.detector = detector
    self.positions = positions
    self.crew = crew
    self.submit = submit
    self.commands = commands
    self.readiness = readiness
    self.crewOverride = crewOverride
    self.blindModules = blindModules
    self.latch = latch
    self.events = events
    self.moveTimeouts = moveTimeouts
    self.configuration = configuration
    source = events.register(EventSubject(component: "leak-isolation"))
    moduleSources = station.modules.map { events.register(EventSubject(module: $0.id)) }
    hatchSources = station.hatches.map { events.register(EventSubject(hatch: $0.id)) }
  }

  /// A detector event from the ``LeakWatch`` (same thread): a `leak_alarm` while idle
  /// starts a proposal; a `sensor_fault` in a suspect module aborts a running isolation,
  /// unless it is a `dropout` (the sensor delivers nothing, so nothing wrong entered the
  /// rates, and the detector leaves it out of them): a module still watched by its twin
  /// is measured on, and one left with no fresh sensor is blind, which aborts
  /// (``IsolationStep/abortedModuleBlind``, decision 0923).
  public func note(_ event: LeakEvent) {
    switch event.kind {
    case .leakAlarm:
      standingAlarms[event.module] = event
      if phase == .idle { pendingAlarm = event }
    case .leakCleared:
      standingAlarms[event.module] = nil
      if phase == .proposed, suspects.contains(event.module) {
        step(.withdrawn, source: source)
        end()
      }
    case .sensorFault:
      if event.fault == .dropout { break }
      if suspects.contains(event.module) || (cut.map { $0.sideA + $0.sideB }?.contains(event.module) ?? false) {
        sensorFaultSeen = true
      }
    default:
      break
    }
  }

  public func run(_ tick: TickContext) {
    let now = Double(tick.deadline.nanoseconds) / 1e9
    current = positions.read()
    while let request = commands.pop() { handle(request, now: now) }
    if phase != .idle && phase != .proposed, let fault = runningFault() {
      abort(fault.step, now: now, subject: fault.subject)
    }
    switch phase {
    case .idle:
      if let event = pendingAlarm {
        pendingAlarm = nil
        propose(event, now: now)
      }
    case .proposed:
      break
    case .closing:
      closing(now: now)
    case .measuring:
      measuring(now: now)
    case .reopening:
      reopening(now: now)
    case .settling:
      if now >= deadline { startSplit(now: now) }
    }
    readiness.publish(canApprove: approvable, canAbort: abortable)
  }

  /// Whether an `isolation_approve` has something to act on: an isolation proposed, or
  /// none running (and none about to be proposed) while a leak alarm stands, when the
  /// approval proposes one again. The rule ``handle(_:now:)`` applies and the arbiter
  /// checks (through ``IsolationReadiness``).
  private var approvable: Bool {
    phase == .proposed || (phase == .idle && pendingAlarm == nil && !standingAlarms.isEmpty)
  }

  /// Whether an `isolation_abort` has something to act on: an isolation proposed or
  /// running (``handle(_:now:)`` ignores one while idle).
  private var abortable: Bool { phase != .idle }

  // MARK: commands and faults

  private func handle(_ request: CommandRequest, now: Double) {
    switch request.command {
    case .isolationApprove:
      guard approvable else {
        step(.ignored, source: source, principal: request.principal)
        return
      }
      if phase == .idle, let event = standingAlarm() {
        // The crew ask again while an alarm stands (after an abort, or to localise once
        // more): a fresh proposal, approved by this command. Nothing to split (one
        // module, or every split would cut the crew off) locates at once, as a proposal does.
        propose(event, now: now)
        guard phase == .proposed else { return }
      }
      step(.approved, source: source, principal: request.principal)
      crewAtStart = crew.bits
      if now < reopenedAt + configuration.settleSeconds {
        // Hatches this procedure reopened a moment ago (an abort, then the crew's
        // approval): the leak watch still masks their modules, so wait as between splits.
        isolating.store(bits(suspects), ordering: .relaxed)
        deadline = reopenedAt + configuration.settleSeconds
        phase = .settling
      } else {
        startSplit(now: now)
      }
    case .isolationAbort:
      switch phase {
      case .idle:
        step(.ignored, source: source, principal: request.principal)
      case .reopening:
        // Already reopening: no further split after it.
        step(.abortedByCrew, source: source, principal: request.principal)
        alarm = nil
        locatedNow = false
      case .proposed:
        step(.abortedByCrew, source: source, principal: request.principal)
        end()
      case .closing, .measuring, .settling:
        abort(.abortedByCrew, now: now, principal: request.principal)
      }
    default:
      break
    }
  }

  /// The standing alarm with the highest loss rate (the module order breaks a tie), if any.
  private func standingAlarm() -> LeakEvent? {
    standingAlarms.values.max { a, b in
      a.ratePctPerHour != b.ratePctPerHour ? a.ratePctPerHour < b.ratePctPerHour : a.module > b.module
    }
  }

  /// What stops a running isolation now, if anything (checked every cycle, before any
  /// judgement), and the subject of its step (nil: the procedure).
  private func runningFault() -> (step: IsolationStep, subject: EventSource?)? {
    if latch.isLatched { return (.abortedSafeMode, nil) }
    if phase == .reopening { return nil }  // already undoing: let it finish
    if crewOverride() { return (.abortedCrewOverride, nil) }
    if crew.bits != crewAtStart { return (.abortedCrewMoved, nil) }
    if sensorFaultSeen { return (.abortedSensorFault, nil) }
    if let blind = blindNeeded(phase == .settling ? bits(suspects) : needed) {
      return (.abortedModuleBlind, moduleSources[blind])
    }
    return nil
  }

  /// The first module of `mask` (station order) that the stale-data monitor reports blind.
  private func blindNeeded(_ mask: UInt64) -> Int? {
    let blind = blindModules() & mask
    guard blind != 0 else { return nil }
    let first = blind.trailingZeroBitCount
    return first < moduleSources.count ? first : nil
  }

  // MARK: the steps

  private func propose(_ event: LeakEvent, now: Double) {
    guard event.module >= 0, event.module < station.modules.count else { return }
    alarm = event
    sensorFaultSeen = false
    var passes = [Bool](repeating: true, count: plan.graph.hatchEnds.count)
    for h in passes.indices { passes[h] = !current.isClosed(h) }
    let segment = plan.graph.segments(open: passes)
    suspects = station.modules.indices.filter { segment[$0] == segment[event.module] }
    if suspects.count == 1 {
      locate(suspects, rates: Rates(event))
      return
    }
    let (open, usable) = hatchStates()
    guard let first = plan.cut(candidates: suspects, open: open, usable: usable, crew: crew.indices(crew.bits)) else {
      step(.notSplittable, source: source)
      locate(suspects, rates: Rates(event))
      return
    }
    for (order, h) in first.hatches.enumerated() {
      events.emit(
        .warning, .isolationProposed, source: hatchSources[h], measured: Double(order + 1),
        rate: event.ratePctPerHour, kgPerDay: Self.finite(event.rateKgPerDay),
        mmHgPerDay: Self.finite(event.rateMmHgPerDay))
    }
    if configuration.requiresApproval {
      phase = .proposed
    } else {
      step(.approved, source: source, principal: .autonomy)
      crewAtStart = crew.bits
      startSplit(now: now)
    }
  }

  /// Plans the next split of the suspects and orders its hatches closed.
  private func startSplit(now: Double) {
    let (open, usable) = hatchStates()
    guard let next = plan.cut(candidates: suspects, open: open, usable: usable, crew: crew.indices(crew.bits)) else {
      step(.notSplittable, source: source)
      locate(suspects, rates: alarm.map(Rates.init) ?? Rates())
      finishOrIdle()
      return
    }
    // The closed-time limit from the alarm's rate, the whole leak on the larger side of
    // the split (the smaller side's worst case is watched as the measured difference).
    var after = open
    for h in next.hatches { after[h] = false }
    let segment = plan.graph.segments(open: after)
    func volume(_ side: [Int]) -> Double {
      guard let first = side.first else { return 0 }
      return station.modules.indices.filter { segment[$0] == segment[first] }.reduce(0.0) {
        $0 + station.modules[$1].volumeM3
      }
    }
    let whole = suspectSegmentVolume()
    let larger = max(volume(next.sideA), volume(next.sideB))
    let measuredNow = suspects.first.map { detector.lossRate(module: $0).pctPerHour } ?? .nan
    let alarmRate = alarm?.ratePctPerHour ?? .nan
    var rate = max(alarmRate.isFinite ? alarmRate : 0, measuredNow.isFinite ? measuredNow : 0)
    if larger > 0, whole > 0 { rate *= whole / larger }
    let pressure = alarm?.pressurePa ?? 101_325
    let limit = IsolationPlan.maximumClosedSeconds(
      lossPctPerHour: rate, pressurePa: pressure.isFinite ? pressure : 101_325,
      reopenLimitPa: configuration.reopenLimitPa, fraction: configuration.closedFraction)
    let travel = next.hatches.map { moveTime($0) }.max() ?? 0
    if limit - travel < travel + configuration.minimumMeasureSeconds + 5 {
      step(.limitTooShort, source: source)
      locate(suspects, rates: alarm.map(Rates.init) ?? Rates())
      finishOrIdle()
      return
    }
    // The modules the split needs watched: both sides' segments with the split closed
    // (every sensor there enters a side's rate) and the ends of its hatches (the measured
    // difference). One of them blind: nothing is closed (decision 0923).
    var wanted = bits(next.sideA + next.sideB)
    for side in [next.sideA, next.sideB] {
      guard let first = side.first else { continue }
      for m in station.modules.indices where segment[m] == segment[first] { wanted |= bits([m]) }
    }
    for h in next.hatches { wanted |= bits([plan.graph.hatchEnds[h].a, plan.graph.hatchEnds[h].b]) }
    if let blind = blindNeeded(wanted) {
      return abort(.abortedModuleBlind, now: now, subject: moduleSources[blind])
    }
    needed = wanted
    cut = next
    differenceAtClosure = next.hatches.map { differenceAcross($0) }
    isolating.store(bits(suspects), ordering: .relaxed)
    for h in next.hatches {
      send(.hatchClose(station.hatches[h].id))
      closedByProcedure.insert(h)
    }
    deadline = now + travel
    closedDeadline = now + limit - travel
    phase = .closing
  }

  private func closing(now: Double) {
    guard let cut else { return abort(.abortedHatchFault, now: now) }
    if cut.hatches.contains(where: { current.faulted & (1 << UInt64($0)) != 0 }) {
      return abort(.abortedHatchFault, now: now)
    }
    if cut.hatches.allSatisfy({ current.isClosed($0) }) {
      for h in cut.hatches { step(.hatchClosed, source: hatchSources[h]) }
      differenceAtClosure = cut.hatches.map { differenceAcross($0) }
      closedAt = now
      phase = .measuring
      return
    }
    if now > deadline { abort(.abortedHatchFault, now: now) }
  }

  private func measuring(now: Double) {
    guard let cut, let sideA = cut.sideA.first, let sideB = cut.sideB.first else {
      return abort(.abortedInconclusive, now: now)
    }
    if !cut.hatches.allSatisfy({ current.isClosed($0) }) { return abort(.abortedHatchMoved, now: now) }
    let a = detector.lossRate(module: sideA)
    let b = detector.lossRate(module: sideB)
    let enough = a.seconds >= configuration.measureSeconds && b.seconds >= configuration.measureSeconds
    let nearLimit = differenceNearLimit(cut)
    guard enough || now >= closedDeadline || nearLimit else { return }
    let aLeaks: Bool
    if !enough && min(a.seconds, b.seconds) < configuration.minimumMeasureSeconds {
      // Too little data for the rates: a difference that reached the limit faster than
      // the thermal cycle can move it names the side that fell.
      guard nearLimit, let fell = sideThatFell(cut, since: closedAt, now: now) else {
        return abort(.abortedTimeLimit, now: now)
      }
      aLeaks = fell.sideA
      let rates = differenceRates(fell.paPerSecond, side: aLeaks ? cut.sideA : cut.sideB)
      step(.measured, source: moduleSources[aLeaks ? sideA : sideB], rates: rates)
      for m in aLeaks ? cut.sideB : cut.sideA { step(.cleared, source: moduleSources[m]) }
      suspects = aLeaks ? cut.sideA : cut.sideB
      return split(located: suspects.count == 1, rates: rates, now: now)
    } else {
      step(.measured, source: moduleSources[sideA], rates: Rates(a))
      step(.measured, source: moduleSources[sideB], rates: Rates(b))
      guard a.pctPerHour.isFinite, b.pctPerHour.isFinite else { return abort(.abortedSensorFault, now: now) }
      aLeaks = a.pctPerHour >= b.pctPerHour
      let high = aLeaks ? a : b
      let low = aLeaks ? b : a
      guard high.pctPerHour >= configuration.minimumLossPctPerHour else { return abort(.abortedNoLoss, now: now) }
      guard high.pctPerHour - low.pctPerHour >= configuration.minimumLossPctPerHour else {
        return abort(.abortedInconclusive, now: now)
      }
    }
    for m in aLeaks ? cut.sideB : cut.sideA { step(.cleared, source: moduleSources[m]) }
    suspects = aLeaks ? cut.sideA : cut.sideB
    split(located: suspects.count == 1, rates: Rates(aLeaks ? a : b), now: now)
  }

  /// The split is judged: the suspects are the side that loses gas; reopen.
  private func split(located: Bool, rates: Rates, now: Double) {
    isolating.store(bits(suspects), ordering: .relaxed)
    locatedNow = located
    if locatedNow { locate(suspects, rates: rates) }
    reopen(now: now)
  }

  /// The loss of the side `side` (its whole segment) from a difference growing at
  /// `paPerSecond`: %/h of its pressure, kg/day from the module volumes at their nominal
  /// temperatures (LeakUnits), mmHg/day.
  private func differenceRates(_ paPerSecond: Double, side: [Int]) -> Rates {
    guard let first = side.first else { return Rates() }
    let pressure = detector.pressure(module: first)
    guard pressure.isFinite, pressure > 0 else { return Rates() }
    var passes = [Bool](repeating: true, count: plan.graph.hatchEnds.count)
    for h in passes.indices { passes[h] = !current.isClosed(h) }
    let segment = plan.graph.segments(open: passes)
    let mass = station.modules.indices.filter { segment[$0] == segment[first] }.reduce(0.0) {
      $0
        + LeakUnits.airMassKg(
          pascals: pressure, cubicMetres: station.modules[$1].volumeM3,
          kelvin: station.modules[$1].nominalTemperatureC + 273.15)
    }
    var rates = Rates()
    rates.pctPerHour = paPerSecond / pressure * 3600 * 100
    rates.kgPerDay = LeakUnits.kgPerDay(pctPerHour: rates.pctPerHour, massKg: mass)
    rates.mmHgPerDay = LeakUnits.mmHgPerDay(pctPerHour: rates.pctPerHour, pascals: pressure)
    return rates
  }

  private func reopening(now: Double) {
    var waiting = closedByProcedure.filter { !current.isOpen($0) }
    // A hatch whose actuator latched a fault (its move timed out: `hatch_fault`) will not
    // open without the crew: reported now, not at the deadline.
    let faulted = waiting.filter {
      current.faulted & (1 << UInt64($0)) != 0 && current.moving & (1 << UInt64($0)) == 0
    }
    for h in faulted.sorted() { step(.reopenFailed, source: hatchSources[h]) }
    if !faulted.isEmpty {
      reopenFailed = true
      waiting.subtract(faulted)
      closedByProcedure.subtract(faulted)
    }
    // A hatch resting between its stops (a reversal that stopped it) is ordered open once more.
    for h in waiting.sorted()
    where !resent.contains(h) && !current.isClosed(h) && current.moving & (1 << UInt64(h)) == 0 {
      resent.insert(h)
      send(.hatchOpen(station.hatches[h].id))
      // Its full move timeout from this order, not what was left of the first one.
      deadline = max(deadline, now + moveTime(h))
    }
    for h in closedByProcedure.sorted() where current.isOpen(h) { step(.hatchReopened, source: hatchSources[h]) }
    closedByProcedure = waiting
    if waiting.isEmpty {
      reopenedAt = now
      if reopenFailed {
        // A hatch left closed: no further split; the crew have the `reopen_failed` step.
        end()
      } else if locatedNow || suspects.count < 2 || alarm == nil {
        finishOrIdle()
      } else {
        deadline = now + configuration.settleSeconds
        phase = .settling
      }
      return
    }
    if now > deadline {
      for h in waiting.sorted() { step(.reopenFailed, source: hatchSources[h]) }
      closedByProcedure = []
      end()
    }
  }

  // MARK: ends

  private func abort(
    _ reason: IsolationStep, now: Double, principal: Principal? = nil, subject: EventSource? = nil
  ) {
    step(reason, source: subject ?? source, principal: principal)
    alarm = nil
    locatedNow = false
    if reason == .abortedSafeMode {
      // The arbiter takes no autonomy hatch move in safe mode; the crew may move any.
      closedByProcedure = []
      end()
      return
    }
    reopen(now: now)
  }

  /// Orders open every hatch the procedure closed that is not open (a hatch a crew
  /// command moved is left to the crew when it is no longer closed).
  private func reopen(now: Double) {
    cut = nil
    needed = 0
    var travel = 0.0
    for h in closedByProcedure.sorted() where !current.isOpen(h) {
      if current.isClosed(h) || current.moving & (1 << UInt64(h)) != 0 {
        send(.hatchOpen(station.hatches[h].id))
        travel = max(travel, moveTime(h))
      }
    }
    deadline = now + travel
    resent = []
    reopenFailed = false
    phase = .reopening
    if travel == 0 {
      closedByProcedure = closedByProcedure.filter { current.isClosed($0) }
      if closedByProcedure.isEmpty { finishOrIdle() }
    }
  }

  private func finishOrIdle() {
    if !closedByProcedure.isEmpty { return }
    step(.finished, source: source)
    end()
  }

  private func end() {
    phase = .idle
    cut = nil
    needed = 0
    alarm = nil
    suspects = []
    isolating.store(0, ordering: .relaxed)
  }

  private func locate(_ modules: [Int], rates: Rates) {
    located = modules.map { station.modules[$0].id }
    for m in modules {
      events.emit(
        .warning, .leakLocated, source: moduleSources[m], measured: Double(modules.count), rate: rates.pctPerHour,
        kgPerDay: rates.kgPerDay, mmHgPerDay: rates.mmHgPerDay)
    }
    onLocated?(located)
    if phase == .idle || phase == .proposed { end() }
  }

  // MARK: helpers

  private struct Rates {
    var pctPerHour = Double.nan
    var kgPerDay = Double.nan
    var mmHgPerDay = Double.nan
    init() {}
    init(_ event: LeakEvent) {
      pctPerHour = event.ratePctPerHour
      kgPerDay = IsolationProcedure.finite(event.rateKgPerDay)
      mmHgPerDay = IsolationProcedure.finite(event.rateMmHgPerDay)
    }
    init(_ rate: SegmentLossRate) {
      pctPerHour = rate.pctPerHour
      kgPerDay = IsolationProcedure.finite(rate.kgPerDay)
      mmHgPerDay = IsolationProcedure.finite(rate.mmHgPerDay)
    }
  }

  private func step(_ step: IsolationStep, source: EventSource, principal: Principal? = nil, rates: Rates = Rates()) {
    events.emit(
      step.isAbort || step == .reopenFailed ? .warning : .info, .isolationStep, source: source,
      measured: Double(step.rawValue), rate: rates.pctPerHour, kgPerDay: rates.kgPerDay,
      mmHgPerDay: rates.mmHgPerDay, principal: principal)
  }

  private func send(_ command: Command) {
    _ = submit(CommandRequest(id: requestIDs.take(), principal: .autonomy, command: command))
  }

  /// Hatches confirmed open and hatches usable (not faulted), station order.
  private func hatchStates() -> (open: [Bool], usable: [Bool]) {
    let count = plan.graph.hatchEnds.count
    var open = [Bool](repeating: false, count: count)
    var usable = [Bool](repeating: true, count: count)
    for h in 0..<count {
      open[h] = current.isOpen(h)
      usable[h] = h >= HatchPositions.capacity || current.faulted & (1 << UInt64(h)) == 0
    }
    return (open, usable)
  }

  /// The volume of the suspects' segment with every hatch the procedure closed open, m^3.
  private func suspectSegmentVolume() -> Double {
    var passes = [Bool](repeating: true, count: plan.graph.hatchEnds.count)
    for h in passes.indices { passes[h] = !current.isClosed(h) || closedByProcedure.contains(h) }
    let segment = plan.graph.segments(open: passes)
    guard let first = suspects.first else { return 0 }
    return station.modules.indices.filter { segment[$0] == segment[first] }.reduce(0.0) {
      $0 + station.modules[$1].volumeM3
    }
  }

  /// The pressure difference across hatch `h` as the leak watch measures it, Pa.
  private func differenceAcross(_ h: Int) -> Double {
    let ends = plan.graph.hatchEnds[h]
    return detector.pressure(module: ends.a) - detector.pressure(module: ends.b)
  }

  /// Whether the difference across a hatch of the split has grown since it closed to
  /// ``IsolationConfiguration/differenceShare`` of the allowed difference (closedFraction x
  /// reopenLimitPa: the guidance's half of 1 mmHg), leaving the rest for the reopening
  /// travel. A hatch whose modules have no pressure counts as at the limit.
  private func differenceNearLimit(_ cut: IsolationPlan.Cut) -> Bool {
    let allowed = configuration.differenceShare * configuration.closedFraction * configuration.reopenLimitPa
    for (index, h) in cut.hatches.enumerated() {
      let start = index < differenceAtClosure.count ? differenceAtClosure[index] : .nan
      let grown = abs(differenceAcross(h) - start)
      if !grown.isFinite || grown >= allowed { return true }
    }
    return false
  }

  /// Whether side A (true) or side B (false) fell: the hatch whose difference grew most
  /// since closure, if it grew faster than ``IsolationConfiguration/thermalDifferencePaPerSecond``
  /// (the most the thermal cycle moves the difference between two closed segments); nil
  /// otherwise.
  private func sideThatFell(
    _ cut: IsolationPlan.Cut, since start: Double, now: Double
  ) -> (sideA: Bool, paPerSecond: Double)? {
    var best: (grown: Double, hatch: Int)?
    for (index, h) in cut.hatches.enumerated() where index < differenceAtClosure.count {
      let grown = differenceAcross(h) - differenceAtClosure[index]
      if grown.isFinite, abs(grown) > abs(best?.grown ?? 0) { best = (grown, h) }
    }
    guard let best, let first = cut.sideA.first, now > start,
      abs(best.grown) / (now - start) > configuration.thermalDifferencePaPerSecond
    else { return nil }
    var passes = [Bool](repeating: true, count: plan.graph.hatchEnds.count)
    for h in passes.indices { passes[h] = !current.isClosed(h) }
    let segment = plan.graph.segments(open: passes)
    let ends = plan.graph.hatchEnds[best.hatch]
    // grown < 0: the `a` end fell.
    let fallen = best.grown < 0 ? ends.a : ends.b
    return (segment[fallen] == segment[first], abs(best.grown) / (now - start))
  }

  private func moveTime(_ hatch: Int) -> Double {
    (hatch < moveTimeouts.count ? moveTimeouts[hatch] : 30) + configuration.moveMarginSeconds
  }

  private func bits(_ modules: [Int]) -> UInt64 {
    modules.reduce(0) { $1 < 64 ? $0 | 1 << UInt64($1) : $0 }
  }

  private static func finite(_ value: Double) -> Double { value.isFinite ? value : .nan }
}
