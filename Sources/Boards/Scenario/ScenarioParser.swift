import Station
import Yams

/// Turns a composed YAML tree into a ``ScenarioDescription``, reporting every schema
/// and reference problem to `diagnostics` with the located-error machinery of board and
/// station files. Ids are checked against `station`; commands, principals and event
/// names against `vocabulary`.
struct ScenarioParser {
  let diagnostics: Diagnostics
  let station: StationDescription
  let vocabulary: ScenarioVocabulary

  static let topLevelKeys = [
    "version", "name", "description", "seed", "duration", "start_utc", "physics", "timeline", "expect",
  ]
  static let physicsKeys = [
    "thermal_amplitude_k", "thermal_period", "background_loss_pct_per_day", "noise_pa", "initial_pressure_pa",
    "closed_hatches", "supply",
  ]
  static let supplyKeys = ["module", "below_pa", "to_pa", "rate_kg_per_h", "tank_kg"]
  static let actionKeys = [
    "leak", "seal_leak", "sensor_fault", "thermal_step", "hatch_jam", "hatch_free", "crew_move", "command",
    "drone_order", "drone_failure", "crew_override", "leak_evidence",
  ]
  static let filterKeys = ["module", "sensor", "hatch", "drone", "principal", "command", "rejection"]

  /// Parses the document; nil when it is too broken to describe a scenario.
  func parse(_ root: Node) -> ScenarioDescription? {
    let place = Located(node: root, path: [], line: root.mark?.line ?? 1)
    guard let top = MappingReader(place, diagnostics) else { return nil }
    guard let versionPlace = top.required("version"), let version = versionPlace.integer(diagnostics, in: 0...Int.max)
    else { return nil }
    guard version == ScenarioDescription.schemaVersion else {
      diagnostics.report(
        .unsupportedVersion, at: versionPlace,
        "schema version \(version) is not supported (this program reads version \(ScenarioDescription.schemaVersion))"
      )
      return nil
    }
    top.rejectUnknown(allowed: Self.topLevelKeys)
    var scenario = ScenarioDescription(name: top.required("name")?.string(diagnostics) ?? "", file: diagnostics.file)
    scenario.summary = top["description"]?.string(diagnostics) ?? ""
    if let seed = top["seed"]?.integer(diagnostics, in: 0...Int.max) { scenario.seed = UInt64(seed) }
    if let duration = top["duration"]?.duration(diagnostics, positive: true) { scenario.durationS = duration }
    if let place = top["start_utc"], let text = place.scalar(diagnostics, expecting: "a UTC time") {
      if let nanos = Self.utcNanoseconds(text) {
        scenario.startUTCNanoseconds = nanos
      } else {
        diagnostics.report(
          .badValue, line: place.valueLine, path: place.path,
          "expected a UTC time as YYYY-MM-DDTHH:MM:SSZ, found '\(text)'")
      }
    }
    if let physics = top["physics"] { scenario.physics = parsePhysics(physics) }
    if let timeline = top["timeline"], let items = timeline.items(diagnostics) {
      scenario.timeline = items.compactMap(parseAction).enumerated().sorted {
        $0.element.atS != $1.element.atS ? $0.element.atS < $1.element.atS : $0.offset < $1.offset
      }.map(\.element)
    }
    if let expect = top["expect"], let items = expect.items(diagnostics) {
      scenario.expectations = items.compactMap(parseExpectation)
    }
    return scenario
  }

  // MARK: Physics

