import HAL

/// Typed reading of scalar values. Numbers are parsed from the raw text (decimal or
/// `0x` hex) rather than through YAML 1.1 typing, so `off`, `no` and `0o17` mean
/// exactly what the schema says and nothing else.
extension Located {
  func string(_ diagnostics: Diagnostics) -> String? {
    guard let text = scalar(diagnostics, expecting: "a string") else { return nil }
    if text.isEmpty {
      diagnostics.report(.badValue, line: valueLine, path: path, "must not be empty")
      return nil
    }
    return text
  }

  func bool(_ diagnostics: Diagnostics) -> Bool? {
    guard let text = scalar(diagnostics, expecting: "true or false") else { return nil }
    switch text {
    case "true": return true
    case "false": return false
    default:
      diagnostics.report(.badValue, line: valueLine, path: path, "expected true or false, found '\(text)'")
      return nil
    }
  }

  /// An integer in `range`, written in decimal or `0x` hex.
  func integer(_ diagnostics: Diagnostics, in range: ClosedRange<Int>) -> Int? {
    guard let text = scalar(diagnostics, expecting: "an integer") else { return nil }
    guard let value = Located.parseInteger(text) else {
      diagnostics.report(.badValue, line: valueLine, path: path, "expected an integer, found '\(text)'")
      return nil
    }
    guard range.contains(value) else {
      diagnostics.report(
        .outOfRange, line: valueLine, path: path,
        "\(text) is out of range \(Located.format(range.lowerBound, like: text))...\(Located.format(range.upperBound, like: text))"
      )
      return nil
    }
    return value
  }

  /// One of the raw values of `T`.
  func word<T: RawRepresentable & CaseIterable>(_ diagnostics: Diagnostics, _ type: T.Type) -> T?
  where T.RawValue == String {
    guard let text = scalar(diagnostics, expecting: "a word") else { return nil }
    if let value = T(rawValue: text) { return value }
    let allowed = T.allCases.map(\.rawValue).joined(separator: ", ")
    diagnostics.report(.badValue, line: valueLine, path: path, "'\(text)' is not one of: \(allowed)")
    return nil
  }

  static func parseInteger(_ text: String) -> Int? {
    let trimmed = String(text.filter { $0 != "_" })
    if trimmed.hasPrefix("0x") || trimmed.hasPrefix("0X") { return Int(trimmed.dropFirst(2), radix: 16) }
    return Int(trimmed, radix: 10)
  }

  /// Writes a bound in hex when the user wrote hex, so messages read like the file.
  static func format(_ value: Int, like text: String) -> String {
    guard text.hasPrefix("0x") || text.hasPrefix("0X"), let byte = UInt8(exactly: value) else { return "\(value)" }
    return hex(byte)
  }
}
