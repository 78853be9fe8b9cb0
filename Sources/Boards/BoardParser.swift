import HAL
import Station
import Yams

/// Turns a composed YAML tree into a ``BoardDescription``, reporting every schema
/// problem to `diagnostics`. Cross-references and feature requirements are checked
/// afterwards by ``BoardChecks`` and ``FeatureRequirements``.
struct BoardParser {
  let diagnostics: Diagnostics

  static let topLevelKeys = [
    "version", "name", "description", "backend", "model", "supports", "features", "gpio", "i2c", "pwm",
    "kill_path", "watchdog",
  ]

  /// Parses the document; `nil` when the document is too broken to describe a board.
  func parse(_ root: Node, expectedName: String?) -> BoardDescription? {
    let place = Located(node: root, path: [], line: root.mark?.line ?? 1)
    guard let top = MappingReader(place, diagnostics) else { return nil }
    // The version decides what every other key means, so nothing else is read
    // from a file whose version is missing or unknown.
    guard let versionPlace = top.required("version"), let version = versionPlace.integer(diagnostics, in: 0...Int.max)
    else { return nil }
    guard version == BoardDescription.schemaVersion else {
      diagnostics.report(
        .unsupportedVersion, at: versionPlace,
        "schema version \(version) is not supported (this program reads version \(BoardDescription.schemaVersion))")
      return nil
    }
    top.rejectUnknown(allowed: Self.topLevelKeys)

    let name = top.required("name")?.string(diagnostics) ?? ""
    if let expectedName, !name.isEmpty, name != expectedName, let place = top["name"] {
      diagnostics.report(.badValue, at: place, "name '\(name)' does not match the file name '\(expectedName).yaml'")
    }
    let summary = top["description"]?.string(diagnostics) ?? ""
    let backend = top.required("backend")?.word(diagnostics, BoardDescription.Backend.self) ?? .linux
    var model: String?
    if let place = top["model"], !place.isNull { model = place.string(diagnostics) }
    let supports = wordList(top.required("supports"), BenchTestGroup.self)
    let features = wordList(top.required("features"), BoardFeature.self)

    let (chips, lines) = parseGPIO(top["gpio"])
    let (buses, devices) = parseI2C(top["i2c"], backend: backend)
    let outputs = parsePWM(top["pwm"])
    let killPath = parseKillPath(top["kill_path"])
    let watchdog = parseWatchdog(top["watchdog"])

    return BoardDescription(
      name: name, file: diagnostics.file, summary: summary, backend: backend, expectedModel: model,
      supports: supports, features: features, gpioChips: chips, lines: lines, i2cBuses: buses,
      i2cDevices: devices, pwmOutputs: outputs, killPath: killPath, watchdog: watchdog)
  }

  /// A list of words from `T`, each checked; duplicates are reported.
  func wordList<T: RawRepresentable & CaseIterable & Hashable>(_ place: Located?, _ type: T.Type) -> [T]
  where T.RawValue == String {
    guard let place, let items = place.items(diagnostics) else { return [] }
    var seen: Set<T> = []
    var result: [T] = []
    for item in items {
      guard let value = item.word(diagnostics, type) else { continue }
      diagnostics.record(path: place.path + [value.rawValue], line: item.line)
      if seen.insert(value).inserted {
        result.append(value)
      } else {
        diagnostics.report(.duplicateKey, at: item, "'\(value.rawValue)' is listed twice")
      }
    }
    return result
  }

  /// The entries of a `role: {...}` mapping, with role names checked.
  func roleEntries(_ place: Located?) -> [MappingReader.Entry] {
    guard let place, !place.isNull, let reader = MappingReader(place, diagnostics) else { return [] }
    for entry in reader.entries where !Self.isValidRole(entry.key) {
      diagnostics.report(
        .badValue, at: entry.value,
        "role names are dotted lower-case words such as 'hatch.node1.close' (letters, digits, '_' and '-')")
    }
    return reader.entries.filter { Self.isValidRole($0.key) }
  }

  /// The one role grammar (``StationIDGrammar``), shared with station files.
  static func isValidRole(_ role: String) -> Bool { StationIDGrammar.isValidRole(role) }
}
