import HAL
import Station

/// Who sent a command. Every command and every command event names one.
public enum Principal: UInt8, Sendable, Hashable, CaseIterable, CustomStringConvertible {
  /// A crew member at the crew console (local, authenticated by the console link).
  case crewConsole = 1
  /// The physical crew panel (the override switch and its buttons).
  case crewPanel = 2
  /// Ground control, over the signed ground link.
  case ground = 3
  /// The controller's own autonomy (leak isolation, the inspection scheduler).
  case autonomy = 4
  /// A local operator at the board (bench tools, maintenance).
  case localOperator = 5

  /// Whether the principal is the crew (console or panel).
  public var isCrew: Bool { self == .crewConsole || self == .crewPanel }

  /// The stable snake_case name used in event records and the audit log.
  public var description: String {
    switch self {
    case .crewConsole: return "crew_console"
    case .crewPanel: return "crew_panel"
    case .ground: return "ground"
    case .autonomy: return "autonomy"
    case .localOperator: return "local_operator"
    }
  }

  /// Parses the snake_case name.
  public init?(name: String) {
    guard let match = Self.allCases.first(where: { $0.description == name }) else { return nil }
    self = match
  }
}

/// What a command is, without its arguments: a plain value for events.
public enum CommandKind: UInt8, Sendable, Hashable, CaseIterable, CustomStringConvertible {
  case enterSafeMode = 1
  case clearSafeMode
  case hatchOpen
  case hatchClose
  case hatchStop
  case hatchClearFault
  case droneArm
  case droneDisarm
  case actuatorPulse
  case stopAllDrones
  case controlRequest
  case controlGrab
  case controlRelease
  case leaseTake
  case leaseEnd
  case droneOrder
  case scanPause
  case scanResume
  case scanSkip
  case scanRequeue
  case isolationApprove
  case isolationAbort
  case crewActivityStart
  case crewActivityEnd
  case alarmAcknowledge

  /// The stable snake_case name (a command's `"command"` field on every link).
  public var description: String {
    switch self {
    case .enterSafeMode: return "enter_safe_mode"
    case .clearSafeMode: return "clear_safe_mode"
    case .hatchOpen: return "hatch_open"
    case .hatchClose: return "hatch_close"
    case .hatchStop: return "hatch_stop"
    case .hatchClearFault: return "hatch_clear_fault"
    case .droneArm: return "drone_arm"
    case .droneDisarm: return "drone_disarm"
    case .actuatorPulse: return "actuator_pulse"
    case .stopAllDrones: return "stop_all_drones"
    case .controlRequest: return "control_request"
    case .controlGrab: return "control_grab"
    case .controlRelease: return "control_release"
    case .leaseTake: return "lease_take"
    case .leaseEnd: return "lease_end"
    case .droneOrder: return "drone_order"
    case .scanPause: return "scan_pause"
    case .scanResume: return "scan_resume"
    case .scanSkip: return "scan_skip"
    case .scanRequeue: return "scan_requeue"
    case .isolationApprove: return "isolation_approve"
    case .isolationAbort: return "isolation_abort"
    case .crewActivityStart: return "crew_activity_start"
    case .crewActivityEnd: return "crew_activity_end"
    case .alarmAcknowledge: return "alarm_acknowledge"
    }
  }

