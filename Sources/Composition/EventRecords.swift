import AuditLog
import Controller
import Foundation
import HAL
import Station

/// What a run's first and last event records say beyond the event itself.
public struct RunInfo: Sendable, Hashable {
  public var board: String
  public var station: String
  public var softwareVersion: String
  /// Why the run stopped (set before the stop event is emitted): `completed`,
  /// `signal`, `error`.
  public var stopReason: String

  public init(board: String, station: String, softwareVersion: String, stopReason: String = "completed") {
    self.board = board
    self.station = station
    self.softwareVersion = softwareVersion
    self.stopReason = stopReason
  }
}

/// Formats events as records: one JSON object per event, with `time_s` (seconds since
/// `origin`, monotonic), `utc` (RFC 3339, milliseconds), `event` (the snake_case
/// ``EventCode`` name), `severity`, the subject's fields (`module`, `sensor`, `hatch`,
/// `drone`, `target`, `output`, `group`, `component`), `value` (and `unit` where the
/// code has one), `rate_pct_per_h` where the event has a rate (leak events add
/// `rate_kg_per_day` and `rate_mmhg_per_day`), `step` for isolation steps, and for command events
/// `principal`, `request_id`, `command` and `rejection`. The run's first and last
/// records add `board`, `station`, `version` and `reason`. The key order is fixed, so
/// the same events give the same bytes. Format: docs/events.md.
public struct EventRecordFormatter: Sendable {
  /// The monotonic instant `time_s` counts from (the run's start).
  public var origin: MonotonicInstant
  public var run: RunInfo

  public init(origin: MonotonicInstant, run: RunInfo) {
    self.origin = origin
    self.run = run
  }

  /// The record of `event` as one line of JSON (no trailing newline).
  public func json(_ event: Event, subject: EventSubject) -> String {
    var out = "{\"time_s\":"
    out += Self.number(Double(event.monotonic.nanoseconds &- origin.nanoseconds) / 1e9)
    out += ",\"utc\":\"" + Self.utc(event.wallNanoseconds) + "\""
    out += ",\"event\":\"\(event.code)\",\"severity\":\"\(event.severity)\""
    for (key, value) in subject.fields { out += ",\"\(key)\":" + JSONValue.quote(value) }
    if !event.value.isNaN { out += ",\"value\":" + Self.number(event.value) }
    if let unit = event.code.unit { out += ",\"unit\":\"\(unit)\"" }
    if !event.rate.isNaN { out += ",\"rate_pct_per_h\":" + Self.number(event.rate) }
    if !event.rateKgPerDay.isNaN { out += ",\"rate_kg_per_day\":" + Self.number(event.rateKgPerDay) }
    if !event.rateMmHgPerDay.isNaN { out += ",\"rate_mmhg_per_day\":" + Self.number(event.rateMmHgPerDay) }
    if let principal = event.principal { out += ",\"principal\":\"\(principal)\"" }
    if let command = event.command {
      out += ",\"command\":\"\(command)\",\"request_id\":\(event.requestID)"
    }
    if let rejection = event.rejection { out += ",\"rejection\":\"\(rejection)\"" }
    switch event.code {
    case .runStarted:
      out += ",\"board\":" + JSONValue.quote(run.board) + ",\"station\":" + JSONValue.quote(run.station)
      out += ",\"version\":" + JSONValue.quote(run.softwareVersion)
    case .runStopped:
      out += ",\"reason\":" + JSONValue.quote(run.stopReason)
    case .controlChanged:
      out += ",\"holder\":\"" + Self.holderName(event.value) + "\""
    case .isolationStep:
      out += ",\"step\":\"" + IsolationStep.name(code: event.value) + "\""
    case .alarmAcknowledged:
      out += ",\"alarm\":\"" + ModuleAlarmStatus.alarmName(code: event.value) + "\""
    default:
      break
    }
    return out + "}"
  }

  /// The event in words for a terminal: time since start, severity, name, subject and
  /// the fields that matter.
  public func words(_ event: Event, subject: EventSubject) -> String {
    let seconds = Double(event.monotonic.nanoseconds &- origin.nanoseconds) / 1e9
    var line = String(format: "%10.1f s  %-7@ %@", seconds, "\(event.severity)", "\(event.code)")
    line += " [\(subject)]"
    if let principal = event.principal { line += " by \(principal)" }
    if let command = event.command { line += " \(command) #\(event.requestID)" }
    if let rejection = event.rejection { line += " rejected: \(rejection)" }
    if event.code == .runStarted { line += " board \(run.board), station \(run.station), cloak \(run.softwareVersion)" }
    if event.code == .runStopped { line += " (\(run.stopReason))" }
    if event.code == .controlChanged { line += " now held by " + Self.holderName(event.value) }
    if event.command == nil, event.value != 0, !event.value.isNaN {
      line += " " + Self.number(event.value) + (event.code.unit.map { " \($0)" } ?? "")
    }
    if event.code == .isolationStep { line += " " + IsolationStep.name(code: event.value) }
    if event.code == .alarmAcknowledged { line += " " + ModuleAlarmStatus.alarmName(code: event.value) }
    if !event.rate.isNaN { line += " " + Self.number(event.rate) + " %/h" }
    if !event.rateKgPerDay.isNaN { line += String(format: " %.2f kg/day", event.rateKgPerDay) }
    if !event.rateMmHgPerDay.isNaN { line += String(format: " %.2f mmHg/day", event.rateMmHgPerDay) }
    return line
  }

