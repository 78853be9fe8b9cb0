import Yams

/// Reads one YAML mapping: looks keys up, remembers which were used and reports the
/// rest as unknown, so a typo in a board file is an error rather than a silent default.
struct MappingReader {
  struct Entry {
    let key: String
    let value: Located
  }

  let place: Located
  let entries: [Entry]
  private let diagnostics: Diagnostics

  /// Reads `place` as a mapping; reports `.wrongType` and returns `nil` otherwise.
  init?(_ place: Located, _ diagnostics: Diagnostics) {
    guard case .mapping(let mapping) = place.node else {
      diagnostics.report(
        .wrongType, line: place.valueLine, path: place.path, "expected a mapping, found \(place.shapeName)")
      return nil
    }
    var entries: [Entry] = []
    for (key, value) in mapping {
      let keyLine = key.mark?.line ?? place.line
      guard case .scalar(let scalar) = key else {
        diagnostics.report(.wrongType, line: keyLine, path: place.path, "mapping keys must be plain words")
        continue
      }
      diagnostics.record(path: place.path + [scalar.string], line: keyLine)
      entries.append(
        Entry(key: scalar.string, value: Located(node: value, path: place.path + [scalar.string], line: keyLine)))
    }
    self.place = place
    self.entries = entries
    self.diagnostics = diagnostics
  }

  /// The value under `key`, or `nil` if absent.
  subscript(key: String) -> Located? { entries.first { $0.key == key }?.value }

  /// The value under `key`; reports `.missingKey` if absent or null.
  func required(_ key: String) -> Located? {
    if let value = self[key], !value.isNull { return value }
    diagnostics.report(.missingKey, line: place.line, path: place.path + [key], "required key is missing")
    return nil
  }

  /// Reports every key not in `allowed` as `.unknownKey`.
  func rejectUnknown(allowed: [String], context: String = "") {
    for entry in entries where !allowed.contains(entry.key) {
      let hint = context.isEmpty ? "" : " \(context)"
      diagnostics.report(
        .unknownKey, at: entry.value,
        "unknown key\(hint) (allowed: \(allowed.joined(separator: ", ")))")
    }
  }
}