  /// The arguments the command takes, as `Command.parse(name:arguments:)` reads them (a
  /// drone order's depend on its `order`: ``Command/droneOrderArguments(order:)``).
  public var argumentNames: [String] {
    switch self {
    case .hatchOpen, .hatchClose, .hatchStop, .hatchClearFault: return ["hatch"]
    case .droneArm, .droneDisarm: return ["drone"]
    case .actuatorPulse: return ["output", "pulse_us"]
    case .leaseTake: return ["seconds"]
    case .droneOrder:
      // Every order's arguments, each once, in the order the orders list them.
      var names: [String] = []
      for order in Command.droneOrderNames {
        for name in Command.droneOrderArguments(order: order) ?? [] where !names.contains(name) { names.append(name) }
      }
      return names
    case .scanSkip, .scanRequeue: return ["target"]
    case .crewActivityStart: return ["module", "duration"]
    case .crewActivityEnd, .alarmAcknowledge: return ["module"]
    case .enterSafeMode, .clearSafeMode, .stopAllDrones, .controlRequest, .controlGrab, .controlRelease, .leaseEnd,
      .scanPause, .scanResume, .isolationApprove, .isolationAbort:
      return []
    }
  }
}

/// A command to the controller. Every actuator command from any principal (crew,
/// ground, autonomy, operator) is one of these and goes through the one
/// ``CommandArbiter``.
public enum Command: Sendable, Hashable {
  /// Latch safe mode (every actuator to its safe state).
  case enterSafeMode
  /// Clear latched safe mode (nothing commanded before it resumes).
  case clearSafeMode
  /// Open a hatch.
  case hatchOpen(HatchID)
  /// Close a hatch.
  case hatchClose(HatchID)
  /// Stop a moving hatch where it is (both drive lines off).
  case hatchStop(HatchID)
  /// Clear a hatch's latched fault after someone has looked at it.
  case hatchClearFault(HatchID)
  /// Arm a drone (its arming line and thrust channels' interlock).
  case droneArm(DroneID)
  /// Disarm a drone: thrust to its safe value, arming line off.
  case droneDisarm(DroneID)
  /// Set a PWM output's pulse width, within the output's limits (microseconds).
  case actuatorPulse(BoardRole, microseconds: Int)
  /// Disarm every drone at once (thrust to its safe value, arming lines off).
  case stopAllDrones
  /// Ask for the control token (granted when free or already held).
  case controlRequest
  /// Take the control token whoever holds it (the crew's; ground takes it by lease).
  case controlGrab
  /// Give the control token back (to the crew when ground releases it).
  case controlRelease
  /// Ground takes (or renews) control for `seconds` from now: the lease's expiry comes
  /// from the signed envelope, converted by the ground link.
  case leaseTake(seconds: Double)
  /// End the ground lease now (control returns to the crew).
  case leaseEnd
  /// Send a mission order to a drone over its ``DroneLink`` (the arbiter holds the
  /// links). In safe mode only `hold` and `return_to_dock` are accepted.
  case droneOrder(DroneID, DroneOrder)
  /// Stop starting scans: drones finish the scan they are on and go home (scheduler).
  case scanPause
  /// Start scans again after `scan_pause`.
  case scanResume
  /// Drop a target from the plan until it is requeued or one interval has passed.
  case scanSkip(TargetID)
  /// Put a target back in the plan as due now (clears a skip).
  case scanRequeue(TargetID)
  /// The crew approves the proposed leak isolation (``IsolationProcedure``): the
  /// controller starts moving hatches as `autonomy`.
  case isolationApprove
  /// The crew stops a proposed or running leak isolation: the hatches it closed are
  /// reopened (docs/leak-detection.md).
  case isolationAbort
  /// The crew start work in `module` (maintenance, an experiment, exercise) for
  /// `seconds` (at most ``Command/crewActivityLimitS``): the inspection scheduler keeps its
  /// drones out of the module until `crew_activity_end` or the end of that time. Starting
  /// again replaces the end time.
  case crewActivityStart(ModuleID, seconds: Double)
  /// The crew's work in `module` is over: drones may plan through it and scan there again.
  case crewActivityEnd(ModuleID)

