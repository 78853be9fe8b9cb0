import Station
import Yams

/// Turns a composed YAML tree into a ``StationDescription``, reporting every schema and
/// reference problem to `diagnostics`. Kinds are read in dependency order (modules,
/// hatches, crew, batches, targets, drones), whatever their order in the file, so every
/// reference can be resolved when it is read. Whole-station rules (return vehicle,
/// connectivity, roles used twice) are checked afterwards by ``StationChecks``.
struct StationParser {
  let diagnostics: Diagnostics

  static let topLevelKeys = [
    "version", "name", "description", "modules", "hatches", "crew", "batches", "targets", "drones", "stale_data",
  ]
  static let moduleKeys = [
    "id", "volume_m3", "nominal_temperature_c", "position_m", "sensors", "return_vehicle", "description",
  ]
  static let hatchKeys = ["id", "between", "role", "travel_s", "description"]
  static let crewKeys = ["modules", "override_role"]
  static let batchKeys = ["supplier", "flags", "description"]
  static let targetKeys = [
    "id", "kind", "module", "hatch", "interval_h", "batch", "last_inspected_h_ago", "last_finding", "description",
  ]
  static let droneKeys = [
    "id", "dock", "arm_role", "thrust_roles", "battery_wh", "speed_m_s", "scan_s", "description",
  ]
  /// A crewed cabin's air, degrees C: a value outside is a unit slip (kelvin, fahrenheit).
  static let cabinTemperatureRangeC = 0.0...50.0

  /// Ids seen so far of one kind, with the line of the first declaration.
  struct IDTable<ID: StationIdentifier> {
    var firstLine: [ID: Int] = [:]

    /// Records `id` read at `place`; reports `.duplicateID` if it was declared before.
    mutating func declare(_ id: ID, at place: Located, _ diagnostics: Diagnostics) {
      if let first = firstLine[id] {
        diagnostics.report(.duplicateID, at: place, "\(ID.kind) '\(id)' is declared twice (first at line \(first))")
      } else {
        firstLine[id] = place.line
      }
    }

    func contains(_ id: ID) -> Bool { firstLine[id] != nil }
  }

  private(set) var modules = IDTable<ModuleID>()
  private(set) var hatches = IDTable<HatchID>()
  private(set) var drones = IDTable<DroneID>()
  private(set) var targets = IDTable<TargetID>()
  private(set) var batches = IDTable<BatchID>()
  /// The modules each hatch joins, for checking the seals on it.
  private var hatchEnds: [HatchID: [ModuleID]] = [:]

  init(diagnostics: Diagnostics) { self.diagnostics = diagnostics }

  /// Parses the document; `nil` when it is too broken to describe a station (not a
  /// mapping, version missing or unsupported).
  mutating func parse(_ root: Node) -> StationDescription? {
    let place = Located(node: root, path: [], line: root.mark?.line ?? 1)
    guard let top = MappingReader(place, diagnostics) else { return nil }
    // The version decides what every other key means: nothing else is read from a file
    // whose version is missing or unknown.
    guard let versionPlace = top.required("version"), let version = versionPlace.integer(diagnostics, in: 0...Int.max)
    else { return nil }
    guard version == StationDescription.schemaVersion else {
      diagnostics.report(
        .unsupportedVersion, at: versionPlace,
        "schema version \(version) is not supported (this program reads version \(StationDescription.schemaVersion))"
      )
      return nil
    }
    top.rejectUnknown(allowed: Self.topLevelKeys)
    let name = top.required("name")?.string(diagnostics) ?? ""
    _ = top["description"]?.string(diagnostics)

    let modules = parseModules(top.required("modules"))
    let hatches = parseHatches(top.required("hatches"))
    let crew = parseCrew(top.required("crew"))
    let batches = parseBatches(top.required("batches"))
    let targets = parseTargets(top.required("targets"))
    let drones = parseDrones(top.required("drones"))
    let policy = parseStaleData(top["stale_data"])
    // A crew section that did not parse has been reported; there is no station without one.
    guard let crew else { return nil }
    return StationDescription(
      name: name, file: diagnostics.file, modules: modules, hatches: hatches, crew: crew, batches: batches,
      targets: targets, drones: drones, blindPolicy: policy, sourceLines: diagnostics.recordedLines)
  }