  private func parsePhysics(_ place: Located) -> ScenarioDescription.PhysicsSettings {
    var settings = ScenarioDescription.PhysicsSettings()
    guard let reader = MappingReader(place, diagnostics) else { return settings }
    reader.rejectUnknown(allowed: Self.physicsKeys)
    settings.thermalAmplitudeK = reader["thermal_amplitude_k"]?.number(diagnostics, .within(0...1))
    settings.thermalPeriodS = reader["thermal_period"]?.duration(diagnostics, positive: true)
    settings.backgroundLossPctPerDay = reader["background_loss_pct_per_day"]?.number(diagnostics, .within(0...100))
    settings.noisePa = reader["noise_pa"]?.number(diagnostics, .within(0...1_000))
    settings.initialPressurePa = reader["initial_pressure_pa"]?.number(diagnostics, .within(1...200_000))
    if let closed = reader["closed_hatches"], let items = closed.items(diagnostics) {
      settings.closedHatches = items.compactMap { hatch($0) }
    }
    if let supplyPlace = reader["supply"], let supply = MappingReader(supplyPlace, diagnostics) {
      supply.rejectUnknown(allowed: Self.supplyKeys)
      if let id = supply.required("module").flatMap(module),
        let below = supply.required("below_pa")?.number(diagnostics, .within(0...200_000)),
        let to = supply.required("to_pa")?.number(diagnostics, .within(0...200_000)),
        let rate = supply.required("rate_kg_per_h")?.number(diagnostics, .positive),
        let tank = supply.required("tank_kg")?.number(diagnostics, .nonNegative)
      {
        if to < below {
          diagnostics.report(
            .outOfRange, at: supply.place, "to_pa (\(to)) must not be below below_pa (\(below))")
        } else {
          settings.supply = .init(module: id, belowPa: below, toPa: to, rateKgPerH: rate, tankKg: tank)
        }
      }
    }
    return settings
  }

  // MARK: Timeline

  private func parseAction(_ item: Located) -> ScenarioDescription.TimedAction? {
    diagnostics.record(path: item.path, line: item.line)
    guard let reader = MappingReader(item, diagnostics) else { return nil }
    reader.rejectUnknown(allowed: ["at"] + Self.actionKeys)
    let at = reader.required("at")?.duration(diagnostics, positive: false)
    let present = reader.entries.filter { Self.actionKeys.contains($0.key) }
    guard present.count == 1, let entry = present.first else {
      diagnostics.report(
        .missingKey, line: item.line, path: item.path,
        present.isEmpty
          ? "a timeline entry needs one of: \(Self.actionKeys.joined(separator: ", "))"
          : "a timeline entry has exactly one action, found \(present.map(\.key).joined(separator: ", "))")
      return nil
    }
    guard let fields = MappingReader(entry.value, diagnostics) else { return nil }
    let action: ScenarioDescription.Action?
    switch entry.key {
    case "leak": action = leak(fields)
    case "seal_leak":
      fields.rejectUnknown(allowed: ["module"])
      action = fields.required("module").flatMap(module).map { .sealLeak($0) }
    case "sensor_fault": action = sensorFault(fields)
    case "thermal_step":
      fields.rejectUnknown(allowed: ["module", "delta_k"])
      let id = fields["module"].flatMap(module)
      let moduleOK = fields["module"] == nil || id != nil
      action = fields.required("delta_k")?.number(diagnostics, .within(-20...20)).flatMap {
        moduleOK ? .thermalStep(id, deltaK: $0) : nil
      }
    case "hatch_jam", "hatch_free":
      fields.rejectUnknown(allowed: ["hatch"])
      action = fields.required("hatch").flatMap(hatch).map { entry.key == "hatch_jam" ? .hatchJam($0) : .hatchFree($0) }
    case "crew_move": action = crewMove(fields)
    case "command": action = command(fields)
    case "drone_order": action = droneOrder(fields)
    case "drone_failure":
      fields.rejectUnknown(allowed: ["drone", "kind"])
      if let id = fields.required("drone").flatMap(drone),
        let kind = fields.required("kind")?.word(diagnostics, ScenarioDescription.DroneFailure.self)
      {
        action = .droneFailure(id, kind)
      } else {
        action = nil
      }
    case "crew_override":
      fields.rejectUnknown(allowed: ["active"])
      action = fields.required("active")?.bool(diagnostics).map { .crewOverride(active: $0) }
    case "leak_evidence":
      fields.rejectUnknown(allowed: ["module", "kind"])
      if let id = fields.required("module").flatMap(module),
        let kind = fields.required("kind")?.word(diagnostics, ScenarioDescription.LeakEvidenceKind.self)
      {
        action = .leakEvidence(id, kind)
      } else {
        action = nil
      }
    default: action = nil
    }
    guard let at, let action else { return nil }
    return .init(atS: at, action: action, line: item.line)
  }