  /// How long a crew activity lasts when `crew_activity_start` gives no `duration`, s
  /// (2 h: a typical block of crew work; a forgotten end costs at most this much
  /// inspection time in that module).
  public static let crewActivityDefaultS: Double = 7_200
  /// The longest `duration` a `crew_activity_start` may give, s (12 h: a crew work day;
  /// a longer block is started again).
  public static let crewActivityLimitS: Double = 43_200
  /// The crew acknowledge a module's current alarm (leak tier or low pressure): it stays
  /// an alarm, marked acknowledged with who and when (``ModuleAlarms``, decision 1407).
  case alarmAcknowledge(ModuleID)

  public var kind: CommandKind {
    switch self {
    case .enterSafeMode: return .enterSafeMode
    case .clearSafeMode: return .clearSafeMode
    case .hatchOpen: return .hatchOpen
    case .hatchClose: return .hatchClose
    case .hatchStop: return .hatchStop
    case .hatchClearFault: return .hatchClearFault
    case .droneArm: return .droneArm
    case .droneDisarm: return .droneDisarm
    case .actuatorPulse: return .actuatorPulse
    case .stopAllDrones: return .stopAllDrones
    case .controlRequest: return .controlRequest
    case .controlGrab: return .controlGrab
    case .controlRelease: return .controlRelease
    case .leaseTake: return .leaseTake
    case .leaseEnd: return .leaseEnd
    case .droneOrder: return .droneOrder
    case .scanPause: return .scanPause
    case .scanResume: return .scanResume
    case .scanSkip: return .scanSkip
    case .scanRequeue: return .scanRequeue
    case .isolationApprove: return .isolationApprove
    case .isolationAbort: return .isolationAbort
    case .crewActivityStart: return .crewActivityStart
    case .crewActivityEnd: return .crewActivityEnd
    case .alarmAcknowledge: return .alarmAcknowledge
    }
  }

  /// Whether the command is for the leak isolation procedure (the arbiter validates and
  /// audits it, then hands it on through ``CommandArbiter/isolationCommands``).
  public var isIsolationCommand: Bool { kind == .isolationApprove || kind == .isolationAbort }

  /// The hatch the command is about, if any.
  public var hatch: HatchID? {
    switch self {
    case .hatchOpen(let id), .hatchClose(let id), .hatchStop(let id), .hatchClearFault(let id): return id
    default: return nil
    }
  }

  /// The drone the command is about, if any.
  public var drone: DroneID? {
    switch self {
    case .droneArm(let id), .droneDisarm(let id), .droneOrder(let id, _): return id
    default: return nil
    }
  }

  /// The station module the command is about, if any (a crew activity's or an alarm
  /// acknowledgement's module; a drone
  /// order's destination is the drone's business, not the command's subject).
  public var module: ModuleID? {
    switch self {
    case .crewActivityStart(let id, _), .crewActivityEnd(let id), .alarmAcknowledge(let id): return id
    default: return nil
    }
  }

  /// The inspection target the command is about, if any.
  public var target: TargetID? {
    switch self {
    case .scanSkip(let id), .scanRequeue(let id): return id
    case .droneOrder(_, .scan(let id, _)): return id
    default: return nil
    }
  }

  /// Whether the command is for the inspection scheduler (the arbiter validates and
  /// audits it, then hands it on through ``CommandArbiter/scanCommands``).
  public var isScanCommand: Bool {
    switch kind {
    case .scanPause, .scanResume, .scanSkip, .scanRequeue: return true
    default: return false
    }
  }

  /// Whether the command is a crew activity (the arbiter validates and audits it, then
  /// hands it to the scheduler's keep-out through ``CommandArbiter/scanCommands``).
  public var isCrewActivityCommand: Bool { kind == .crewActivityStart || kind == .crewActivityEnd }

