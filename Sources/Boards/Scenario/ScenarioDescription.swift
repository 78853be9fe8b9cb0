import Station

/// A simulation scenario as loaded from its file (format: docs/scenario-format.md): a
/// timeline of injected events and the expectations a run must meet. Every id in it has
/// been checked against the station it was loaded for; commands and event names against
/// the controller's vocabulary (``ScenarioVocabulary``).
public struct ScenarioDescription: Hashable, Sendable {
  /// The schema version this program reads.
  public static let schemaVersion = 1
  /// The scenario start used when the file gives none: 2030-01-01T00:00:00Z, in
  /// nanoseconds since 1970. A simulated run's wall clock starts here, never at the real
  /// time, so two runs give the same records byte for byte.
  public static let defaultStartUTCNanoseconds: Int64 = 1_893_456_000_000_000_000

  public var name: String
  /// The file it was read from (for messages).
  public var file: String
  public var summary: String
  /// The seed when the command line gives none.
  public var seed: UInt64
  /// How long to run, s, when the command line gives no duration.
  public var durationS: Double
  /// The wall-clock time at simulated time 0, nanoseconds since 1970 (UTC).
  public var startUTCNanoseconds: Int64
  public var physics: PhysicsSettings
  /// Injected events in time order (stable for equal times: file order).
  public var timeline: [TimedAction]
  public var expectations: [Expectation]

  public init(
    name: String, file: String, summary: String = "", seed: UInt64 = 1, durationS: Double = 3_600,
    startUTCNanoseconds: Int64 = defaultStartUTCNanoseconds, physics: PhysicsSettings = PhysicsSettings(),
    timeline: [TimedAction] = [], expectations: [Expectation] = []
  ) {
    self.name = name
    self.file = file
    self.summary = summary
    self.seed = seed
    self.durationS = durationS
    self.startUTCNanoseconds = startUTCNanoseconds
    self.physics = physics
    self.timeline = timeline
    self.expectations = expectations
  }

  /// Overrides of the simulation's physical defaults (nil: the default).
  public struct PhysicsSettings: Hashable, Sendable {
    /// Thermal cycle amplitude, K (0...1).
    public var thermalAmplitudeK: Double?
    /// Thermal cycle period, s.
    public var thermalPeriodS: Double?
    /// Background loss, percent of each module's gas per day.
    public var backgroundLossPctPerDay: Double?
    /// Pressure noise of every sensor, Pa RMS.
    public var noisePa: Double?
    /// Every module's pressure at the start, Pa.
    public var initialPressurePa: Double?
    /// Hatches closed at the start (every other hatch starts open).
    public var closedHatches: [HatchID]
    /// A repressurisation tank feeding one module.
    public var supply: Supply?
    public init(
      thermalAmplitudeK: Double? = nil, thermalPeriodS: Double? = nil, backgroundLossPctPerDay: Double? = nil,
      noisePa: Double? = nil, initialPressurePa: Double? = nil, closedHatches: [HatchID] = [], supply: Supply? = nil
    ) {
      self.thermalAmplitudeK = thermalAmplitudeK
      self.thermalPeriodS = thermalPeriodS
      self.backgroundLossPctPerDay = backgroundLossPctPerDay
      self.noisePa = noisePa
      self.initialPressurePa = initialPressurePa
      self.closedHatches = closedHatches
      self.supply = supply
    }
  }

  /// A repressurisation tank.
  public struct Supply: Hashable, Sendable {
    public var module: ModuleID
    public var belowPa: Double
    public var toPa: Double
    public var rateKgPerH: Double
    public var tankKg: Double
    public init(module: ModuleID, belowPa: Double, toPa: Double, rateKgPerH: Double, tankKg: Double) {
      self.module = module
      self.belowPa = belowPa
      self.toPa = toPa
      self.rateKgPerH = rateKgPerH
      self.tankKg = tankKg
    }
  }

  /// One injected event at a simulated time.
  public struct TimedAction: Hashable, Sendable {
    /// Seconds after the start.
    public var atS: Double
    public var action: Action
    /// The file line of the entry.
    public var line: Int
    public init(atS: Double, action: Action, line: Int = 0) {
      self.atS = atS
      self.action = action
      self.line = line
    }
  }

  /// The size of a leak.
  public enum LeakSize: Hashable, Sendable {
    /// A hole to vacuum, mm^2.
    case holeMM2(Double)
    /// A loss of this percentage of the module's gas per hour.
    case percentPerHour(Double)
  }

  /// A sensor fault.
  public enum SensorFault: Hashable, Sendable {
    /// The reading freezes (inputs and noise stop).
    case stuck
    /// The offset grows by this many Pa per hour from now on.
    case drift(paPerHour: Double)
    /// The offset moves linearly to `toPa` over `overS` seconds, then stays.
    case ramp(toPa: Double, overS: Double)
    /// Spikes of `sizePa` (either sign) at random conversions, `perMinute` on average.
    case spikes(sizePa: Double, perMinute: Double)
    /// The sensor leaves its bus (for `forS` seconds, or for good when nil).
    case dropout(forS: Double?)
    /// The chip resets itself (configuration lost; the driver must re-initialise it).
    case reset
    /// The sensor reads `byPa` away from its twin from now on (an offset step).
    case disagree(byPa: Double)
  }

