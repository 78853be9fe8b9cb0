import HAL

extension BoardParser {
  static let lineKeys = ["chip", "line", "direction", "active_low", "description"]
  static let outputLineKeys = lineKeys + ["drive", "safe"]
  static let inputLineKeys = lineKeys + ["bias", "debounce_ms", "edges"]

  /// Reads `gpio: { chips: {LABEL: {...}}, lines: {ROLE: {...}} }`.
  func parseGPIO(_ place: Located?) -> ([String: GPIOChipSpec], [String: LineSpec]) {
    guard let place, !place.isNull, let gpio = MappingReader(place, diagnostics) else { return ([:], [:]) }
    gpio.rejectUnknown(allowed: ["chips", "lines"])
    var chips: [String: GPIOChipSpec] = [:]
    if let chipsPlace = gpio.required("chips"), let reader = MappingReader(chipsPlace, diagnostics) {
      for entry in reader.entries {
        chips[entry.key] = parseChip(label: entry.key, entry.value)
      }
    }
    var lines: [String: LineSpec] = [:]
    for entry in roleEntries(gpio["lines"]) {
      if let line = parseLine(role: entry.key, entry.value) { lines[entry.key] = line }
    }
    return (chips, lines)
  }

  private func parseChip(label: String, _ place: Located) -> GPIOChipSpec {
    var chip = GPIOChipSpec(label: label, lineNames: nil, summary: nil)
    guard !place.isNull, let reader = MappingReader(place, diagnostics) else { return chip }
    reader.rejectUnknown(allowed: ["description", "lines"])
    chip.summary = reader["description"]?.string(diagnostics)
    if let linesPlace = reader["lines"], let items = linesPlace.items(diagnostics) {
      var names: [String] = []
      var firstLine: [String: Int] = [:]
      for item in items {
        guard let name = item.string(diagnostics) else { continue }
        if let earlier = firstLine[name] {
          diagnostics.report(.duplicateLine, at: item, "line '\(name)' is listed twice (first at line \(earlier))")
          continue
        }
        firstLine[name] = item.line
        names.append(name)
      }
      chip.lineNames = names
    }
    return chip
  }

  private func parseLine(role: String, _ place: Located) -> LineSpec? {
    guard let reader = MappingReader(place, diagnostics) else { return nil }
    let chip = reader.required("chip")?.string(diagnostics)
    let name = reader.required("line")?.string(diagnostics)
    guard let direction = reader.required("direction")?.word(diagnostics, LineDirection.self) else {
      reader.rejectUnknown(allowed: Self.outputLineKeys + ["bias", "debounce_ms", "edges"])
      return nil
    }
    let isOutput = direction == .output
    reader.rejectUnknown(
      allowed: isOutput ? Self.outputLineKeys : Self.inputLineKeys, context: "for an \(direction.rawValue) line")
    var spec = LineSpec(
      role: role, id: GPIOLineID(chip: chip ?? "", line: name ?? ""), direction: direction,
      activeLow: reader["active_low"]?.bool(diagnostics) ?? false, bias: .asIs, drive: .pushPull, debounce: nil,
      edges: .none, safe: nil, sourceLine: place.line)
    if isOutput {
      spec.drive = reader["drive"]?.word(diagnostics, GPIODrive.self) ?? .pushPull
      if let safePlace = reader["safe"], !safePlace.isNull {
        spec.safe = parseLineSafe(safePlace)
      } else {
        diagnostics.report(
          .missingSafeValue, line: place.line, path: place.path + ["safe"],
          "output has no safe value (active, inactive, or hold for hatch drives)")
      }
    } else {
      spec.bias = reader["bias"]?.word(diagnostics, GPIOBias.self) ?? .asIs
      spec.edges = reader["edges"]?.word(diagnostics, GPIOEdgeDetection.self) ?? .none
      if let ms = reader["debounce_ms"]?.integer(diagnostics, in: 0...1000), ms > 0 {
        spec.debounce = .milliseconds(ms)
      }
    }
    guard chip != nil, name != nil else { return nil }
    return spec
  }

  private func parseLineSafe(_ place: Located) -> SafeValue? {
    guard let word = place.scalar(diagnostics, expecting: "a safe value") else { return nil }
    switch word {
    case "active": return .level(true)
    case "inactive": return .level(false)
    case "hold": return .hold
    default:
      diagnostics.report(.badValue, at: place, "'\(word)' is not a GPIO safe value (active, inactive, hold)")
      return nil
    }
  }
}