  private func leak(_ fields: MappingReader) -> ScenarioDescription.Action? {
    fields.rejectUnknown(allowed: ["module", "hole_mm2", "pct_per_hour"])
    let id = fields.required("module").flatMap(module)
    let hole = fields["hole_mm2"]
    let rate = fields["pct_per_hour"]
    guard (hole == nil) != (rate == nil) else {
      diagnostics.report(
        .missingKey, line: fields.place.line, path: fields.place.path,
        "a leak has exactly one size: hole_mm2 (a hole to vacuum) or pct_per_hour (a fractional rate)")
      return nil
    }
    let size: ScenarioDescription.LeakSize?
    if let hole {
      size = hole.number(diagnostics, .within(0...1_000_000)).map { .holeMM2($0) }
    } else {
      size = rate?.number(diagnostics, .within(0...10_000)).map { .percentPerHour($0) }
    }
    guard let id, let size else { return nil }
    return .leak(id, size)
  }

  /// Sensor fault kinds and the fields each takes.
  static let faultFields: [String: [String]] = [
    "stuck": [], "drift": ["rate_pa_per_h"], "ramp": ["to_pa", "over"], "spikes": ["size_pa", "per_minute"],
    "dropout": ["for"], "reset": [], "disagree": ["by_pa"],
  ]

  private func sensorFault(_ fields: MappingReader) -> ScenarioDescription.Action? {
    let role = fields.required("sensor").flatMap(sensor)
    guard let kindPlace = fields.required("kind"), let kind = kindPlace.scalar(diagnostics, expecting: "a fault kind")
    else { return nil }
    guard let extra = Self.faultFields[kind] else {
      diagnostics.report(
        .badValue, line: kindPlace.valueLine, path: kindPlace.path,
        "'\(kind)' is not one of: \(Self.faultFields.keys.sorted().joined(separator: ", "))")
      return nil
    }
    fields.rejectUnknown(allowed: ["sensor", "kind"] + extra, context: "for a \(kind) fault")
    let fault: ScenarioDescription.SensorFault?
    switch kind {
    case "stuck": fault = .stuck
    case "drift": fault = fields.required("rate_pa_per_h")?.number(diagnostics, .finite).map { .drift(paPerHour: $0) }
    case "ramp":
      if let to = fields.required("to_pa")?.number(diagnostics, .finite),
        let over = fields.required("over")?.duration(diagnostics, positive: true)
      {
        fault = .ramp(toPa: to, overS: over)
      } else {
        fault = nil
      }
    case "spikes":
      if let size = fields.required("size_pa")?.number(diagnostics, .positive),
        let rate = fields.required("per_minute")?.number(diagnostics, .within(0...6_000))
      {
        fault = .spikes(sizePa: size, perMinute: rate)
      } else {
        fault = nil
      }
    case "dropout":
      if let place = fields["for"] {
        fault = place.duration(diagnostics, positive: true).map { .dropout(forS: $0) }
      } else {
        fault = .dropout(forS: nil)
      }
    case "reset": fault = .reset
    default: fault = fields.required("by_pa")?.number(diagnostics, .finite).map { .disagree(byPa: $0) }
    }
    guard let role, let fault else { return nil }
    return .sensorFault(role, fault)
  }

  private func crewMove(_ fields: MappingReader) -> ScenarioDescription.Action? {
    fields.rejectUnknown(allowed: ["from", "to", "count"])
    let from = fields.required("from").flatMap(module)
    let to = fields.required("to").flatMap(module)
    let count = fields["count"].map { $0.integer(diagnostics, in: 1...100) } ?? 1
    guard let from, let to, let count else { return nil }
    return .crewMove(from: from, to: to, count: count)
  }

