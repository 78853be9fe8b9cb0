/// Everything a station file says: what the controller watches and drives, in station
/// terms, bound to board roles. The same for every controller unit of that station; the
/// board file is the wiring of one computer.
///
/// Produced only by the station loader (`StationLoader` in the Boards target), so every
/// value here has been validated: ids are unique, references resolve, numbers are finite
/// and in range, every module has at least two pressure sensors, the module graph is
/// connected and one module holds the return vehicle. Format: docs/station-format.md.
public struct StationDescription: Hashable, Sendable {
  /// Schema version this program reads.
  public static let schemaVersion = 1

  /// The station's name (`name:`).
  public var name: String
  /// The file the station was read from (or the pseudo name given to the loader).
  public var file: String
  /// Modules in file order.
  public var modules: [Module]
  /// Hatches in file order.
  public var hatches: [Hatch]
  public var crew: Crew
  /// Part batches by id.
  public var batches: [BatchID: Batch]
  /// Inspection targets in file order.
  public var targets: [Target]
  /// Drones in file order.
  public var drones: [Drone]
  /// What the controller does when modules go blind (all their sensors stale or excluded).
  public var blindPolicy: BlindPolicy
  /// The 1-based line of each key in the file, by dotted key path (`modules.2.sensors.1`;
  /// list items by index), so checks made after loading (binding to a board) can name
  /// the line. Empty for stations built in code.
  public var sourceLines: [String: Int]

  public init(
    name: String, file: String, modules: [Module], hatches: [Hatch], crew: Crew, batches: [BatchID: Batch],
    targets: [Target], drones: [Drone], blindPolicy: BlindPolicy = .safeModeWhenAllBlind,
    sourceLines: [String: Int] = [:]
  ) {
    self.name = name
    self.file = file
    self.modules = modules
    self.hatches = hatches
    self.crew = crew
    self.batches = batches
    self.targets = targets
    self.drones = drones
    self.blindPolicy = blindPolicy
    self.sourceLines = sourceLines
  }

  /// One pressurised module.
  public struct Module: Hashable, Sendable {
    public var id: ModuleID
    /// Free gas volume, m^3.
    public var volumeM3: Double
    /// Nominal air temperature, degrees C.
    public var nominalTemperatureC: Double
    /// Position of the module's centre in the station frame, metres (x, y, z).
    public var positionM: [Double]
    /// Board roles of the module's pressure sensors (two or more: they vote).
    public var sensors: [SensorRole]
    /// Whether the crew's return vehicle is docked here.
    public var returnVehicle: Bool

    public init(
      id: ModuleID, volumeM3: Double, nominalTemperatureC: Double, positionM: [Double], sensors: [SensorRole],
      returnVehicle: Bool
    ) {
      self.id = id
      self.volumeM3 = volumeM3
      self.nominalTemperatureC = nominalTemperatureC
      self.positionM = positionM
      self.sensors = sensors
      self.returnVehicle = returnVehicle
    }
  }

  /// One hatch between two modules, driven and sensed through the board roles
  /// `ROLE.open`, `ROLE.close` (outputs) and `ROLE.open_sensor`, `ROLE.closed_sensor`
  /// (inputs).
  public struct Hatch: Hashable, Sendable {
    public var id: HatchID
    /// The two modules it joins (distinct).
    public var between: [ModuleID]
    /// Role prefix of its drive lines and position sensors.
    public var role: BoardRole
    /// Full travel time, seconds (the move timeout is derived from it).
    public var travelS: Double

    public init(id: HatchID, between: [ModuleID], role: BoardRole, travelS: Double) {
      self.id = id
      self.between = between
      self.role = role
      self.travelS = travelS
    }

    public var openRole: BoardRole { role.appending("open") }
    public var closeRole: BoardRole { role.appending("close") }
    public var openSensorRole: BoardRole { role.appending("open_sensor") }
    public var closedSensorRole: BoardRole { role.appending("closed_sensor") }
  }

  /// Where the crew are and how they override.
  public struct Crew: Hashable, Sendable {
    /// Modules where crew members are at start.
    public var modules: [ModuleID]
    /// The board role of the physical crew override switch (a GPIO input).
    public var overrideRole: BoardRole

    public init(modules: [ModuleID], overrideRole: BoardRole) {
      self.modules = modules
      self.overrideRole = overrideRole
    }
  }