  /// Parses a command from its name and string arguments (`hatch`, `drone`, `output`,
  /// `pulse_us`, `target`; a drone order's `order`, `module`, `seconds`; a crew activity's or
  /// an alarm acknowledgement's `module`, a crew activity's optional `duration`), as every
  /// link and file carries it: the one parser. `arguments` holds the command's arguments
  /// only (each link strips its own fields: `request_id`, `command`, a scenario's
  /// `principal` and `name`). Throws a ``CommandParseError`` naming the missing, malformed
  /// or unknown argument (one the command does not take, ``CommandKind/argumentNames``).
  public static func parse(name: String, arguments: [String: String]) throws(CommandParseError) -> Command {
    guard let kind = CommandKind.allCases.first(where: { $0.description == name }) else {
      throw CommandParseError(
        "unknown command '\(name)' (known: \(CommandKind.allCases.map(\.description).joined(separator: ", ")))")
    }
    try rejectUnknown(arguments, takes: kind.argumentNames, by: name)
    func id<ID: StationIdentifier>(_ key: String, _: ID.Type) throws(CommandParseError) -> ID {
      guard let text = arguments[key] else { throw CommandParseError("\(name) needs '\(key)'") }
      guard let id = ID(parsing: text) else { throw CommandParseError("'\(text)' is not a valid \(ID.kind) id") }
      return id
    }
    switch kind {
    case .enterSafeMode: return .enterSafeMode
    case .clearSafeMode: return .clearSafeMode
    case .hatchOpen: return .hatchOpen(try id("hatch", HatchID.self))
    case .hatchClose: return .hatchClose(try id("hatch", HatchID.self))
    case .hatchStop: return .hatchStop(try id("hatch", HatchID.self))
    case .hatchClearFault: return .hatchClearFault(try id("hatch", HatchID.self))
    case .droneArm: return .droneArm(try id("drone", DroneID.self))
    case .droneDisarm: return .droneDisarm(try id("drone", DroneID.self))
    case .actuatorPulse:
      guard let text = arguments["output"] else { throw CommandParseError("actuator_pulse needs 'output'") }
      guard let role = BoardRole(parsing: text) else { throw CommandParseError("'\(text)' is not a board role") }
      guard let pulse = arguments["pulse_us"] else { throw CommandParseError("actuator_pulse needs 'pulse_us'") }
      guard let microseconds = Int(pulse), (0...100_000).contains(microseconds) else {
        throw CommandParseError("pulse_us '\(pulse)' is not a whole number of microseconds in 0...100000")
      }
      return .actuatorPulse(role, microseconds: microseconds)
    case .stopAllDrones: return .stopAllDrones
    case .controlRequest: return .controlRequest
    case .controlGrab: return .controlGrab
    case .controlRelease: return .controlRelease
    case .leaseEnd: return .leaseEnd
    case .leaseTake:
      guard let text = arguments["seconds"] else { throw CommandParseError("lease_take needs 'seconds'") }
      guard let seconds = DurationText.seconds(text), seconds > 0, seconds <= 86_400 else {
        throw CommandParseError("lease seconds '\(text)' must be a duration in (0, 24h]")
      }
      return .leaseTake(seconds: seconds)
    case .droneOrder:
      let drone = try id("drone", DroneID.self)
      guard let order = arguments["order"] else { throw CommandParseError("drone_order needs 'order'") }
      if let takes = droneOrderArguments(order: order) {
        try rejectUnknown(arguments, takes: takes, by: "drone_order \(order)")
      }
      switch order {
      case "go_to": return .droneOrder(drone, .goTo(try id("module", ModuleID.self)))
      case "scan":
        let target = try id("target", TargetID.self)
        guard let text = arguments["seconds"] else { throw CommandParseError("drone_order scan needs 'seconds'") }
        guard let seconds = Double(text), seconds.isFinite, seconds > 0, seconds <= 86_400 else {
          throw CommandParseError("seconds '\(text)' is not a scan time in (0, 86400]")
        }
        return .droneOrder(drone, .scan(target, seconds: seconds))
      case "return_to_dock": return .droneOrder(drone, .returnToDock)
      case "hold": return .droneOrder(drone, .hold)
      default:
        throw CommandParseError(
          "unknown drone order '\(order)' (known: \(droneOrderNames.joined(separator: ", ")))")
      }
    case .scanPause: return .scanPause
    case .scanResume: return .scanResume
    case .scanSkip: return .scanSkip(try id("target", TargetID.self))
    case .scanRequeue: return .scanRequeue(try id("target", TargetID.self))
    case .isolationApprove: return .isolationApprove
    case .isolationAbort: return .isolationAbort
    case .crewActivityStart:
      let module = try id("module", ModuleID.self)
      guard let text = arguments["duration"] else { return .crewActivityStart(module, seconds: crewActivityDefaultS) }
      guard let seconds = DurationText.seconds(text), seconds > 0, seconds <= crewActivityLimitS else {
        throw CommandParseError("crew activity duration '\(text)' must be a duration in (0, 12h]")
      }
      return .crewActivityStart(module, seconds: seconds)
    case .crewActivityEnd: return .crewActivityEnd(try id("module", ModuleID.self))
    case .alarmAcknowledge: return .alarmAcknowledge(try id("module", ModuleID.self))
    }
  }

