import Atomics
import Drivers
import HAL
import Station

/// The single writer of every actuator command. Commands from every principal arrive
/// on one bounded queue (``submit(_:)``); each actuator cycle the arbiter takes them in
/// order, checks each (format of ids, limits), asks the ``AuthorityPolicy``, enforces
/// what safe mode allows, carries it out by publishing to the actuator members it alone
/// holds the order snapshots of, and answers with a ``CommandResponse`` on
/// ``responses``. Every command gives exactly one audited event:
/// ``EventCode/commandAccepted`` or ``EventCode/commandRejected``.
///
/// It also switches actuator power (`actuator.power_enable`): on while a hatch moves or
/// a drone is armed (a crew hatch move in safe mode included), off otherwise, and
/// blinks the status light once a second while not in safe mode.
///
/// Safe mode: while latched only `clear_safe_mode`, `enter_safe_mode`, drone disarms,
/// `stop_all_drones`, control and lease commands, the drone orders `hold` and
/// `return_to_dock`, the scan commands and crew activities (bookkeeping, no actuator),
/// `isolation_abort`, `alarm_acknowledge` and
/// the crew's hatch commands (open, close, stop, clear fault) are accepted; the crew can
/// always move a hatch, whatever latched safe mode.
///
/// Crew interlock: a `hatch_close` from `autonomy` is refused (`authority`) when the
/// closure would leave a crew module without a way to a return-vehicle module through
/// hatches confirmed open (``CrewInterlock``, decision 0920), whatever planned it. The
/// crew's location (``CrewLocation``) is read every cycle and each change handed to the
/// policy. Accepted `isolation_approve` and `isolation_abort` go on to the isolation
/// procedure through ``isolationCommands`` (either with nothing to act on, as
/// ``isolationReadiness`` says, is refused `execution`); an `alarm_acknowledge` for a module with an
/// alarm goes on to the leak watch through ``ModuleAlarms/acknowledgements`` (one with
/// none is refused `execution`).
///
/// The crew has its own request queue, drained first, and its commands are never
/// refused for want of audit room; the crew override switch is read every cycle.
///
/// Runs first in the actuator group (after the stale-data monitor), on the same thread
/// as every actuator member, so it reads their state directly.
public final class CommandArbiter: RateGroupMember, @unchecked Sendable {
  /// A hatch the arbiter commands.
  public struct HatchEntry {
    public var id: HatchID
    public var member: HatchMember
    public var order: Snapshot<Stamped<HatchOrder>?>
    public init(id: HatchID, member: HatchMember, order: Snapshot<Stamped<HatchOrder>?>) {
      self.id = id
      self.member = member
      self.order = order
    }
  }

  /// A drone: its arming request, its thrust outputs and, where it has one, its mission
  /// link (orders go out through ``Command/droneOrder(_:_:)``; telemetry is read every
  /// ``telemetryPeriod`` and published on `telemetry`).
  public struct DroneEntry {
    public var id: DroneID
    public var arm: Snapshot<Bool?>
    public var thrust: [ServoMember]
    public var link: (any DroneLink)?
    public var telemetry: Snapshot<DroneLinkReading>?
    public init(
      id: DroneID, arm: Snapshot<Bool?>, thrust: [ServoMember], link: (any DroneLink)? = nil,
      telemetry: Snapshot<DroneLinkReading>? = nil
    ) {
      self.id = id
      self.arm = arm
      self.thrust = thrust
      self.link = link
      self.telemetry = telemetry
    }
  }

  /// A PWM output that takes pulse commands.
  public struct OutputEntry {
    public var role: BoardRole
    public var member: ServoMember
    public var pulse: Snapshot<Duration?>
    public init(role: BoardRole, member: ServoMember, pulse: Snapshot<Duration?>) {
      self.role = role
      self.member = member
      self.pulse = pulse
    }
  }

