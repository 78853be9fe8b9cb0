import Foundation

/// Builds and reads the entry fields every audit entry shares with the controller's
/// `--events` records: `time_s` (number, seconds since start), `utc` (RFC 3339 string),
/// `event` (snake_case string) and optionally `principal` (string).
public enum AuditEntry {
  /// RFC 3339 UTC text with milliseconds, e.g. `2026-11-26T17:08:00.125Z`.
  public static func utc(_ date: Date) -> String {
    date.formatted(.iso8601.year().month().day().time(includingFractionalSeconds: true).timeZone(separator: .omitted))
  }

  /// Compact one-line JSON: `{"time_s":…,"utc":"…","event":"…"[,"principal":"…"]` then each
  /// of `fields` as `"name":JSON-TEXT` (the caller gives JSON text of each value) and `}`.
  public static func make(
    timeS: Double, utc: String, event: String, principal: String? = nil, fields: [(String, String)] = []
  ) -> [UInt8] {
    var text = "{\"time_s\":\(formatSeconds(timeS)),\"utc\":\(JSONValue.quote(utc)),\"event\":\(JSONValue.quote(event))"
    if let principal { text += ",\"principal\":\(JSONValue.quote(principal))" }
    for (name, value) in fields { text += ",\(JSONValue.quote(name)):\(value)" }
    return Array((text + "}").utf8)
  }

  /// Seconds as JSON number text with up to 9 decimals (nanoseconds), no exponent.
  public static func formatSeconds(_ seconds: Double) -> String {
    guard seconds.isFinite else { return "0" }
    var text = String(format: "%.9f", seconds)
    while text.hasSuffix("0") { text.removeLast() }
    if text.hasSuffix(".") { text.removeLast() }
    return text == "-0" ? "0" : text
  }

  /// The shared fields of a parsed entry (absent or mistyped fields are nil).
  public struct Fields: Sendable, Equatable {
    public let timeS: Double?
    public let utc: String?
    public let event: String?
    public let principal: String?

    public init(_ value: JSONValue) {
      timeS = value["time_s"]?.double
      utc = value["utc"]?.string
      event = value["event"]?.string
      principal = value["principal"]?.string
    }
  }
}
