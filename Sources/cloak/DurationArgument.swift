import ArgumentParser

/// The one duration syntax of the command line: a number followed by `s`, `m`, `h` or
/// `d` (`90s`, `15m`, `36h`, `30d`, `1.5h`); a plain number is seconds. Every `--for`,
/// `--seconds` and `--duration` option takes it. Finite, from 0 to 10 years.
struct DurationArgument: ExpressibleByArgument, Sendable, Hashable, CustomStringConvertible {
  /// The duration in seconds.
  var seconds: Double

  init(seconds: Double) { self.seconds = seconds }

  init?(argument: String) {
    guard let parsed = Self.parse(argument) else { return nil }
    seconds = parsed
  }

  /// Seconds for `text`, or nil when it does not follow the syntax.
  static func parse(_ text: String) -> Double? {
    var number = Substring(text)
    var scale = 1.0
    switch text.last {
    case "s": scale = 1
    case "m": scale = 60
    case "h": scale = 3_600
    case "d": scale = 86_400
    default: break
    }
    if let last = text.last, last.isLetter { number = number.dropLast() }
    guard !number.isEmpty, number.allSatisfy({ $0.isNumber || $0 == "." }), let value = Double(number) else {
      return nil
    }
    let seconds = value * scale
    guard seconds.isFinite, seconds >= 0, seconds <= 10 * 365 * 86_400 else { return nil }
    return seconds
  }

  /// As a `Duration` (milliseconds resolution).
  var duration: Duration { .milliseconds(Int64((seconds * 1_000).rounded())) }

  var description: String {
    if seconds >= 86_400, seconds.truncatingRemainder(dividingBy: 86_400) == 0 { return "\(Int(seconds / 86_400))d" }
    if seconds >= 3_600, seconds.truncatingRemainder(dividingBy: 3_600) == 0 { return "\(Int(seconds / 3_600))h" }
    if seconds >= 60, seconds.truncatingRemainder(dividingBy: 60) == 0 { return "\(Int(seconds / 60))m" }
    return seconds == seconds.rounded() ? "\(Int(seconds))s" : "\(seconds)s"
  }

  static var defaultCompletionKind: CompletionKind { .default }
}
