import Station

/// Typed reading of station-file scalars: decimal numbers with a range rule, station ids
/// and board roles against the one grammar (``StationIDGrammar``).
extension Located {
  /// What range a number must fall in.
  enum NumberRule {
    /// Any finite value (coordinates).
    case finite
    /// Greater than zero (volumes, durations, capacities, speeds).
    case positive
    /// Zero or more (hours since an inspection).
    case nonNegative
    /// Within the closed range.
    case within(ClosedRange<Double>)
  }

  /// A finite decimal number (`12`, `-3.5`, `1.2e3`) obeying `rule`. YAML's `.inf` and
  /// `.nan`, and numbers too large for a Double, are `.outOfRange` (not finite); text
  /// that is not a decimal number is `.badValue`.
  func number(_ diagnostics: Diagnostics, _ rule: NumberRule) -> Double? {
    guard let text = scalar(diagnostics, expecting: "a number") else { return nil }
    let word = text.lowercased().trimmingPrefix(while: { $0 == "+" || $0 == "-" })
    if [".inf", "inf", "infinity", ".nan", "nan"].contains(String(word)) {
      diagnostics.report(.outOfRange, line: valueLine, path: path, "must be a finite number, found '\(text)'")
      return nil
    }
    let decimal = !text.isEmpty && text.allSatisfy { $0.isASCII && ($0.isNumber || "+-.eE".contains($0)) }
    guard decimal, let value = Double(text) else {
      diagnostics.report(.badValue, line: valueLine, path: path, "expected a decimal number, found '\(text)'")
      return nil
    }
    guard value.isFinite else {
      diagnostics.report(.outOfRange, line: valueLine, path: path, "must be a finite number, found '\(text)'")
      return nil
    }
    let problem: String?
    switch rule {
    case .finite: problem = nil
    case .positive: problem = value > 0 ? nil : "must be greater than 0, found \(text)"
    case .nonNegative: problem = value >= 0 ? nil : "must not be negative, found \(text)"
    case .within(let range):
      problem =
        range.contains(value)
        ? nil : "\(text) is out of range \(Self.format(range.lowerBound))...\(Self.format(range.upperBound))"
    }
    if let problem {
      diagnostics.report(.outOfRange, line: valueLine, path: path, problem)
      return nil
    }
    return value
  }

  /// A station id of type `T`, checked against the id grammar.
  func id<T: StationIdentifier>(_ diagnostics: Diagnostics, _ type: T.Type) -> T? {
    guard let text = scalar(diagnostics, expecting: "a \(T.kind) id") else { return nil }
    guard let id = T(parsing: text) else {
      diagnostics.report(.badValue, line: valueLine, path: path, Self.invalidID(text, kind: T.kind))
      return nil
    }
    return id
  }

  /// A board role (`pressure.node1.a`), checked against the role grammar.
  func role(_ diagnostics: Diagnostics) -> BoardRole? {
    guard let text = scalar(diagnostics, expecting: "a board role") else { return nil }
    guard let role = BoardRole(parsing: text) else {
      diagnostics.report(
        .badValue, line: valueLine, path: path,
        "'\(text)' is not a board role (two or more ids joined by '.', such as 'pressure.node1.a')")
      return nil
    }
    return role
  }

  /// The message for `text` that is not a valid id of `kind`: states the grammar.
  static func invalidID(_ text: String, kind: String) -> String {
    "'\(text)' is not a valid \(kind) id (1 to \(StationIDGrammar.maximumLength) lower-case letters, digits, "
      + "'_' and '-', starting with a letter or digit)"
  }

  private static func format(_ value: Double) -> String {
    value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(value)
  }
}