  private func command(_ fields: MappingReader) -> ScenarioDescription.Action? {
    let principalPlace = fields.required("principal")
    let namePlace = fields.required("name")
    var arguments: [String: String] = [:]
    for entry in fields.entries where entry.key != "principal" && entry.key != "name" {
      if let text = entry.value.scalar(diagnostics, expecting: "a command argument") { arguments[entry.key] = text }
    }
    guard let principalPlace, let principal = principalPlace.scalar(diagnostics, expecting: "a principal"),
      let namePlace, let name = namePlace.scalar(diagnostics, expecting: "a command name")
    else { return nil }
    guard vocabulary.principals.contains(principal) else {
      diagnostics.report(
        .badValue, line: principalPlace.valueLine, path: principalPlace.path,
        "'\(principal)' is not one of: \(vocabulary.principals.joined(separator: ", "))")
      return nil
    }
    if let problem = vocabulary.checkCommand(name, arguments) {
      diagnostics.report(.badValue, line: namePlace.valueLine, path: fields.place.path, problem)
      return nil
    }
    // Ids the command names must exist on this station (the arbiter would reject them
    // at run time; a scenario that names a missing hatch is a typo).
    if let text = arguments["hatch"], let id = HatchID(parsing: text), station.hatch(id) == nil {
      diagnostics.report(
        .unknownReference, at: fields["hatch"] ?? fields.place, "no hatch '\(id)' on station \(station.name)")
      return nil
    }
    if let text = arguments["drone"], let id = DroneID(parsing: text), station.drone(id) == nil {
      diagnostics.report(
        .unknownReference, at: fields["drone"] ?? fields.place, "no drone '\(id)' on station \(station.name)")
      return nil
    }
    if let text = arguments["module"], let id = ModuleID(parsing: text), station.module(id) == nil {
      diagnostics.report(
        .unknownReference, at: fields["module"] ?? fields.place, "no module '\(id)' on station \(station.name)")
      return nil
    }
    return .command(principal: principal, name: name, arguments: arguments)
  }

  private func droneOrder(_ fields: MappingReader) -> ScenarioDescription.Action? {
    let id = fields.required("drone").flatMap(drone)
    guard let orderPlace = fields.required("order"), let order = orderPlace.scalar(diagnostics, expecting: "an order")
    else { return nil }
    let parsed: ScenarioDescription.DroneOrder?
    switch order {
    case "go_to":
      fields.rejectUnknown(allowed: ["drone", "order", "module"], context: "for go_to")
      parsed = fields.required("module").flatMap(module).map { .goTo($0) }
    case "scan":
      fields.rejectUnknown(allowed: ["drone", "order", "target"], context: "for scan")
      parsed = fields.required("target").flatMap(target).map { .scan($0) }
    case "return_to_dock", "hold":
      fields.rejectUnknown(allowed: ["drone", "order"], context: "for \(order)")
      parsed = order == "hold" ? .hold : .returnToDock
    default:
      diagnostics.report(
        .badValue, line: orderPlace.valueLine, path: orderPlace.path,
        "'\(order)' is not one of: go_to, scan, return_to_dock, hold")
      parsed = nil
    }
    guard let id, let parsed else { return nil }
    return .droneOrder(id, parsed)
  }

  // MARK: Expectations