  public let name = "command-arbiter"
  /// Responses, one per command, in the order decided (drain from one thread).
  public let responses: BoundedQueue<CommandResponse>
  private let requests: BoundedQueue<CommandRequest>
  /// The crew's own queue, drained first: no flood from another principal can keep a
  /// crew command waiting or make it `busy`.
  private let crewRequests: BoundedQueue<CommandRequest>
  private let overrideSwitch: (any GPIOInputLine)?
  private var overrideWasActive = false
  private let overrideSource: EventSource
  private let hatches: [HatchEntry]
  private let drones: [DroneEntry]
  private let outputs: [OutputEntry]
  private let powerCommand: Snapshot<Stamped<Bool>?>?
  private let statusCommand: Snapshot<Stamped<Bool>?>?
  private let policy: any AuthorityPolicy
  private let latch: SafetyLatch
  private let events: EventSink
  private let source: EventSource
  private let hatchSources: [EventSource]
  private let droneSources: [EventSource]
  private let outputSources: [EventSource]
  private let powerSource: EventSource
  private var armed: [Bool]
  private var crewAskedSafe = false
  private var powered = false  // bring-up leaves actuator power at its safe value (off)
  private var poweredGeneration: UInt64 = 0
  private var lit = false
  private var lastBlink: MonotonicInstant?
  /// Commands refused with `busy` because the queue or the audit channel had no room.
  public private(set) var busyRefusals: UInt64 = 0
  /// Accepted `stop_all_drones` the scheduler never heard of because ``scanCommands`` was
  /// full (the stop itself took effect: drones disarmed, autonomy refused; only the
  /// scheduler's pause and the stop's persistence were lost).
  public private(set) var scanHandOffsLost: UInt64 = 0
  /// Most commands taken per cycle (bounds the cycle's work).
  public let commandsPerCycle: Int
  /// Accepted scan commands (`scan_pause`, `scan_resume`, `scan_skip`, `scan_requeue`),
  /// `stop_all_drones` (the scheduler pauses and persists the stop) and crew activities
  /// (`crew_activity_start`, `crew_activity_end`), in order, for the
  /// inspection scheduler to apply (drain from the planner group).
  public let scanCommands: BoundedQueue<CommandRequest>
  /// How often each drone link's telemetry is read.
  public static let telemetryPeriod: Duration = .milliseconds(200)
  /// Accepted isolation commands (`isolation_approve`, `isolation_abort`), in order, for
  /// the leak isolation procedure (drain from the leak group).
  public let isolationCommands: BoundedQueue<CommandRequest>
  /// What those commands can act on, as the isolation procedure publishes it: one with
  /// nothing to act on is refused (`execution`).
  public let isolationReadiness = IsolationReadiness()
  /// The crew interlock every autonomy `hatch_close` must pass (nil: none, bench rigs).
  public let interlock: CrewInterlock?
  /// The modules' alarms: `alarm_acknowledge` is checked against them and queued there
  /// for the leak watch (nil: no leak watch; the command is refused `validation`).
  public let alarms: ModuleAlarms?
  private var interlockOpen: [Bool]
  private var crewBits: UInt64
  private let overrideActive = ManagedAtomic<Bool>(false)
  /// Whether the crew override switch is active, as last read (any thread).
  public var crewOverrideActive: Bool { overrideActive.load(ordering: .relaxed) }
  private let targets: Set<TargetID>
  private let targetSources: [TargetID: EventSource]
  /// The station's modules (a crew activity or an alarm acknowledgement names one), each
  /// with its event subject (`modules`, or the alarms' modules when none are given).
  private let moduleSources: [ModuleID: EventSource]
  private var lastTelemetryRead: MonotonicInstant?
  private var telemetryReads: UInt64 = 0

