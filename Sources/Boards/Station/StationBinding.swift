import Station

/// A station bound to a board: every role the station names exists on the board with
/// the kind and direction its use needs, and no role is used twice. Built once at start
/// (`cloak stations validate STATION --board BOARD` checks the same), it gives the
/// controller assembly typed lookups from station ids to board roles, and the board
/// roles the station leaves to the assembly (`status.led`, `actuator.power_enable`, ...).
///
/// The rules (docs/station-format.md, "Binding"):
/// - a module's sensors are I2C devices of a pressure kind (bmp280, bme280, ms5611);
/// - a hatch's `ROLE.open` and `ROLE.close` are GPIO outputs, `ROLE.open_sensor` and
///   `ROLE.closed_sensor` GPIO inputs;
/// - the crew override role is a GPIO input;
/// - a drone's `arm_role` is a GPIO output, its thrust roles PWM outputs whose
///   `arming:` is that arm role;
/// - no role is used twice by the station.
public struct StationBinding: Sendable {
  public let station: StationDescription
  public let board: BoardDescription

  /// One module's pressure sensors.
  public struct ModuleRoles: Hashable, Sendable {
    public let module: ModuleID
    /// I2C pressure-sensor roles, in station-file order (two or more).
    public let sensors: [SensorRole]
  }

  /// One hatch's drive outputs and position-sensor inputs.
  public struct HatchRoles: Hashable, Sendable {
    public let hatch: HatchID
    /// The two modules it joins.
    public let between: [ModuleID]
    /// GPIO outputs.
    public let open: BoardRole
    public let close: BoardRole
    /// GPIO inputs.
    public let openSensor: BoardRole
    public let closedSensor: BoardRole
  }

  /// One drone's arm line and thrust outputs.
  public struct DroneRoles: Hashable, Sendable {
    public let drone: DroneID
    /// GPIO output that arms the thrust outputs.
    public let arm: BoardRole
    /// PWM outputs armed by ``arm``.
    public let thrust: [BoardRole]
  }

  /// Board roles the station does not name, by section, each sorted.
  public struct UnusedRoles: Hashable, Sendable {
    public let gpioOutputs: [BoardRole]
    public let gpioInputs: [BoardRole]
    public let pwmOutputs: [BoardRole]
    /// I2C devices (PWM controllers, sensors the station does not place in a module).
    public let i2cDevices: [BoardRole]
    /// All of them, sorted.
    public var all: [BoardRole] { (gpioOutputs + gpioInputs + pwmOutputs + i2cDevices).sorted() }
  }

  /// In station-file order.
  public let modules: [ModuleRoles]
  public let hatches: [HatchRoles]
  public let drones: [DroneRoles]
  /// The crew override switch (a GPIO input).
  public let overrideRole: BoardRole
  public let unused: UnusedRoles

  /// Binds `station` to `board`.
  /// - Throws: ``BoardLoadError`` listing every mismatch, each located in the station
  ///   file (`FILE:LINE: KEY.PATH: message`): `.missingRole` (the board lacks the role),
  ///   `.roleMismatch` (wrong section, direction or device kind), `.armingMismatch` (a
  ///   thrust output not armed by its drone's arm role), `.roleConflict` (a role used
  ///   twice by the station).
  public init(station: StationDescription, board: BoardDescription) throws(BoardLoadError) {
    let diagnostics = Diagnostics(file: station.file)
    StationChecks(station: station, diagnostics: diagnostics).checkRoleConflicts()
    let uses = station.roleUses
    for use in uses { Self.check(use, on: board, station: station, diagnostics) }
    guard diagnostics.errors.isEmpty else { throw BoardLoadError(errors: diagnostics.sortedErrors) }

    self.station = station
    self.board = board
    modules = station.modules.map { ModuleRoles(module: $0.id, sensors: $0.sensors) }
    hatches = station.hatches.map {
      HatchRoles(
        hatch: $0.id, between: $0.between, open: $0.openRole, close: $0.closeRole, openSensor: $0.openSensorRole,
        closedSensor: $0.closedSensorRole)
    }
    drones = station.drones.map { DroneRoles(drone: $0.id, arm: $0.armRole, thrust: $0.thrustRoles) }
    overrideRole = station.crew.overrideRole
    let used = Set(uses.map(\.role.rawValue))
    func notUsed(_ roles: some Sequence<String>) -> [BoardRole] {
      roles.filter { !used.contains($0) }.sorted().map(BoardRole.init(unchecked:))
    }
    unused = UnusedRoles(
      gpioOutputs: notUsed(board.lines.values.filter { $0.direction == .output }.map(\.role)),
      gpioInputs: notUsed(board.lines.values.filter { $0.direction == .input }.map(\.role)),
      pwmOutputs: notUsed(board.pwmOutputs.keys), i2cDevices: notUsed(board.i2cDevices.keys))
  }