  private func parseExpectation(_ item: Located) -> ScenarioDescription.Expectation? {
    diagnostics.record(path: item.path, line: item.line)
    guard let reader = MappingReader(item, diagnostics) else { return nil }
    if let eventPlace = reader["event"] {
      reader.rejectUnknown(allowed: ["event", "before", "after"] + Self.filterKeys)
      guard let filter = filter(reader, eventPlace),
        let before = reader.required("before")?.duration(diagnostics, positive: true)
      else { return nil }
      let after = reader["after"].map { $0.duration(diagnostics, positive: false) } ?? 0
      guard let after else { return nil }
      let text =
        "\(describe(filter)) after \(DurationText.format(after)) and before \(DurationText.format(before))"
      return .init(condition: .event(filter, afterS: after, beforeS: before), line: item.line, text: text)
    }
    if let eventPlace = reader["no_event"] {
      reader.rejectUnknown(allowed: ["no_event", "from", "until"] + Self.filterKeys)
      guard let filter = filter(reader, eventPlace) else { return nil }
      let from = reader["from"].map { $0.duration(diagnostics, positive: false) } ?? 0
      let until = reader["until"]?.duration(diagnostics, positive: true)
      guard let from, reader["until"] == nil || until != nil else { return nil }
      let window =
        until.map { "from \(DurationText.format(from)) until \(DurationText.format($0))" }
        ?? "from \(DurationText.format(from)) on"
      return .init(
        condition: .noEvent(filter, fromS: from, untilS: until), line: item.line,
        text: "no \(describe(filter)) \(window)")
    }
    guard let atPlace = reader["at"] else {
      diagnostics.report(
        .missingKey, line: item.line, path: item.path,
        "an expectation is `event:` (with before), `no_event:`, or `at:` with a physical condition")
      return nil
    }
    let at = atPlace.duration(diagnostics, positive: false)
    if reader["module"] != nil {
      reader.rejectUnknown(allowed: ["at", "module", "pressure_above_pa", "pressure_below_pa"])
      let id = reader.required("module").flatMap(module)
      let above = reader["pressure_above_pa"]
      let below = reader["pressure_below_pa"]
      guard (above == nil) != (below == nil) else {
        diagnostics.report(
          .missingKey, line: item.line, path: item.path, "give exactly one of pressure_above_pa, pressure_below_pa")
        return nil
      }
      guard let id, let at, let pascals = (above ?? below)?.number(diagnostics, .within(0...200_000)) else {
        return nil
      }
      let text =
        "module \(id) \(above != nil ? "above" : "below") \(Self.plain(pascals)) Pa at \(DurationText.format(at))"
      return .init(
        condition: .pressure(id, above: above != nil, pascals: pascals, atS: at), line: item.line, text: text)
    }
    if reader["hatch"] != nil {
      reader.rejectUnknown(allowed: ["at", "hatch", "position"])
      guard let id = reader.required("hatch").flatMap(hatch), let at,
        let position = reader.required("position")?.word(diagnostics, ScenarioDescription.HatchPosition.self)
      else { return nil }
      return .init(
        condition: .hatch(id, position, atS: at), line: item.line,
        text: "hatch \(id) \(position.rawValue) at \(DurationText.format(at))")
    }
    if reader["drone"] != nil {
      reader.rejectUnknown(allowed: ["at", "drone", "in_module"])
      guard let id = reader.required("drone").flatMap(drone), let at,
        let place = reader.required("in_module").flatMap(module)
      else { return nil }
      return .init(
        condition: .droneIn(id, place, atS: at), line: item.line,
        text: "drone \(id) in \(place) at \(DurationText.format(at))")
    }
    diagnostics.report(
      .missingKey, line: item.line, path: item.path, "a physical expectation names a module, a hatch or a drone")
    return nil
  }

  private func filter(_ reader: MappingReader, _ place: Located) -> ScenarioDescription.EventFilter? {
    guard let name = place.scalar(diagnostics, expecting: "an event name") else { return nil }
    guard vocabulary.eventNames.contains(name) else {
      diagnostics.report(
        .badValue, line: place.valueLine, path: place.path,
        "'\(name)' is not an event name (\(vocabulary.eventNames.joined(separator: ", ")))")
      return nil
    }
    var filter = ScenarioDescription.EventFilter(event: name)
    var ok = true
    if let p = reader["module"] {
      filter.module = module(p)
      ok = ok && filter.module != nil
    }
    if let p = reader["sensor"] {
      filter.sensor = sensor(p)
      ok = ok && filter.sensor != nil
    }
    if let p = reader["hatch"] {
      filter.hatch = hatch(p)
      ok = ok && filter.hatch != nil
    }
    if let p = reader["drone"] {
      filter.drone = drone(p)
      ok = ok && filter.drone != nil
    }
    for (key, allowed) in [("principal", vocabulary.principals), ("rejection", vocabulary.rejections)] {
      guard let p = reader[key] else { continue }
      guard let text = p.scalar(diagnostics, expecting: "a \(key)"), allowed.contains(text) else {
        if case .scalar = p.node {
          diagnostics.report(
            .badValue, line: p.valueLine, path: p.path, "not one of: \(allowed.joined(separator: ", "))")
        }
        ok = false
        continue
      }
      if key == "principal" { filter.principal = text } else { filter.rejection = text }
    }
    if let p = reader["command"] {
      filter.command = p.string(diagnostics)
      ok = ok && filter.command != nil
    }
    return ok ? filter : nil
  }

  private func describe(_ filter: ScenarioDescription.EventFilter) -> String {
    var parts = [filter.event]
    if let v = filter.module { parts.append("module \(v)") }
    if let v = filter.sensor { parts.append("sensor \(v)") }
    if let v = filter.hatch { parts.append("hatch \(v)") }
    if let v = filter.drone { parts.append("drone \(v)") }
    if let v = filter.principal { parts.append("by \(v)") }
    if let v = filter.command { parts.append("command \(v)") }
    if let v = filter.rejection { parts.append("rejected \(v)") }
    return parts.joined(separator: " ")
  }