  public init(
    hatches: [HatchEntry], drones: [DroneEntry], outputs: [OutputEntry], powerCommand: Snapshot<Stamped<Bool>?>?,
    statusCommand: Snapshot<Stamped<Bool>?>?, policy: any AuthorityPolicy, latch: SafetyLatch, events: EventSink,
    overrideSwitch: (any GPIOInputLine)? = nil, queueCapacity: Int = 64, commandsPerCycle: Int = 8,
    targets: [TargetID] = [], modules: [ModuleID] = [], interlock: CrewInterlock? = nil,
    alarms: ModuleAlarms? = nil
  ) {
    self.interlock = interlock
    self.alarms = alarms
    interlockOpen = Array(repeating: false, count: hatches.count)
    crewBits = interlock?.crew.bits ?? 0
    isolationCommands = BoundedQueue(minimumCapacity: 16)
    self.overrideSwitch = overrideSwitch
    crewRequests = BoundedQueue(minimumCapacity: queueCapacity)
    overrideSource = events.register(EventSubject(component: "crew-override-switch"))
    self.targets = Set(targets)
    var targetSources: [TargetID: EventSource] = [:]
    for id in targets { targetSources[id] = events.register(EventSubject(target: id)) }
    self.targetSources = targetSources
    var moduleSources: [ModuleID: EventSource] = [:]
    for id in modules.isEmpty ? alarms?.modules ?? [] : modules {
      moduleSources[id] = events.register(EventSubject(module: id))
    }
    self.moduleSources = moduleSources
    scanCommands = BoundedQueue(minimumCapacity: queueCapacity)
    self.hatches = hatches
    self.drones = drones
    self.outputs = outputs
    self.powerCommand = powerCommand
    self.statusCommand = statusCommand
    self.policy = policy
    self.latch = latch
    self.events = events
    self.commandsPerCycle = max(commandsPerCycle, 1)
    requests = BoundedQueue(minimumCapacity: queueCapacity)
    responses = BoundedQueue(minimumCapacity: queueCapacity * 4)
    source = events.registerSource("command-arbiter")
    hatchSources = hatches.map { events.register(EventSubject(hatch: $0.id)) }
    droneSources = drones.map { events.register(EventSubject(drone: $0.id)) }
    outputSources = outputs.map { events.register(EventSubject(output: $0.role)) }
    powerSource = events.register(EventSubject(output: BoardRole(unchecked: "actuator.power_enable")))
    armed = Array(repeating: false, count: drones.count)
  }

  /// Queues `request` for the next actuator cycle (any thread). Returns `nil` when
  /// queued (its response comes on ``responses``), or the `busy` response at once when
  /// the queue is full.
  public func submit(_ request: CommandRequest) -> CommandResponse? {
    if (request.principal.isCrew ? crewRequests : requests).push(request) { return nil }
    busyRefusals &+= 1
    events.emitCommand(.commandRejected, source: source, request: request, rejection: .busy)
    let response = CommandResponse(requestID: request.id, result: .rejected(.busy, reason: "command queue full"))
    return response
  }

  public func run(_ tick: TickContext) {
    readOverrideSwitch(tick)
    readCrewLocation()
    policy.tick(now: tick.deadline)
    var taken = 0
    while taken < commandsPerCycle, let request = crewRequests.pop() ?? requests.pop() {
      taken += 1
      let response = decide(request, tick: tick)
      if !responses.push(response) { busyRefusals &+= 1 }
    }
    updatePower(tick)
    blink(tick)
    readTelemetry(tick)
  }

  /// Reads every drone link's telemetry once per ``telemetryPeriod`` and publishes it.
  private func readTelemetry(_ tick: TickContext) {
    if let last = lastTelemetryRead, last.duration(to: tick.deadline) < Self.telemetryPeriod { return }
    lastTelemetryRead = tick.deadline
    telemetryReads &+= 1
    for entry in drones {
      guard let link = entry.link, let snapshot = entry.telemetry else { continue }
      do {
        let telemetry = try link.telemetry()
        snapshot.publish(DroneLinkReading(telemetry: telemetry, failure: nil, sequence: telemetryReads))
      } catch {
        let previous = snapshot.read().telemetry
        snapshot.publish(DroneLinkReading(telemetry: previous, failure: error, sequence: telemetryReads))
      }
    }
  }

