import Controller
import HAL
import Station

/// The inspection scheduler as a member of the 1 Hz planner group: each tick it applies
/// the operator's scan commands (from ``CommandArbiter/scanCommands``), updates every
/// drone's state machine from its link reading, records finished scans, runs one
/// bounded ``InspectionPlanner`` step, turns assignments, recalls and preemptions into
/// missions, submits the resulting commands to the arbiter as ``Principal/autonomy``,
/// emits `scan_started`, `scan_done` and `drone_state`, and sends every change to the
/// writer thread (``ScheduleWriter``).
public final class FleetControl: RateGroupMember, @unchecked Sendable {
  public let name = "inspection-scheduler"
  public let planner: InspectionPlanner
  public let controllers: [DroneController]
  let readings: [Snapshot<DroneLinkReading>?]
  let submit: (CommandRequest) -> CommandResponse?
  let scanCommands: BoundedQueue<CommandRequest>?
  let store: StoreChannel?
  let events: EventSink?
  let timeline: () -> Double
  let droneSources: [EventSource]
  let targetSources: [EventSource]
  /// Each drone's thrust outputs (station drone order) and the pulse they get once armed.
  let thrustRoles: [[BoardRole]]
  let flightPulseUs: Int
  /// Each station hatch (station order) and whether the controller knows it passable
  /// (``HatchMember/passable``: nil until known; read once a tick).
  let hatchStates: [(id: HatchID, passable: Snapshot<Bool?>)]
  /// Leak evidence from other threads (the leak group), applied at the next step.
  let leakInbox = BoundedQueue<(module: ModuleID, kind: LeakEvidence, atS: Double)>(minimumCapacity: 64)
  /// Leak evidence lost because the inbox was full.
  public private(set) var leakEvidenceLost: UInt64 = 0
  /// Request ids: ``RequestIDSpace/scheduler``, the boot epoch in bits 40-61, a counter below.
  var requestIDs: RequestIDCounter
  /// Commands the arbiter refused at once (`busy`).
  public private(set) var refusedCommands: UInt64 = 0
  /// Who stopped the drones (`stop_all_drones`), as persisted for the next run, until an
  /// accepted `scan_resume`: the same answer as ``AuthorityRules/dronesStoppedBy``.
  public private(set) var dronesStoppedBy: Principal?
  /// Scans recorded since start.
  public private(set) var scansRecorded: UInt64 = 0
  /// The modules a leak isolation is working on, as a bit mask in station module order
  /// (``IsolationProcedure/isolatingModules``), read once a tick: each is kept out
  /// (``KeepOut/isolating``) while its bit is set.
  public var isolatingModules: (() -> UInt64)?
  private var lastIsolating: UInt64 = 0
  /// When each module's crew activity ends (planner time line, s; station module order;
  /// -infinity: no activity). The module is kept out (``KeepOut/crewActivity``) until
  /// then or until `crew_activity_end`.
  public private(set) var crewActivityUntilS: [Double]
  let moduleSources: [EventSource]

  /// - Parameters:
  ///   - readings: each drone's link reading (station drone order; `nil`: no link).
  ///   - submit: the arbiter's submit.
  ///   - timeline: the planner time line, seconds (UTC seconds in the controller).
  public init(
    planner: InspectionPlanner, configuration: DroneControlConfiguration = .init(),
    readings: [Snapshot<DroneLinkReading>?], submit: @escaping (CommandRequest) -> CommandResponse?,
    scanCommands: BoundedQueue<CommandRequest>?, store: StoreChannel?, events: EventSink?, bootEpoch: UInt64 = 0,
    hatchStates: [(id: HatchID, passable: Snapshot<Bool?>)] = [], timeline: @escaping () -> Double
  ) {
    self.hatchStates = hatchStates
    self.planner = planner
    controllers = planner.station.drones.map {
      DroneController(drone: $0.id, dock: $0.dock, configuration: configuration)
    }
    // Drones fly the planner's paths one module at a time (around kept-out modules).
    for controller in controllers {
      controller.route = { [planner] from, to in planner.nextModule(from: from, to: to) }
    }
    self.readings = readings
    self.submit = submit
    self.scanCommands = scanCommands
    self.store = store
    self.events = events
    self.timeline = timeline
    droneSources = planner.station.drones.map { events?.register(EventSubject(drone: $0.id)) ?? .executive }
    targetSources = planner.station.targets.map {
      events?.register(EventSubject(module: $0.module, target: $0.id)) ?? .executive
    }
    moduleSources = planner.station.modules.map { events?.register(EventSubject(module: $0.id)) ?? .executive }
    crewActivityUntilS = Array(repeating: -.infinity, count: planner.station.modules.count)
    thrustRoles = planner.station.drones.map(\.thrustRoles)
    plannedMissions = planner.station.drones.map { _ in (.nan, .nan, .nan) }
    flightPulseUs = configuration.flightPulseUs
    requestIDs = .scheduler(bootEpoch: bootEpoch)
    for d in planner.drones.indices { planner.drones[d].available = false }
  }

