/// The one duration syntax of Cloak's command line and data files: a number followed by
/// `s`, `m`, `h` or `d` (`90s`, `15m`, `36h`, `30d`, `1.5h`); a plain number is seconds.
/// Finite, from 0 to 10 years.
public enum DurationText {
  /// Longest duration accepted, in seconds (10 years of 365 days).
  public static let maximumSeconds = 10 * 365 * 86_400.0

  /// Seconds for `text`, or `nil` when it does not follow the syntax or is longer than
  /// ``maximumSeconds`` (``parse(_:)`` says which).
  public static func seconds(_ text: String) -> Double? { try? parse(text) }

  /// Seconds for `text`. Throws a ``DurationTextError`` saying what is wrong: not the
  /// syntax, or longer than ``maximumSeconds`` (naming the limit).
  public static func parse(_ text: String) throws(DurationTextError) -> Double {
    guard let seconds = syntaxSeconds(text), seconds.isFinite, seconds >= 0 else { throw .syntax(text) }
    guard seconds <= maximumSeconds else { throw .tooLong(text) }
    return seconds
  }

  private static func syntaxSeconds(_ text: String) -> Double? {
    var number = Substring(text)
    var scale = 1.0
    switch text.last {
    case "s": scale = 1
    case "m": scale = 60
    case "h": scale = 3_600
    case "d": scale = 86_400
    case let last? where !last.isASCII || !(last.isNumber || last == "."): return nil  // an unknown unit
    default: break
    }
    if scale != 1 || text.last == "s" { number = number.dropLast() }
    guard !number.isEmpty, number.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == ".") }),
      let value = Double(number)
    else { return nil }
    return value * scale
  }

  /// `seconds` in the same syntax, with the largest unit that divides it (`90s`, `15m`).
  public static func format(_ seconds: Double) -> String {
    for (unit, size) in [("d", 86_400.0), ("h", 3_600.0), ("m", 60.0)]
    where seconds >= size && seconds.truncatingRemainder(dividingBy: size) == 0 {
      return "\(Int(seconds / size))\(unit)"
    }
    return seconds == seconds.rounded() && seconds < 1e15 ? "\(Int(seconds))s" : "\(seconds)s"
  }
}

/// A duration text that cannot be used.
public enum DurationTextError: Error, Sendable, Hashable, CustomStringConvertible {
  /// Not the syntax (`1m30s`, `5y`, `-3s`, ``).
  case syntax(String)
  /// Longer than ``DurationText/maximumSeconds``.
  case tooLong(String)

  public var description: String {
    switch self {
    case .syntax(let text):
      return "expected a duration such as 90s, 15m, 36h, 30d or a number of seconds, found '\(text)'"
    case .tooLong(let text):
      return
        "'\(text)' is longer than the longest duration, 10 years (\(DurationText.format(DurationText.maximumSeconds)))"
    }
  }
}