  /// The items of a list under a top-level key, each read as a mapping with `allowed`
  /// keys; the item's line is recorded under its index path.
  func entries(_ place: Located?, allowed: [String]) -> [MappingReader] {
    guard let place, let items = place.items(diagnostics) else { return [] }
    return items.compactMap { item in
      diagnostics.record(path: item.path, line: item.line)
      guard let reader = MappingReader(item, diagnostics) else { return nil }
      reader.rejectUnknown(allowed: allowed)
      _ = reader["description"]?.string(diagnostics)
      return reader
    }
  }

  /// Reads the item's `id` as an id of the kind `table` holds and declares it there.
  static func declaredID<ID: StationIdentifier>(
    _ reader: MappingReader, _ table: inout IDTable<ID>, _ diagnostics: Diagnostics
  ) -> ID? {
    guard let place = reader.required("id"), let id = place.id(diagnostics, ID.self) else { return nil }
    table.declare(id, at: place, diagnostics)
    return id
  }

  /// Reads `place` as a reference to an id declared in `table`; `.unknownReference`
  /// when there is none. `section` names where such ids are declared.
  func reference<ID: StationIdentifier>(_ place: Located?, in table: IDTable<ID>, section: String) -> ID? {
    guard let place, let id = place.id(diagnostics, ID.self) else { return nil }
    guard table.contains(id) else {
      diagnostics.report(.unknownReference, at: place, "no \(ID.kind) '\(id)' under \(section)")
      return nil
    }
    return id
  }

  /// A list of board roles; `nil` unless every item is a valid role.
  func roles(_ place: Located?) -> [BoardRole]? {
    guard let place, let items = place.items(diagnostics) else { return nil }
    var roles: [BoardRole] = []
    for item in items {
      diagnostics.record(path: item.path, line: item.line)
      if let role = item.role(diagnostics) { roles.append(role) }
    }
    return roles.count == items.count ? roles : nil
  }

  private mutating func parseModules(_ place: Located?) -> [StationDescription.Module] {
    var result: [StationDescription.Module] = []
    for reader in entries(place, allowed: Self.moduleKeys) {
      let id = Self.declaredID(reader, &modules, diagnostics)
      let volume = reader.required("volume_m3")?.number(diagnostics, .positive)
      let temperature = reader.required("nominal_temperature_c")?.number(
        diagnostics, .within(Self.cabinTemperatureRangeC))
      let position = parsePosition(reader.required("position_m"))
      let sensorsPlace = reader.required("sensors")
      let sensors = roles(sensorsPlace)
      if let sensors, let sensorsPlace, sensors.count < 2 {
        diagnostics.report(
          .tooFewSensors, at: sensorsPlace,
          "a module needs at least two pressure sensors so they can vote (found \(sensors.count))")
      }
      var returnVehicle: Bool? = false
      if let flag = reader["return_vehicle"] { returnVehicle = flag.bool(diagnostics) }
      guard let id, let volume, let temperature, let position, let sensors, sensors.count >= 2, let returnVehicle
      else { continue }
      result.append(
        StationDescription.Module(
          id: id, volumeM3: volume, nominalTemperatureC: temperature, positionM: position, sensors: sensors,
          returnVehicle: returnVehicle))
    }
    return result
  }

  /// `[x, y, z]` in metres: exactly three finite numbers.
  private func parsePosition(_ place: Located?) -> [Double]? {
    guard let place, let items = place.items(diagnostics) else { return nil }
    guard items.count == 3 else {
      diagnostics.report(
        .badValue, line: place.valueLine, path: place.path,
        "position_m is [x, y, z] in metres: 3 numbers, found \(items.count)")
      return nil
    }
    let values = items.compactMap { $0.number(diagnostics, .finite) }
    return values.count == 3 ? values : nil
  }

