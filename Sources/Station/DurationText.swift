/// The one duration syntax of Cloak's command line and data files: a number followed by
/// `s`, `m`, `h` or `d` (`90s`, `15m`, `36h`, `30d`, `1.5h`); a plain number is seconds.
/// Finite, from 0 to 10 years.
public enum DurationText {
  /// Longest duration accepted, in seconds (10 years of 365 days).
  public static let maximumSeconds = 10 * 365 * 86_400.0

  /// Seconds for `text`, or `nil` when it does not follow the syntax.
  public static func seconds(_ text: String) -> Double? {
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
    let seconds = value * scale
    guard seconds.isFinite, seconds >= 0, seconds <= maximumSeconds else { return nil }
    return seconds
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