  /// A batch of parts from one supplier.
  public struct Batch: Hashable, Sendable {
    public var supplier: String
    /// Provenance flags (`no-bid`, `falsified-records`, or others the file names).
    public var flags: [String]

    public init(supplier: String, flags: [String]) {
      self.supplier = supplier
      self.flags = flags
    }
  }

  /// A seal or a weld.
  public enum TargetKind: String, Hashable, Sendable, CaseIterable {
    case seal
    case weld
  }

  /// The severity of a target's last inspection finding.
  public enum Finding: String, Hashable, Sendable, CaseIterable, Comparable {
    case none
    case minor
    case major

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rank < rhs.rank }
    private var rank: Int {
      switch self {
      case .none: return 0
      case .minor: return 1
      case .major: return 2
      }
    }
  }

  /// One inspection target.
  public struct Target: Hashable, Sendable {
    public var id: TargetID
    public var kind: TargetKind
    public var module: ModuleID
    /// The hatch a seal belongs to (seals only, optional).
    public var hatch: HatchID?
    /// Inspection interval, hours.
    public var intervalH: Double
    public var batch: BatchID
    /// Hours since the last inspection, at the time the file was written.
    public var lastInspectedHAgo: Double
    public var lastFinding: Finding

    public init(
      id: TargetID, kind: TargetKind, module: ModuleID, hatch: HatchID?, intervalH: Double, batch: BatchID,
      lastInspectedHAgo: Double, lastFinding: Finding
    ) {
      self.id = id
      self.kind = kind
      self.module = module
      self.hatch = hatch
      self.intervalH = intervalH
      self.batch = batch
      self.lastInspectedHAgo = lastInspectedHAgo
      self.lastFinding = lastFinding
    }
  }

  /// One inspection drone.
  public struct Drone: Hashable, Sendable {
    public var id: DroneID
    /// The module whose dock it charges at.
    public var dock: ModuleID
    /// Board role of its arming line (a GPIO output).
    public var armRole: BoardRole
    /// Board roles of its thrust channels (PWM outputs armed by `armRole`).
    public var thrustRoles: [BoardRole]
    /// Battery capacity, Wh.
    public var batteryWh: Double
    /// Cruise speed, m/s.
    public var speedMS: Double
    /// Scan duration by target kind, seconds.
    public var scanS: [TargetKind: Double]

    public init(
      id: DroneID, dock: ModuleID, armRole: BoardRole, thrustRoles: [BoardRole], batteryWh: Double, speedMS: Double,
      scanS: [TargetKind: Double]
    ) {
      self.id = id
      self.dock = dock
      self.armRole = armRole
      self.thrustRoles = thrustRoles
      self.batteryWh = batteryWh
      self.speedMS = speedMS
      self.scanS = scanS
    }
  }

  /// When blind modules latch safe mode (`stale_data.safe_mode:` in the file).
  public enum BlindPolicy: String, Hashable, Sendable, CaseIterable {
    /// Only when no module can be watched (default).
    case safeModeWhenAllBlind = "when-all-blind"
    /// As soon as any module is blind.
    case safeModeWhenAnyBlind = "when-any-blind"
    /// Never: `module_blind` events only.
    case never
  }
}

extension StationDescription {
  /// The module with `id`, if any.
  public func module(_ id: ModuleID) -> Module? { modules.first { $0.id == id } }
  /// The hatch with `id`, if any.
  public func hatch(_ id: HatchID) -> Hatch? { hatches.first { $0.id == id } }
  /// The drone with `id`, if any.
  public func drone(_ id: DroneID) -> Drone? { drones.first { $0.id == id } }
  /// The target with `id`, if any.
  public func target(_ id: TargetID) -> Target? { targets.first { $0.id == id } }
  /// The module holding the return vehicle (the loader guarantees one).
  public var returnVehicleModules: [ModuleID] { modules.filter(\.returnVehicle).map(\.id) }
  /// The line of the key at dotted `keyPath`, or of its nearest parent in
  /// ``sourceLines``; 0 when unknown.
  public func line(of keyPath: String) -> Int {
    var path = keyPath
    while !path.isEmpty {
      if let line = sourceLines[path] { return line }
      guard let dot = path.lastIndex(of: ".") else { break }
      path = String(path[..<dot])
    }
    return 0
  }
  /// The module a pressure sensor belongs to.
  public func module(ofSensor role: SensorRole) -> ModuleID? {
    modules.first { $0.sensors.contains(role) }?.id
  }
}