  private mutating func parseHatches(_ place: Located?) -> [StationDescription.Hatch] {
    var result: [StationDescription.Hatch] = []
    for reader in entries(place, allowed: Self.hatchKeys) {
      let id = Self.declaredID(reader, &hatches, diagnostics)
      var between: [ModuleID]?
      if let betweenPlace = reader.required("between"), let items = betweenPlace.items(diagnostics) {
        if items.count != 2 {
          diagnostics.report(
            .badValue, line: betweenPlace.valueLine, path: betweenPlace.path,
            "a hatch is between exactly two modules, found \(items.count)")
        } else {
          let ends = items.compactMap { reference($0, in: modules, section: "modules") }
          if ends.count == 2, ends[0] == ends[1] {
            diagnostics.report(
              .mismatchedReference, at: items[1], "a hatch joins two different modules, not '\(ends[0])' to itself")
          } else if ends.count == 2 {
            between = ends
          }
        }
      }
      let role = reader.required("role")?.role(diagnostics)
      let travel = reader.required("travel_s")?.number(diagnostics, .positive)
      if let id, let between { hatchEnds[id] = between }
      guard let id, let between, let role, let travel else { continue }
      result.append(StationDescription.Hatch(id: id, between: between, role: role, travelS: travel))
    }
    return result
  }

  private func parseCrew(_ place: Located?) -> StationDescription.Crew? {
    guard let place, let reader = MappingReader(place, diagnostics) else { return nil }
    reader.rejectUnknown(allowed: Self.crewKeys)
    var crewModules: [ModuleID]?
    if let modulesPlace = reader.required("modules"), let items = modulesPlace.items(diagnostics) {
      var seen: [ModuleID: Int] = [:]
      var found: [ModuleID] = []
      for item in items {
        diagnostics.record(path: item.path, line: item.line)
        guard let module = reference(item, in: modules, section: "modules") else { continue }
        if let first = seen[module] {
          diagnostics.report(.duplicateID, at: item, "module '\(module)' is listed twice (first at line \(first))")
        } else {
          seen[module] = item.line
          found.append(module)
        }
      }
      if found.count == items.count { crewModules = found }
    }
    let override = reader.required("override_role")?.role(diagnostics)
    guard let crewModules, let override else { return nil }
    return StationDescription.Crew(modules: crewModules, overrideRole: override)
  }

  private mutating func parseBatches(_ place: Located?) -> [BatchID: StationDescription.Batch] {
    guard let place, let reader = MappingReader(place, diagnostics) else { return [:] }
    var result: [BatchID: StationDescription.Batch] = [:]
    for entry in reader.entries {
      let id = BatchID(parsing: entry.key)
      if let id {
        batches.declare(id, at: entry.value, diagnostics)
      } else {
        diagnostics.report(.badValue, at: entry.value, Located.invalidID(entry.key, kind: BatchID.kind))
      }
      guard let fields = MappingReader(entry.value, diagnostics) else { continue }
      fields.rejectUnknown(allowed: Self.batchKeys)
      _ = fields["description"]?.string(diagnostics)
      let supplier = fields.required("supplier")?.string(diagnostics)
      var flags: [String]? = []
      if let flagsPlace = fields["flags"], let items = flagsPlace.items(diagnostics) {
        let words = items.compactMap { item -> String? in
          diagnostics.record(path: item.path, line: item.line)
          guard let word = item.string(diagnostics) else { return nil }
          guard StationIDGrammar.isValidID(word) else {
            diagnostics.report(
              .badValue, at: item, "'\(word)' is not a flag (lower-case words such as no-bid, falsified-records)")
            return nil
          }
          return word
        }
        flags = words.count == items.count ? words : nil
      }
      guard let id, let supplier, let flags else { continue }
      result[id] = StationDescription.Batch(supplier: supplier, flags: flags)
    }
    return result
  }