  private static func plain(_ value: Double) -> String {
    value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value)
  }

  // MARK: References

  private func module(_ place: Located) -> ModuleID? {
    guard let id = place.id(diagnostics, ModuleID.self) else { return nil }
    guard station.module(id) != nil else {
      diagnostics.report(
        .unknownReference, at: place,
        "no module '\(id)' on station \(station.name) (modules: \(station.modules.map(\.id.rawValue).joined(separator: ", ")))"
      )
      return nil
    }
    return id
  }

  private func hatch(_ place: Located) -> HatchID? {
    guard let id = place.id(diagnostics, HatchID.self) else { return nil }
    guard station.hatch(id) != nil else {
      diagnostics.report(
        .unknownReference, at: place,
        "no hatch '\(id)' on station \(station.name) (hatches: \(station.hatches.map(\.id.rawValue).joined(separator: ", ")))"
      )
      return nil
    }
    return id
  }

  private func drone(_ place: Located) -> DroneID? {
    guard let id = place.id(diagnostics, DroneID.self) else { return nil }
    guard station.drone(id) != nil else {
      diagnostics.report(.unknownReference, at: place, "no drone '\(id)' on station \(station.name)")
      return nil
    }
    return id
  }

  private func target(_ place: Located) -> TargetID? {
    guard let id = place.id(diagnostics, TargetID.self) else { return nil }
    guard station.target(id) != nil else {
      diagnostics.report(.unknownReference, at: place, "no target '\(id)' on station \(station.name)")
      return nil
    }
    return id
  }

  private func sensor(_ place: Located) -> SensorRole? {
    guard let role = place.role(diagnostics) else { return nil }
    guard station.module(ofSensor: role) != nil else {
      diagnostics.report(.unknownReference, at: place, "no module of station \(station.name) lists sensor '\(role)'")
      return nil
    }
    return role
  }

  /// Nanoseconds since 1970 for `YYYY-MM-DDTHH:MM:SSZ` (UTC; days from civil after
  /// H. Hinnant, "chrono-Compatible Low-Level Date Algorithms").
  static func utcNanoseconds(_ text: String) -> Int64? {
    let chars = Array(text.utf8)
    guard chars.count == 20, chars[4] == UInt8(ascii: "-"), chars[7] == UInt8(ascii: "-"),
      chars[10] == UInt8(ascii: "T"), chars[13] == UInt8(ascii: ":"), chars[16] == UInt8(ascii: ":"),
      chars[19] == UInt8(ascii: "Z")
    else { return nil }
    func number(_ range: Range<Int>) -> Int64? {
      var value: Int64 = 0
      for i in range {
        guard (48...57).contains(chars[i]) else { return nil }
        value = value * 10 + Int64(chars[i] - 48)
      }
      return value
    }
    guard let y = number(0..<4), let m = number(5..<7), let d = number(8..<10), let hh = number(11..<13),
      let mm = number(14..<16), let ss = number(17..<19), (1...12).contains(m), (1...31).contains(d), hh < 24,
      mm < 60, ss < 60, y >= 1970
    else { return nil }
    let year = m <= 2 ? y - 1 : y
    let era = year / 400
    let yearOfEra = year - era * 400
    let dayOfYear = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1
    let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
    let days = era * 146_097 + dayOfEra - 719_468
    return ((days * 86_400) + hh * 3_600 + mm * 60 + ss) * 1_000_000_000
  }
}

extension Located {
  /// A duration in the one syntax (``DurationText``); `positive` refuses zero.
  func duration(_ diagnostics: Diagnostics, positive: Bool) -> Double? {
    guard let text = scalar(diagnostics, expecting: "a duration") else { return nil }
    let seconds: Double
    do { seconds = try DurationText.parse(text) } catch {
      diagnostics.report(.badValue, line: valueLine, path: path, error.description)
      return nil
    }
    if positive && seconds <= 0 {
      diagnostics.report(.outOfRange, line: valueLine, path: path, "must be longer than 0, found '\(text)'")
      return nil
    }
    return seconds
  }
}