  public func run(_ tick: TickContext) { step(now: timeline()) }

  /// Restores what ``ScheduleStore/load()`` read: targets, the pause, each drone's
  /// state (fresh commands only: see ``DroneController/restore(state:mission:scanCountSeen:now:)``).
  public func restore(_ saved: PersistedSchedule, now: Double) {
    for (t, target) in planner.station.targets.enumerated() {
      guard let state = saved.targets[target.id] else { continue }
      planner.restore(
        target: t, lastScanS: state.lastScanS, finding: state.finding, skippedUntilS: state.skippedUntilS,
        requeued: state.requeued, drone: nil)
    }
    planner.paused = saved.paused
    dronesStoppedBy = saved.dronesStoppedBy
    for (module, untilS) in saved.crewActivity {
      guard let m = planner.moduleIndex(module) else { continue }
      if untilS > now {
        setCrewActivity(m, untilS: untilS, now: now, persist: false)
      } else {
        store?.push(.crewActivity(module, untilS: nil))
      }
    }
    for (d, controller) in controllers.enumerated() {
      guard let state = saved.drones[controller.drone] else { continue }
      controller.restore(
        state: state.state, mission: state.mission, scanCountSeen: state.scanCountSeen, now: now)
      if let mission = controller.mission, let t = planner.targetIndex(mission.target) {
        planner.claim(target: t, drone: d)
        planner.drones[d].scanning = controller.state == .scanning
      }
      flush(d, now: now)
    }
  }

  /// Leak evidence about `module` at `atS` (planner time line, s): a `leak_trend`, or an
  /// alarm from leak localisation naming the module. Safe from any thread (the leak
  /// group calls it): queued without allocating and handed to
  /// ``InspectionPlanner/noteLeakEvidence(module:kind:at:)`` at the next planner tick,
  /// so an alarm reorders the plan within one tick of arriving. Returns `false` (and
  /// counts it in ``leakEvidenceLost``) when 64 items are already waiting.
  @discardableResult
  public func noteLeakEvidence(module: ModuleID, kind: LeakEvidence, at atS: Double) -> Bool {
    if leakInbox.push((module, kind, atS)) { return true }
    leakEvidenceLost &+= 1
    return false
  }

  private func applyIsolationKeepOut() {
    guard let isolatingModules else { return }
    let bits = isolatingModules()
    guard bits != lastIsolating else { return }
    for (m, module) in planner.station.modules.enumerated() where m < 64 {
      let bit: UInt64 = 1 << UInt64(m)
      if (bits ^ lastIsolating) & bit != 0 { planner.setKeepOut(.isolating, module: module.id, bits & bit != 0) }
    }
    lastIsolating = bits
  }

  /// Starts (a finite `untilS`) or ends (`-infinity`) the crew activity in module `m`:
  /// the planner's keep-out, a `crew_activity` event (value: seconds left, 0 ended,
  /// -1 ran out when `expired`), the record for the database.
  func setCrewActivity(_ m: Int, untilS: Double, now: Double, expired: Bool = false, persist: Bool = true) {
    let module = planner.station.modules[m].id
    let active = untilS > now
    let wasActive = crewActivityUntilS[m] > -.infinity
    crewActivityUntilS[m] = active ? untilS : -.infinity
    if active != wasActive { planner.setKeepOut(.crewActivity, module: module, active) }
    if persist { store?.push(.crewActivity(module, untilS: active ? untilS : nil)) }
    guard let events else { return }
    events.emit(
      .info, .crewActivity, source: moduleSources[m], measured: active ? untilS - now : expired ? -1 : 0)
  }