  /// Carries out or rejects one command; emits its event.
  private func decide(_ request: CommandRequest, tick: TickContext) -> CommandResponse {
    // The crew is never refused for want of audit room: its command still emits its
    // event if any room is left, and a loss is counted (decision 0811).
    guard events.hasRoomForCommand || request.principal.isCrew else {
      busyRefusals &+= 1
      return reject(request, .busy, "audit channel full: retry later", subject: source)
    }
    let safeMode = latch.isLatched
    let command = request.command
    // Validation first: ids and limits.
    var hatchIndex: Int?
    var droneIndex: Int?
    var outputIndex: Int?
    var subject = source
    if let id = command.hatch {
      guard let index = hatches.firstIndex(where: { $0.id == id }) else {
        return rejectUnknown(request, .hatch)
      }
      hatchIndex = index
      subject = hatchSources[index]
    }
    if let id = command.drone {
      guard let index = drones.firstIndex(where: { $0.id == id }) else {
        return rejectUnknown(request, .drone)
      }
      droneIndex = index
      subject = droneSources[index]
    }
    if let id = command.target, command.isScanCommand, !targets.contains(id) {
      return rejectUnknown(request, .target)
    }
    if let id = command.target, command.isScanCommand, let target = targetSources[id] { subject = target }
    if let id = command.module, command.isCrewActivityCommand {
      guard let module = moduleSources[id] else {
        return rejectUnknown(request, .module)
      }
      subject = module
    }
    var moduleIndex: Int?
    if case .alarmAcknowledge(let id) = command {
      guard let alarms, let index = alarms.index(of: id), let module = moduleSources[id] else {
        return rejectUnknown(request, .module)
      }
      moduleIndex = index
      subject = module
    }
    if case .droneOrder = command, let index = droneIndex, drones[index].link == nil {
      return reject(request, .validation, "drone has no mission link", subject: subject)
    }
    if case .actuatorPulse(let role, let microseconds) = command {
      guard let index = outputs.firstIndex(where: { $0.role == role }) else {
        return rejectUnknown(request, .pwmOutput)
      }
      outputIndex = index
      subject = outputSources[index]
      let limits = outputs[index].member.servo.limits
      guard limits.range.contains(.microseconds(microseconds)) else {
        return reject(request, .validation, "pulse outside the output's limits", subject: subject)
      }
    }
    if let reason = policy.deny(request, safeMode: safeMode, now: tick.deadline) {
      return reject(request, .authority, reason, subject: subject)
    }
    if case .hatchClose = command, request.principal == .autonomy, let index = hatchIndex,
      !crewStaysJoined(closing: index)
    {
      return reject(request, .authority, "closing it would cut the crew off from the return vehicle", subject: subject)
    }
    if safeMode {
      let allowed: Bool
      switch command {
      case .clearSafeMode, .enterSafeMode, .droneDisarm, .stopAllDrones: allowed = true
      case .controlRequest, .controlGrab, .controlRelease, .leaseTake, .leaseEnd: allowed = true
      // (A `where` clause would bind to the last pattern only: the crew test is explicit.)
      case .hatchOpen, .hatchClose, .hatchStop, .hatchClearFault: allowed = request.principal.isCrew
      case .droneArm, .actuatorPulse: allowed = false
      case .droneOrder(_, let order): allowed = order == .hold || order == .returnToDock
      case .scanPause, .scanResume, .scanSkip, .scanRequeue: allowed = true
      case .crewActivityStart, .crewActivityEnd: allowed = true
      case .isolationAbort: allowed = true
      case .isolationApprove: allowed = false
      case .alarmAcknowledge: allowed = true
      }
      guard allowed else {
        return reject(
          request, .execution, "safe mode is latched: only the crew's hatch commands and clear_safe_mode",
          subject: subject)
      }
    }
    switch command {
    case .enterSafeMode:
      latch.trip(request.principal.isCrew ? .crewCommand : .command, source: source)
      if request.principal.isCrew { crewAskedSafe = true }
    case .clearSafeMode:
      // A safe mode the crew asked for (even one already latched for another reason)
      // is the crew's to end (decision 0815).
      if crewAskedSafe && !request.principal.isCrew {
        return reject(request, .authority, "the crew asked for safe mode: only the crew clears it", subject: subject)
      }
      crewAskedSafe = false
      latch.clear(source: source)
    case .hatchOpen, .hatchClose:
      guard let index = hatchIndex else { break }
      if hatches[index].member.hatch.fault != nil {
        return reject(request, .execution, "hatch fault latched: clear it first", subject: subject)
      }
      let target: HatchActuator.Position = command.kind == .hatchOpen ? .open : .closed
      hatches[index].order.publish(Stamped(.move(target), generation: latch.generation))
    case .hatchStop:
      guard let index = hatchIndex else { break }
      hatches[index].order.publish(Stamped(.stop, generation: latch.generation))
    case .hatchClearFault:
      guard let index = hatchIndex else { break }
      hatches[index].member.hatch.clearFault()
    case .droneArm:
      guard let index = droneIndex else { break }
      drones[index].arm.publish(true)
      armed[index] = true
    case .droneDisarm:
      guard let index = droneIndex else { break }
      drones[index].arm.publish(false)
      armed[index] = false
    case .actuatorPulse(_, let microseconds):
      guard let index = outputIndex else { break }
      outputs[index].pulse.publish(.microseconds(microseconds))
    case .stopAllDrones:
      for index in drones.indices {
        drones[index].arm.publish(false)
        armed[index] = false
      }
      // The scheduler pauses too (the authority rules refuse its flights until scan_resume),
      // so it does not keep asking, and persists the stop with its principal so that a
      // restart keeps the drones stopped; a full queue (64 pending scan commands) costs
      // both, counted in scanHandOffsLost.
      if !scanCommands.push(request) { scanHandOffsLost &+= 1 }
    case .controlRequest, .controlGrab, .controlRelease, .leaseTake, .leaseEnd:
      break  // the policy's state: below
    case .droneOrder(_, let order):
      guard let index = droneIndex, let link = drones[index].link else { break }
      do { try link.send(order) } catch {
        return reject(request, .execution, "drone link failed: order not sent", subject: subject)
      }
    case .scanPause, .scanResume, .scanSkip, .scanRequeue, .crewActivityStart, .crewActivityEnd:
      guard scanCommands.push(request) else {
        busyRefusals &+= 1
        return reject(request, .busy, "scheduler queue full: retry later", subject: subject)
      }
    case .alarmAcknowledge:
      guard let alarms, let index = moduleIndex else { break }
      guard alarms.isActive(index) else {
        return reject(request, .execution, "the module has no alarm to acknowledge", subject: subject)
      }
      guard alarms.acknowledgements.push(request) else {
        busyRefusals &+= 1
        return reject(request, .busy, "alarm queue full: retry later", subject: subject)
      }
    case .isolationApprove, .isolationAbort:
      if case .isolationApprove = command, !isolationReadiness.canApprove {
        return reject(
          request, .execution, "no leak isolation to approve (none proposed, no leak alarm standing)", subject: subject)
      }
      if case .isolationAbort = command, !isolationReadiness.canAbort {
        return reject(request, .execution, "no leak isolation to abort (none proposed or running)", subject: subject)
      }
      guard isolationCommands.push(request) else {
        busyRefusals &+= 1
        return reject(request, .busy, "isolation queue full: retry later", subject: subject)
      }
    }
    policy.accepted(request, now: tick.deadline)
    events.emitCommand(.commandAccepted, source: subject, request: request)
    // Power for a move accepted now, in this same cycle.
    updatePower(tick)
    return CommandResponse(requestID: request.id, result: .ok)
  }