  /// The orders a `drone_order` carries (its `order` argument), in the order docs list them.
  public static let droneOrderNames = ["go_to", "scan", "return_to_dock", "hold"]

  /// The arguments a `drone_order` with this `order` takes, or nil for an unknown order.
  public static func droneOrderArguments(order: String) -> [String]? {
    switch order {
    case "go_to": return ["drone", "order", "module"]
    case "scan": return ["drone", "order", "target", "seconds"]
    case "return_to_dock", "hold": return ["drone", "order"]
    default: return nil
    }
  }

  /// Throws naming the first argument (in name order) that is not in `takes`: a misspelt
  /// argument (`duraton`) must not be dropped silently for a default.
  private static func rejectUnknown(_ arguments: [String: String], takes: [String], by command: String)
    throws(CommandParseError)
  {
    guard let unknown = arguments.keys.sorted().first(where: { !takes.contains($0) }) else { return }
    let known = takes.isEmpty ? "takes no arguments" : "takes: \(takes.joined(separator: ", "))"
    throw CommandParseError("unknown argument '\(unknown)' for \(command) (\(known))")
  }

  /// The command's arguments as `parse(name:arguments:)` reads them.
  public var arguments: [String: String] {
    switch self {
    case .enterSafeMode, .clearSafeMode: return [:]
    case .hatchOpen(let id), .hatchClose(let id), .hatchStop(let id), .hatchClearFault(let id):
      return ["hatch": id.rawValue]
    case .droneArm(let id), .droneDisarm(let id): return ["drone": id.rawValue]
    case .actuatorPulse(let role, let microseconds): return ["output": role.rawValue, "pulse_us": "\(microseconds)"]
    case .stopAllDrones, .controlRequest, .controlGrab, .controlRelease, .leaseEnd: return [:]
    case .leaseTake(let seconds): return ["seconds": DurationText.format(seconds)]
    case .droneOrder(let id, let order):
      switch order {
      case .goTo(let module): return ["drone": id.rawValue, "order": "go_to", "module": module.rawValue]
      case .scan(let target, let seconds):
        return ["drone": id.rawValue, "order": "scan", "target": target.rawValue, "seconds": "\(seconds)"]
      case .returnToDock: return ["drone": id.rawValue, "order": "return_to_dock"]
      case .hold: return ["drone": id.rawValue, "order": "hold"]
      }
    case .scanPause, .scanResume: return [:]
    case .scanSkip(let id), .scanRequeue(let id): return ["target": id.rawValue]
    case .isolationApprove, .isolationAbort: return [:]
    case .crewActivityStart(let id, let seconds):
      return ["module": id.rawValue, "duration": DurationText.format(seconds)]
    case .crewActivityEnd(let id): return ["module": id.rawValue]
    case .alarmAcknowledge(let id): return ["module": id.rawValue]
    }
  }
}