  /// Ends every crew activity whose end time has come (a forgotten `crew_activity_end`
  /// keeps drones out for at most its duration).
  func expireCrewActivity(now: Double) {
    for m in crewActivityUntilS.indices where crewActivityUntilS[m] > -.infinity && crewActivityUntilS[m] <= now {
      setCrewActivity(m, untilS: -.infinity, now: now, expired: true)
    }
  }

  /// Each drone's last assignment as the planner made it (planner time line, s: leave,
  /// arrive, scan end), kept while its mission lasts (the state shows it while the
  /// drone's controller has a mission; NaN before any).
  public private(set) var plannedMissions: [(startS: Double, arriveS: Double, endS: Double)]

  /// The planner time line at the last ``step(now:)``, seconds (NaN: none yet).
  public private(set) var lastStepS: Double = .nan

  /// One tick at `now` (seconds on the planner time line).
  public func step(now: Double) {
    lastStepS = now
    for (id, passable) in hatchStates {
      if let open = passable.read() { planner.setHatch(id, open: open) }
    }
    while let evidence = leakInbox.pop() {
      planner.noteLeakEvidence(module: evidence.module, kind: evidence.kind, at: evidence.atS)
    }
    applyIsolationKeepOut()
    applyScanCommands(now: now)
    expireCrewActivity(now: now)
    // Drones: telemetry, timeouts, reports.
    for (d, controller) in controllers.enumerated() {
      controller.update(now: now, reading: readings[d]?.read())
      syncPlanner(d, controller)
      flush(d, now: now)
    }
    planner.step(now: now)
    for i in 0..<planner.recallCount {
      let d = planner.recalls[i]
      controllers[d].returnHome(now: now)
      flush(d, now: now)
    }
    for i in 0..<planner.assignmentCount {
      let a = planner.assignments[i]
      let target = planner.station.targets[a.target]
      let controller = controllers[a.drone]
      if a.drone < plannedMissions.count { plannedMissions[a.drone] = (a.startS, a.arriveS, a.endS) }
      // A preempted drone already out goes straight to its new module (its old target
      // was released by the planner).
      controller.start(
        .init(
          target: target.id, module: target.module, scanS: planner.scanS(drone: a.drone, target: a.target),
          travelS: a.arriveS - a.startS),
        now: now)
      flush(a.drone, now: now)
    }
    // Preempted drones that got nothing new go home.
    for i in 0..<planner.preemptedCount {
      let d = planner.preempted[i]
      if planner.drones[d].target < 0 && controllers[d].mission != nil {
        controllers[d].cancel(now: now)
        flush(d, now: now)
      }
    }
    // A drone done scanning with nothing new goes home.
    for (d, controller) in controllers.enumerated() where controller.scanFinished {
      let home = planner.travelS(drone: d, from: planner.drones[d].module, to: planner.dock(of: d))
      controller.returnHome(now: now, expectedS: home)
      planner.drones[d].available = false
      flush(d, now: now)
    }
  }

  /// Keeps the planner's view of drone `d` in step with its controller.
  func syncPlanner(_ d: Int, _ controller: DroneController) {
    if let telemetry = controller.telemetry {
      if let m = planner.moduleIndex(telemetry.module) { planner.drones[d].module = m }
      planner.drones[d].batteryWh = telemetry.batteryWh
      planner.drones[d].docked = telemetry.docked
    }
    planner.drones[d].scanning = controller.state == .scanning && controller.mission != nil
    planner.drones[d].available = controller.canTakeMission || controller.scanFinished
  }