  /// The crew override switch: an edge to active hands control to the crew at once (the
  /// policy ends any ground lease); nothing any principal sends can mask it. Read once a
  /// cycle (one line read; the board's debounce applies).
  private func readOverrideSwitch(_ tick: TickContext) {
    guard let overrideSwitch else { return }
    let active: Bool
    do { active = try overrideSwitch.value() } catch { return }
    guard active != overrideWasActive else { return }
    overrideWasActive = active
    overrideActive.store(active, ordering: .relaxed)
    policy.crewOverride(active: active, now: tick.deadline)
    events.emit(.warning, .crewOverride, source: overrideSource, value: active ? 1 : 0)
  }

  /// The crew location: a change goes to the policy (crew hatch rights follow the crew).
  private func readCrewLocation() {
    guard let interlock else { return }
    let bits = interlock.crew.bits
    guard bits != crewBits else { return }
    crewBits = bits
    policy.crewMoved(to: interlock.crew.ids(bits))
  }

  /// The crew interlock for closing hatch `index` (decision 0920): a hatch counts as open
  /// only when it rests at its open stop with no order pending and no fault, so two
  /// closures ordered in one cycle are judged together and a hatch still moving never
  /// counts as a way home. Without an interlock every closure passes; with one that does
  /// not match the hatches, none does.
  private func crewStaysJoined(closing index: Int) -> Bool {
    guard let interlock else { return true }
    guard interlockOpen.count == interlock.plan.graph.hatchEnds.count else { return false }
    for (h, entry) in hatches.enumerated() {
      let member = entry.member
      var open = false
      if h != index, !member.hasPendingOrder, !member.isMoving, member.hatch.fault == nil {
        do throws(ActuatorError) { open = try member.hatch.position() == .open } catch { open = false }
      }
      interlockOpen[h] = open
    }
    return interlock.mayClose(hatch: index, open: interlockOpen)
  }