/// A command that could not be parsed; `message` says which argument and why.
public struct CommandParseError: Error, Sendable, Hashable, CustomStringConvertible {
  public var message: String
  public init(_ message: String) { self.message = message }
  public var description: String { message }
}

/// A command as it travels to the arbiter: who sent it and the id its response carries.
public struct CommandRequest: Sendable, Hashable {
  /// Chosen by the sender; echoed in the response and in every event about it.
  public var id: UInt64
  public var principal: Principal
  public var command: Command

  public init(id: UInt64, principal: Principal, command: Command) {
    self.id = id
    self.principal = principal
    self.command = command
  }
}

/// Why a command was rejected (the flight-software response codes).
public enum RejectionCode: UInt8, Sendable, Hashable, CaseIterable, CustomStringConvertible {
  /// The command could not be decoded.
  case format = 1
  /// It names something that does not exist, or a value outside its limits.
  case validation
  /// The principal may not send it now.
  case authority
  /// It was valid and allowed, but carrying it out failed (a faulted hatch, a device).
  case execution
  /// The controller cannot take it now (queue full, audit channel without room).
  case busy

  public var description: String {
    switch self {
    case .format: return "format"
    case .validation: return "validation"
    case .authority: return "authority"
    case .execution: return "execution"
    case .busy: return "busy"
    }
  }
}

/// What a `validation` rejection found missing: the kind of id the command named that
/// this station (or board) does not have. The arbiter gives it with the rejection so
/// that a link, which knows the command, can name the value (`no such hatch 'nowhere'`)
/// without reading the reason's text.
public enum UnknownID: Sendable, Hashable, CaseIterable {
  case hatch, drone, target, module, pwmOutput

  /// The rejection's reason: `no such hatch` and so on.
  public var reason: StaticString {
    switch self {
    case .hatch: return "no such hatch"
    case .drone: return "no such drone"
    case .target: return "no such target"
    case .module: return "no such module"
    case .pwmOutput: return "no such PWM output"
    }
  }

  /// The value of this kind that `command` names (nil: it names none).
  public func value(in command: Command) -> String? {
    switch self {
    case .hatch: return command.hatch?.rawValue
    case .drone: return command.drone?.rawValue
    case .target: return command.target?.rawValue
    case .module: return command.module?.rawValue
    case .pwmOutput:
      if case .actuatorPulse(let role, _) = command { return role.rawValue }
      return nil
    }
  }
}

/// The response to every command: `ok`, or rejected with a code and a reason.
public struct CommandResponse: Sendable, Hashable, CustomStringConvertible {
  public enum Result: Sendable, Hashable {
    case ok
    case rejected(RejectionCode, reason: StaticString)

    public static func == (lhs: Result, rhs: Result) -> Bool {
      switch (lhs, rhs) {
      case (.ok, .ok): return true
      case (.rejected(let a, let ra), .rejected(let b, let rb)): return a == b && "\(ra)" == "\(rb)"
      default: return false
      }
    }
    public func hash(into hasher: inout Hasher) {
      switch self {
      case .ok: hasher.combine(0)
      case .rejected(let code, _): hasher.combine(code)
      }
    }
  }

  public var requestID: UInt64
  public var result: Result
  /// For a rejection because the command named an id that does not exist: which kind
  /// (its reason is `unknownID.reason`); nil otherwise.
  public var unknownID: UnknownID?

  public init(requestID: UInt64, result: Result, unknownID: UnknownID? = nil) {
    self.requestID = requestID
    self.result = result
    self.unknownID = unknownID
  }

  /// The rejection code, or nil for `ok`.
  public var rejection: RejectionCode? {
    if case .rejected(let code, _) = result { return code }
    return nil
  }

  public var description: String {
    switch result {
    case .ok: return "#\(requestID) ok"
    case .rejected(let code, let reason): return "#\(requestID) \(code): \(reason)"
    }
  }
}