  func applyScanCommands(now: Double) {
    guard let scanCommands else { return }
    while let request = scanCommands.pop() {
      switch request.command {
      case .scanPause:
        planner.paused = true
        store?.push(.paused(true))
      case .stopAllDrones:
        // The authority rules hold the stop in this run; the store keeps it for the next.
        planner.paused = true
        dronesStoppedBy = AuthorityRules.droneStop(dronesStoppedBy, after: request.principal)
        store?.push(.paused(true))
        store?.push(.dronesStopped(by: dronesStoppedBy))
      case .scanResume:
        planner.paused = false
        store?.push(.paused(false))
        if dronesStoppedBy != nil {
          dronesStoppedBy = nil
          store?.push(.dronesStopped(by: nil))
        }
      case .scanSkip(let id):
        guard let t = planner.targetIndex(id) else { continue }
        let holder = planner.claimedBy[t]
        planner.skip(target: t, now: now)
        if holder >= 0 {
          planner.release(target: t)
          controllers[holder].cancel(now: now)
          flush(holder, now: now)
        }
        persistTarget(t)
      case .scanRequeue(let id):
        guard let t = planner.targetIndex(id) else { continue }
        planner.requeue(target: t)
        persistTarget(t)
      case .crewActivityStart(let id, let seconds):
        guard let m = planner.moduleIndex(id) else { continue }
        setCrewActivity(m, untilS: now + seconds, now: now)
      case .crewActivityEnd(let id):
        guard let m = planner.moduleIndex(id), crewActivityUntilS[m] > -.infinity else { continue }
        setCrewActivity(m, untilS: -.infinity, now: now)
      default:
        continue
      }
    }
  }

  /// Submits the controller's actions, applies its outcomes, persists its state.
  func flush(_ d: Int, now: Double) {
    let controller = controllers[d]
    for action in controller.actions {
      send(action.command)
      // Armed, the thrust channels get the flight pulse: the ESCs idle below it and the
      // drone would not lift (disarming drives them back to their safe value).
      if case .droneArm = action.command {
        for role in thrustRoles[d] { send(.actuatorPulse(role, microseconds: flightPulseUs)) }
      }
    }
    controller.actions.removeAll(keepingCapacity: true)
    guard !controller.outcomes.isEmpty else { return }
    for outcome in controller.outcomes {
      switch outcome {
      case .stateChanged(let state):
        _ = events?.emit(
          state == .hold || state == .fault ? .warning : .info, .droneState, source: droneSources[d],
          value: Int64(state.rawValue))
      case .scanStarted(let id):
        if let t = planner.targetIndex(id) {
          planner.drones[d].scanning = true
          emit(.scanStarted, t, value: planner.scanS(drone: d, target: t))
        }
      case .scanDone(let report, let count):
        guard let t = planner.targetIndex(report.target) else { continue }
        planner.recordScan(target: t, drone: d, finding: report.finding, at: now)
        planner.drones[d].available = true
        scansRecorded &+= 1
        emit(.scanDone, t, value: ScanFindingCode.code(report.finding))
        store?.push(
          .scan(
            drone: controller.drone, target: report.target, endS: now, finding: report.finding, note: report.note,
            droneScanCount: count))
        persistTarget(t)
      case .missionAbandoned(let id):
        if let t = planner.targetIndex(id), planner.claimedBy[t] == d { planner.release(target: t) }
      case .grounded(let seconds):
        // The crew see a drone kept down after a fault, and for how long.
        _ = events?.emit(.warning, .droneGrounded, source: droneSources[d], measured: seconds)
      }
    }
    controller.outcomes.removeAll(keepingCapacity: true)
    let mission = controller.mission
    store?.push(
      .drone(
        controller.drone, state: controller.state, target: mission?.target, module: mission?.module,
        scanS: mission?.scanS ?? 0, travelS: mission?.travelS ?? 0, scanCountSeen: controller.scanCountSeen))
  }

  func send(_ command: Command) {
    if submit(CommandRequest(id: requestIDs.take(), principal: .autonomy, command: command)) != nil {
      refusedCommands &+= 1
    }
  }

  func emit(_ code: EventCode, _ t: Int, value: Double) {
    guard let events else { return }
    events.emit(.info, code, source: targetSources[t], measured: value)
  }

  func persistTarget(_ t: Int) {
    store?.push(
      .target(
        planner.station.targets[t].id, lastScanS: planner.lastScanS[t], finding: planner.lastFinding[t],
        skippedUntilS: planner.skippedUntilS[t], requeued: planner.requeued[t]))
  }
}