  /// What a drone is told over its mission link.
  public enum DroneOrder: Hashable, Sendable {
    case goTo(ModuleID)
    case scan(TargetID)
    case returnToDock
    case hold
  }

  /// A drone failure.
  public enum DroneFailure: String, Hashable, Sendable, CaseIterable {
    /// Propulsion lost: it cannot fly whatever its thrust channels say.
    case propulsion
    /// The mission link stops answering.
    case link
    /// The battery is flat.
    case battery
  }

  /// An injected event.
  public enum Action: Hashable, Sendable {
    case leak(ModuleID, LeakSize)
    /// Every leak of the module is sealed (a patch).
    case sealLeak(ModuleID)
    case sensorFault(SensorRole, SensorFault)
    /// A temperature set-point step, K (nil module: every module).
    case thermalStep(ModuleID?, deltaK: Double)
    case hatchJam(HatchID)
    case hatchFree(HatchID)
    case crewMove(from: ModuleID, to: ModuleID, count: Int)
    /// A command from a principal, as a link carries it: the command's name and string
    /// arguments (parsed by the controller's one command parser) and the principal's name.
    case command(principal: String, name: String, arguments: [String: String])
    case droneOrder(DroneID, DroneOrder)
    case droneFailure(DroneID, DroneFailure)
    /// The crew throw (true) or release (false) the physical crew override switch: the
    /// simulation drives the board's override input line (docs/authority.md).
    case crewOverride(active: Bool)
    /// Leak evidence handed to the inspection scheduler as the leak detector would (a
    /// `leak_trend`, or an alarm from localisation naming the module).
    case leakEvidence(ModuleID, LeakEvidenceKind)
  }

  /// The kind of leak evidence a `leak_evidence` action gives the scheduler.
  public enum LeakEvidenceKind: String, Hashable, Sendable, CaseIterable {
    /// Pressure in the module falls faster than its background loss.
    case trend
    /// Leak localisation named the module.
    case alarm
  }

  /// Which events an expectation is about: every field given must match.
  public struct EventFilter: Hashable, Sendable {
    /// The event's snake_case name.
    public var event: String
    public var module: ModuleID?
    public var sensor: SensorRole?
    public var hatch: HatchID?
    public var drone: DroneID?
    public var principal: String?
    public var command: String?
    public var rejection: String?
    public init(
      event: String, module: ModuleID? = nil, sensor: SensorRole? = nil, hatch: HatchID? = nil,
      drone: DroneID? = nil, principal: String? = nil, command: String? = nil, rejection: String? = nil
    ) {
      self.event = event
      self.module = module
      self.sensor = sensor
      self.hatch = hatch
      self.drone = drone
      self.principal = principal
      self.command = command
      self.rejection = rejection
    }
  }

  /// A hatch's position for a physical expectation.
  public enum HatchPosition: String, Hashable, Sendable, CaseIterable {
    case open
    case closed
  }

  /// What a run must show.
  public enum Condition: Hashable, Sendable {
    /// At least one matching event at or after `afterS` and before `beforeS`.
    case event(EventFilter, afterS: Double, beforeS: Double)
    /// No matching event from `fromS` until `untilS` (nil: the end of the run).
    case noEvent(EventFilter, fromS: Double, untilS: Double?)
    /// At `atS`, the module's true pressure is above (or below) `pascals`.
    case pressure(ModuleID, above: Bool, pascals: Double, atS: Double)
    /// At `atS`, the hatch is fully open or fully closed.
    case hatch(HatchID, HatchPosition, atS: Double)
    /// At `atS`, the drone is in the module (not between modules).
    case droneIn(DroneID, ModuleID, atS: Double)
  }

  /// One expectation with the line it came from and a one-line summary.
  public struct Expectation: Hashable, Sendable, CustomStringConvertible {
    public var condition: Condition
    public var line: Int
    public var text: String
    public init(condition: Condition, line: Int = 0, text: String) {
      self.condition = condition
      self.line = line
      self.text = text
    }
    public var description: String { text }
  }
}

/// What a scenario may name beyond the station: the controller's event names, principals
/// and commands. The simulation supplies it from the controller's own types, so the
/// loader checks a scenario with the one command parser without Boards depending on the
/// controller.
public struct ScenarioVocabulary: Sendable {
  /// Every event name (snake_case).
  public var eventNames: [String]
  /// Every principal name (snake_case).
  public var principals: [String]
  /// Every rejection code name.
  public var rejections: [String]
  /// Checks a command; returns why it is malformed, or nil.
  public var checkCommand: @Sendable (_ name: String, _ arguments: [String: String]) -> String?

  public init(
    eventNames: [String], principals: [String], rejections: [String],
    checkCommand: @escaping @Sendable (String, [String: String]) -> String?
  ) {
    self.eventNames = eventNames
    self.principals = principals
    self.rejections = rejections
    self.checkCommand = checkCommand
  }
}