  private mutating func parseTargets(_ place: Located?) -> [StationDescription.Target] {
    var result: [StationDescription.Target] = []
    for reader in entries(place, allowed: Self.targetKeys) {
      let id = Self.declaredID(reader, &targets, diagnostics)
      let kind = reader.required("kind")?.word(diagnostics, StationDescription.TargetKind.self)
      let module = reference(reader.required("module"), in: modules, section: "modules")
      var hatch: HatchID?
      var hatchOK = true
      if let hatchPlace = reader["hatch"], !hatchPlace.isNull {
        hatch = reference(hatchPlace, in: hatches, section: "hatches")
        hatchOK = hatch != nil
        if kind == .weld {
          diagnostics.report(
            .mismatchedReference, at: hatchPlace, "a weld is on a module's shell and has no hatch (only seals do)")
          hatchOK = false
        } else if let hatch, let module, let ends = hatchEnds[hatch], !ends.contains(module) {
          diagnostics.report(
            .mismatchedReference, at: hatchPlace,
            "hatch '\(hatch)' joins \(ends.map { "'\($0)'" }.joined(separator: " and ")), not module '\(module)'")
          hatchOK = false
        }
      }
      let interval = reader.required("interval_h")?.number(diagnostics, .positive)
      let batch = reference(reader.required("batch"), in: batches, section: "batches")
      let age = reader.required("last_inspected_h_ago")?.number(diagnostics, .nonNegative)
      let finding = reader.required("last_finding")?.word(diagnostics, StationDescription.Finding.self)
      guard let id, let kind, let module, hatchOK, let interval, let batch, let age, let finding else { continue }
      result.append(
        StationDescription.Target(
          id: id, kind: kind, module: module, hatch: hatch, intervalH: interval, batch: batch,
          lastInspectedHAgo: age, lastFinding: finding))
    }
    return result
  }

  private mutating func parseDrones(_ place: Located?) -> [StationDescription.Drone] {
    var result: [StationDescription.Drone] = []
    for reader in entries(place, allowed: Self.droneKeys) {
      let id = Self.declaredID(reader, &drones, diagnostics)
      let dock = reference(reader.required("dock"), in: modules, section: "modules")
      let arm = reader.required("arm_role")?.role(diagnostics)
      let thrustPlace = reader.required("thrust_roles")
      let thrust = roles(thrustPlace)
      if let thrust, let thrustPlace, thrust.isEmpty {
        diagnostics.report(.badValue, at: thrustPlace, "a drone needs at least one thrust role")
      }
      let battery = reader.required("battery_wh")?.number(diagnostics, .positive)
      let speed = reader.required("speed_m_s")?.number(diagnostics, .positive)
      let scan = parseScanTimes(reader.required("scan_s"))
      guard let id, let dock, let arm, let thrust, !thrust.isEmpty, let battery, let speed, let scan else { continue }
      result.append(
        StationDescription.Drone(
          id: id, dock: dock, armRole: arm, thrustRoles: thrust, batteryWh: battery, speedMS: speed, scanS: scan))
    }
    return result
  }

  /// `{seal: S, weld: S}`: a scan time for every target kind, seconds.
  private func parseScanTimes(_ place: Located?) -> [StationDescription.TargetKind: Double]? {
    guard let place, let reader = MappingReader(place, diagnostics) else { return nil }
    let kinds = StationDescription.TargetKind.allCases
    reader.rejectUnknown(allowed: kinds.map(\.rawValue))
    var times: [StationDescription.TargetKind: Double] = [:]
    for kind in kinds {
      if let seconds = reader.required(kind.rawValue)?.number(diagnostics, .positive) { times[kind] = seconds }
    }
    return times.count == kinds.count ? times : nil
  }

  private func parseStaleData(_ place: Located?) -> StationDescription.BlindPolicy {
    guard let place, !place.isNull, let reader = MappingReader(place, diagnostics) else {
      return .safeModeWhenAllBlind
    }
    reader.rejectUnknown(allowed: ["safe_mode"])
    return reader["safe_mode"]?.word(diagnostics, StationDescription.BlindPolicy.self) ?? .safeModeWhenAllBlind
  }
}