  /// The control holder's name for a ``EventCode/controlChanged`` value.
  static func holderName(_ value: Double) -> String {
    switch value {
    case 1: return "crew"
    case 2: return "ground"
    default: return "nobody"
    }
  }

  /// A JSON number: integers without a fraction, others in Swift's shortest
  /// round-trip form; non-finite values as null.
  static func number(_ value: Double) -> String {
    guard value.isFinite else { return "null" }
    if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
    return "\(value)"
  }

  /// RFC 3339 UTC with milliseconds from nanoseconds since 1970 (proleptic Gregorian;
  /// civil-from-days after H. Hinnant, "chrono-Compatible Low-Level Date Algorithms").
  public static func utc(_ nanoseconds: Int64) -> String {
    let millis = nanoseconds >= 0 ? nanoseconds / 1_000_000 : (nanoseconds - 999_999) / 1_000_000
    var days = millis >= 0 ? millis / 86_400_000 : (millis - 86_399_999) / 86_400_000
    let msOfDay = millis - days * 86_400_000
    days += 719_468
    let era = (days >= 0 ? days : days - 146_096) / 146_097
    let dayOfEra = days - era * 146_097
    let yearOfEra = (dayOfEra - dayOfEra / 1_460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
    let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
    let mp = (5 * dayOfYear + 2) / 153
    let day = dayOfYear - (153 * mp + 2) / 5 + 1
    let month = mp < 10 ? mp + 3 : mp - 9
    let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
    return String(
      format: "%04lld-%02lld-%02lldT%02lld:%02lld:%02lld.%03lldZ", year, month, day, msOfDay / 3_600_000,
      msOfDay / 60_000 % 60, msOfDay / 1_000 % 60, msOfDay % 1_000)
  }
}

/// Writes every event as one JSON line to a file (`cloak run --events FILE.jsonl`).
/// Each audited event (commands, safety actions) is flushed to the kernel as it is
/// written, so a crash loses none of them; others are flushed at least every 64 lines
/// and on ``close()``.
public final class EventFileWriter: EventConsumer, @unchecked Sendable {
  public var formatter: EventRecordFormatter
  private let handle: FileHandle
  private var buffer = Data()
  private var pending = 0
  public let path: String

  /// Opens (creates or truncates) `path`. Throws ``OutputFileError`` naming the path.
  public init(path: String, formatter: EventRecordFormatter) throws(OutputFileError) {
    var isDirectory: ObjCBool = false
    if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
      throw OutputFileError(path: path, problem: "is a directory")
    }
    guard FileManager.default.createFile(atPath: path, contents: nil),
      let handle = FileHandle(forWritingAtPath: path)
    else {
      throw OutputFileError(path: path, problem: "cannot be created (no such directory, or no permission)")
    }
    self.handle = handle
    self.path = path
    self.formatter = formatter
  }

  public func consume(_ event: Event, subject: EventSubject) {
    buffer.append(contentsOf: Array((formatter.json(event, subject: subject) + "\n").utf8))
    pending += 1
    if event.code.isAudited || pending >= 64 { flush() }
  }

  /// Writes what is buffered.
  public func flush() {
    guard !buffer.isEmpty else { return }
    handle.write(buffer)
    buffer.removeAll(keepingCapacity: true)
    pending = 0
  }

  /// Flushes and closes the file.
  public func close() {
    flush()
    try? handle.close()
  }
}

/// Hands each event to several consumers in order (a terminal printer and a file).
public final class EventFanOut: EventConsumer, @unchecked Sendable {
  private let consumers: [any EventConsumer]
  public init(_ consumers: [any EventConsumer]) { self.consumers = consumers }
  public func consume(_ event: Event, subject: EventSubject) {
    for consumer in consumers { consumer.consume(event, subject: subject) }
  }
}

/// A file the controller writes could not be opened.
public struct OutputFileError: Error, Sendable, Hashable, CustomStringConvertible {
  public var path: String
  public var problem: String
  public init(path: String, problem: String) {
    self.path = path
    self.problem = problem
  }
  public var description: String { "\(path): \(problem)" }
}

/// Wall clock from Foundation (CLOCK_REALTIME); used for event timestamps only.
public final class FoundationWallClock: WallClock, @unchecked Sendable {
  public init() {}
  public func nanosecondsSince1970() -> Int64 {
    Int64(exactly: (Date().timeIntervalSince1970 * 1e9).rounded()) ?? 0
  }
}