  /// The sensors of `module` (empty for an unknown module).
  public func sensors(of module: ModuleID) -> [SensorRole] {
    modules.first { $0.module == module }?.sensors ?? []
  }

  /// The module a sensor role belongs to.
  public func module(ofSensor role: SensorRole) -> ModuleID? {
    modules.first { $0.sensors.contains(role) }?.module
  }

  /// The roles of `hatch`, if the station has it.
  public func roles(of hatch: HatchID) -> HatchRoles? { hatches.first { $0.hatch == hatch } }

  /// The roles of `drone`, if the station has it.
  public func roles(of drone: DroneID) -> DroneRoles? { drones.first { $0.drone == drone } }

  /// What `role` is on `board`, for messages (`a GPIO input`, `a pca9685`); `nil` if absent.
  static func describe(_ role: String, on board: BoardDescription) -> String? {
    if let line = board.lines[role] { return "a GPIO \(line.direction.rawValue)" }
    if board.pwmOutputs[role] != nil { return "a PWM output" }
    if let device = board.i2cDevices[role] { return "an I2C \(device.kind.rawValue)" }
    return nil
  }

  private static func check(
    _ use: StationRoleUse, on board: BoardDescription, station: StationDescription, _ diagnostics: Diagnostics
  ) {
    let role = use.role.rawValue
    let boardName = "board '\(board.name)'"
    let wanted: String
    let fits: Bool
    switch use.need {
    case .pressureSensor:
      let kinds = I2CDeviceKind.allCases.filter(\.isPressureSensor).map(\.rawValue).joined(separator: ", ")
      wanted = "an I2C pressure sensor (\(kinds))"
      fits = board.i2cDevices[role]?.kind.isPressureSensor == true
    case .gpioOutput:
      wanted = "a GPIO output"
      fits = board.lines[role]?.direction == .output
    case .gpioInput:
      wanted = "a GPIO input"
      fits = board.lines[role]?.direction == .input
    case .pwmOutput:
      wanted = "a PWM output"
      fits = board.pwmOutputs[role] != nil
    }
    let path = use.keyPath.split(separator: ".").map(String.init)
    let line = station.line(of: use.keyPath)
    guard fits else {
      if let found = describe(role, on: board) {
        diagnostics.report(
          .roleMismatch, line: line, path: path,
          "'\(role)' is \(found) on \(boardName); the \(use.purpose) must be \(wanted)")
      } else {
        diagnostics.report(
          .missingRole, line: line, path: path,
          "\(boardName) has no role '\(role)'; the \(use.purpose) must be \(wanted)")
      }
      return
    }
    if case .pwmOutput(let arm) = use.need, let output = board.pwmOutputs[role], output.arming != arm.rawValue {
      let actual = output.arming.map { "by '\($0)'" } ?? "by nothing"
      diagnostics.report(
        .armingMismatch, line: line, path: path,
        "'\(role)' is armed \(actual) on \(boardName); the \(use.purpose) must be armed by its arm role '\(arm)'")
    }
  }
}