  private func reject(
    _ request: CommandRequest, _ code: RejectionCode, _ reason: StaticString, subject: EventSource
  ) -> CommandResponse {
    events.emitCommand(.commandRejected, source: subject, request: request, rejection: code)
    return CommandResponse(requestID: request.id, result: .rejected(code, reason: reason))
  }

  /// A `validation` rejection of a command that names an id this station has not got.
  private func rejectUnknown(_ request: CommandRequest, _ kind: UnknownID) -> CommandResponse {
    var response = reject(request, .validation, kind.reason, subject: source)
    response.unknownID = kind
    return response
  }

  /// Actuator power: on while any hatch has a move ordered or running, or any drone is
  /// armed; off otherwise. Armed drones are forgotten in safe mode (their outputs are
  /// safe and a re-arm needs a new command).
  private func updatePower(_ tick: TickContext) {
    guard let powerCommand else { return }
    if latch.isLatched {
      for index in armed.indices { armed[index] = false }
    }
    var needed = armed.contains(true)
    for entry in hatches where !needed {
      if entry.member.isMoving || entry.member.hasPendingOrder { needed = true }
    }
    // A safe state switched power off by its safe value: publish again after one.
    let generation = latch.generation
    guard needed != powered || generation != poweredGeneration else { return }
    poweredGeneration = generation
    let changed = needed != powered
    powered = needed
    powerCommand.publish(Stamped(needed, generation: generation))
    guard changed else { return }
    events.emit(.info, .actuatorPower, source: powerSource, value: needed ? 1 : 0)
  }

  /// The status light: toggles once a second while not in safe mode (a visible
  /// heartbeat of the actuator group), off in safe mode by its safe value.
  private func blink(_ tick: TickContext) {
    guard let statusCommand, !latch.isLatched else { return }
    if let last = lastBlink, last.duration(to: tick.deadline) < .seconds(1) { return }
    lastBlink = tick.deadline
    lit.toggle()
    statusCommand.publish(Stamped(lit, generation: latch.generation))
  }
}
