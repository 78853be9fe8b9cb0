import ArgumentParser
import Station

/// A duration option in the one syntax (``DurationText``): `90s`, `15m`, `36h`, `30d`,
/// or a plain number of seconds, at most 10 years. Every `--for`, `--seconds` and
/// `--duration` option takes it, declared with `transform: DurationArgument.parse` so that
/// a refused value is explained (the syntax, or the 10-year limit); such an option shows
/// its default in its help text itself (ArgumentParser shows none for a transform).
struct DurationArgument: ExpressibleByArgument, Sendable, Hashable, CustomStringConvertible {
  /// The duration in seconds.
  var seconds: Double

  init(seconds: Double) { self.seconds = seconds }

  init?(argument: String) {
    guard let parsed = DurationText.seconds(argument) else { return nil }
    seconds = parsed
  }

  /// The option's `transform:`: throws a `DurationTextError` saying why `text` is refused
  /// (ArgumentParser prints it after "The value ... is invalid for --option").
  @Sendable static func parse(_ text: String) throws -> DurationArgument {
    DurationArgument(seconds: try DurationText.parse(text))
  }

  /// As a `Duration` (milliseconds resolution).
  var duration: Duration { .milliseconds(Int64((seconds * 1_000).rounded())) }

  var description: String { DurationText.format(seconds) }
}

extension DurationArgument {
  /// Throws a `ValidationError` (exit 64, with the usage) naming `option` unless the
  /// duration is longer than zero: for a period or a horizon, where 0 means nothing.
  func requirePositive(_ option: String) throws {
    guard seconds > 0 else { throw ValidationError("\(option) must be longer than 0 (e.g. 10s, 15m, 1d), not \(self)") }
  }
}
