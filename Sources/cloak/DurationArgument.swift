import ArgumentParser
import Station

/// A duration option in the one syntax (``DurationText``): `90s`, `15m`, `36h`, `30d`,
/// or a plain number of seconds. Every `--for`, `--seconds` and `--duration` option
/// takes it.
struct DurationArgument: ExpressibleByArgument, Sendable, Hashable, CustomStringConvertible {
  /// The duration in seconds.
  var seconds: Double

  init(seconds: Double) { self.seconds = seconds }

  init?(argument: String) {
    guard let parsed = DurationText.seconds(argument) else { return nil }
    seconds = parsed
  }

  /// As a `Duration` (milliseconds resolution).
  var duration: Duration { .milliseconds(Int64((seconds * 1_000).rounded())) }

  var description: String { DurationText.format(seconds) }
}
