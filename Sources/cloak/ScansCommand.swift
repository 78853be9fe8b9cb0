import ArgumentParser
import AuditLog
import Composition
import Foundation
import Scheduler
import Station

/// `cloak scans list|pause|resume|skip|requeue|activity|activity-end`: the operator's view of the inspection
/// schedule of a running controller and the scan and crew-activity commands (docs/scheduler.md).
///
/// `list` reads the controller's schedule database (`--schedule-db`) beside it: SQLite in
/// write-ahead-log mode lets a reader read while the controller's writer thread writes,
/// and the reader changes nothing. The commands go over the crew console socket of the
/// command link, through the arbiter and the authority rules like every command; each
/// prints the response line (exit 0 on `ok`, 1 on a rejection, 2 when the link cannot be
/// reached or does not answer, as `cloak command send`).
struct ScansCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "scans",
    abstract:
      "The inspection schedule of a running controller: list it, pause, resume, skip or requeue scans, declare crew"
      + " activity.",
    subcommands: [
      ScansList.self, ScansPause.self, ScansResume.self, ScansSkip.self, ScansRequeue.self, ScansActivity.self,
      ScansActivityEnd.self,
    ]
  )
}

/// The console socket, request id and timeout of a console client (`cloak command send`,
/// `cloak scans`).
struct ConsoleOptions: ParsableArguments {
  @Option(help: "The crew console's Unix socket (default: \(LinkRunOptions.defaultSocket)).")
  var socket: String?

  @Option(name: .customLong("request-id"), help: "The request id.")
  var requestID: UInt64 = 1

  @Option(help: "Seconds to wait for the response.")
  var timeout: Double = 5

  func send(_ words: [String], command: String) throws {
    try ConsoleRequest.send(
      words: words, socket: socket, requestID: requestID, timeout: timeout, command: command)
  }
}

struct ScansPause: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "pause", abstract: "Stop starting scans; drones finish the scan they are on and go home.")
  @OptionGroup var link: ConsoleOptions
  func run() throws { try link.send(["scan_pause"], command: "cloak scans pause") }
}

struct ScansResume: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "resume", abstract: "Start scans again after a pause.")
  @OptionGroup var link: ConsoleOptions
  func run() throws { try link.send(["scan_resume"], command: "cloak scans resume") }
}

struct ScansSkip: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "skip", abstract: "Leave a target out until one interval from now (a scan of it under way stops).")
  @OptionGroup var link: ConsoleOptions
  @Argument(help: "The target id.") var target: String
  func run() throws { try link.send(["scan_skip", "target=\(target)"], command: "cloak scans skip") }
}

struct ScansRequeue: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "requeue", abstract: "Put a target at the front of the queue.")
  @OptionGroup var link: ConsoleOptions
  @Argument(help: "The target id.") var target: String
  func run() throws { try link.send(["scan_requeue", "target=\(target)"], command: "cloak scans requeue") }
}

/// `cloak scans activity MODULE [--for DURATION]`: `crew_activity_start` over the console.
struct ScansActivity: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "activity",
    abstract: "Crew at work in a module: drones keep out of it until activity-end or the end of --for.")
  @OptionGroup var link: ConsoleOptions
  @Argument(help: "The module id.") var module: String
  @Option(name: .customLong("for"), help: "How long the work lasts (e.g. 90m; at most 12h; default 2h).")
  var duration: String?
  func run() throws {
    let words = ["crew_activity_start", "module=\(module)"] + (duration.map { ["duration=\($0)"] } ?? [])
    try link.send(words, command: "cloak scans activity")
  }
}

struct ScansActivityEnd: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "activity-end", abstract: "The crew's work in a module is over: drones may fly there again.")
  @OptionGroup var link: ConsoleOptions
  @Argument(help: "The module id.") var module: String
  func run() throws { try link.send(["crew_activity_end", "module=\(module)"], command: "cloak scans activity-end") }
}

/// `cloak scans list --schedule-db FILE [--station NAME|FILE] [--json] [--recent N]`.
struct ScansList: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "list",
    abstract: "The schedule as the controller last saved it: pause, drones, targets by due time, recent scans.",
    discussion: """
      Times are the controller's clock in UTC (on the sim board, the simulated UTC). A \
      target's due time is its last scan plus its interval from the station file.
      """
  )

  @Option(name: .customLong("schedule-db"), help: "The controller's schedule database (its --schedule-db).")
  var database: String

  @OptionGroup var stationOption: StationOption

  @Option(help: "How many of the latest scans to show.")
  var recent = 10

  @Flag(help: "Print one JSON object.") var json = false

  func run() throws {
    let station = try stationOption.loadOrExit()
    guard FileManager.default.fileExists(atPath: database) else {
      // Opening a missing file would create an empty schedule: say so instead.
      printError("cloak scans list: schedule database \(database): no such file")
      throw ExitCode(1)
    }
    let schedule: PersistedSchedule
    do { schedule = try ScheduleStore(path: database).snapshot() } catch {
      printError("cloak scans list: \(error)")
      throw ExitCode(1)
    }
    let rows = ScheduleListing(station: station, schedule: schedule, recent: max(0, recent))
    print(json ? rows.json() : rows.text(database: database))
  }
}

/// The rows `cloak scans list` prints, from a station and a saved schedule.
struct ScheduleListing {
  struct TargetRow {
    var target: StationDescription.Target
    var saved: PersistedSchedule.TargetState?
    /// Seconds since 1970 on the controller's clock; nil when never saved.
    var dueS: Double?
    /// Drones on a mission to this target.
    var drones: [DroneID]
  }

  var schedule: PersistedSchedule
  var targets: [TargetRow]
  var drones: [(id: DroneID, state: PersistedSchedule.DroneState?)]
  var recentScans: ArraySlice<PersistedSchedule.ScanRow>

  init(station: StationDescription, schedule: PersistedSchedule, recent: Int) {
    self.schedule = schedule
    var missions: [TargetID: [DroneID]] = [:]
    for (drone, state) in schedule.drones {
      if let mission = state.mission, state.state != .docked { missions[mission.target, default: []].append(drone) }
    }
    targets = station.targets.map { target in
      // A target the controller has not changed yet is as the station file says, its age
      // counted back from the first run's start (saved in the database).
      let saved =
        schedule.targets[target.id]
        ?? schedule.fileTimeS.map {
          PersistedSchedule.TargetState(
            lastScanS: $0 - target.lastInspectedHAgo * 3_600, finding: target.lastFinding, skippedUntilS: -.infinity,
            requeued: false)
        }
      return TargetRow(
        target: target, saved: saved, dueS: saved.map { $0.lastScanS + target.intervalH * 3_600 },
        drones: (missions[target.id] ?? []).sorted { $0.rawValue < $1.rawValue })
    }
    // Due first; never-saved targets last, each group in station-file order.
    targets = targets.enumerated().sorted { a, b in
      switch (a.element.dueS, b.element.dueS) {
      case (let x?, let y?) where x != y: return x < y
      case (.some, nil): return true
      case (nil, .some): return false
      default: return a.offset < b.offset
      }
    }.map(\.element)
    drones = station.drones.map { ($0.id, schedule.drones[$0.id]) }
    recentScans = schedule.scans.suffix(recent)
  }

  static func utc(_ seconds: Double) -> String {
    guard seconds.isFinite, abs(seconds) < 1e11 else { return "-" }
    return EventRecordFormatter.utc(Int64((seconds * 1e9).rounded()))
  }

  static func state(_ row: TargetRow) -> String {
    var parts: [String] = []
    if !row.drones.isEmpty { parts.append("drone " + row.drones.map(\.rawValue).joined(separator: ",")) }
    if let saved = row.saved {
      if saved.requeued { parts.append("requeued") }
      if saved.skippedUntilS.isFinite, let due = row.dueS, saved.skippedUntilS > due {
        parts.append("skipped until " + utc(saved.skippedUntilS))
      }
    } else {
      parts.append("not started on this database")
    }
    return parts.joined(separator: ", ")
  }

  func text(database: String) -> String {
    var lines = [
      "schedule \(database): boot epoch \(schedule.bootEpoch), scans \(schedule.paused ? "PAUSED" : "running")"
        + (schedule.dronesStoppedBy.map { ", drones STOPPED by \($0) (stop_all_drones) until scan_resume" } ?? ""),
      "drones:",
    ]
    for (id, state) in drones {
      guard let state else {
        lines.append("  \(id.rawValue)  not saved yet")
        continue
      }
      var line = "  \(id.rawValue)  \(state.state)"
      if let mission = state.mission, state.state != .docked {
        line += "  \(mission.target.rawValue) in \(mission.module.rawValue)"
      }
      lines.append(line)
    }
    // Saved activities; one whose end has passed is ended at the controller's next tick.
    for (module, until) in schedule.crewActivity.sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
      lines.append("crew activity: \(module.rawValue) until \(Self.utc(until)) (drones kept out)")
    }
    lines.append("targets (due first):")
    let header = ["TARGET", "KIND", "MODULE", "LAST SCAN (UTC)", "FINDING", "DUE (UTC)", "STATE"]
    var table = [header]
    for row in targets {
      table.append([
        row.target.id.rawValue, row.target.kind.rawValue, row.target.module.rawValue,
        row.saved.map { Self.utc($0.lastScanS) } ?? "-", row.saved.map { $0.finding.rawValue } ?? "-",
        row.dueS.map(Self.utc) ?? "-", Self.state(row),
      ])
    }
    let widths = header.indices.map { column in table.map { $0[column].count }.max() ?? 0 }
    for cells in table {
      let padded = cells.enumerated().map { index, cell in
        index == cells.count - 1 ? cell : cell.padding(toLength: widths[index], withPad: " ", startingAt: 0)
      }
      lines.append("  " + padded.joined(separator: "  ").trimmingCharacters(in: .whitespaces))
    }
    lines.append("recent scans (\(recentScans.count) of \(schedule.scans.count)):")
    for scan in recentScans {
      lines.append(
        "  \(Self.utc(scan.endS))  \(scan.drone.rawValue)  \(scan.target.rawValue)  \(scan.finding.rawValue)"
          + (scan.note.isEmpty ? "" : "  \(scan.note)"))
    }
    return lines.joined(separator: "\n")
  }

  func json() -> String {
    func quote(_ text: String) -> String { JSONValue.quote(text) }
    func time(_ seconds: Double?) -> String { seconds.map { quote(Self.utc($0)) } ?? "null" }
    let droneItems = drones.map { id, state -> String in
      guard let state else { return "{\"drone\":\(quote(id.rawValue)),\"state\":null}" }
      let mission = state.mission.flatMap { m -> String? in
        state.state == .docked
          ? nil : "{\"target\":\(quote(m.target.rawValue)),\"module\":\(quote(m.module.rawValue))}"
      }
      return "{\"drone\":\(quote(id.rawValue)),\"state\":\(quote("\(state.state)")),\"mission\":\(mission ?? "null")}"
    }
    let targetItems = targets.map { row -> String in
      let skipped = row.saved.flatMap { saved -> Double? in
        guard saved.skippedUntilS.isFinite, let due = row.dueS, saved.skippedUntilS > due else { return nil }
        return saved.skippedUntilS
      }
      return "{\"target\":\(quote(row.target.id.rawValue)),\"kind\":\(quote(row.target.kind.rawValue)),"
        + "\"module\":\(quote(row.target.module.rawValue)),\"last_scan\":\(time(row.saved?.lastScanS)),"
        + "\"finding\":\(row.saved.map { quote($0.finding.rawValue) } ?? "null"),\"due\":\(time(row.dueS)),"
        + "\"requeued\":\(row.saved?.requeued ?? false),\"skipped_until\":\(time(skipped)),"
        + "\"drones\":[\(row.drones.map { quote($0.rawValue) }.joined(separator: ","))]}"
    }
    let scanItems = recentScans.map { scan in
      "{\"end\":\(time(scan.endS)),\"drone\":\(quote(scan.drone.rawValue)),\"target\":\(quote(scan.target.rawValue)),"
        + "\"finding\":\(quote(scan.finding.rawValue)),\"note\":\(quote(scan.note))}"
    }
    let activityItems = schedule.crewActivity.sorted(by: { $0.key.rawValue < $1.key.rawValue }).map {
      "{\"module\":\(quote($0.key.rawValue)),\"until\":\(time($0.value))}"
    }
    let stopper = schedule.dronesStoppedBy.map { quote($0.description) } ?? "null"
    return "{\"boot_epoch\":\(schedule.bootEpoch),\"paused\":\(schedule.paused),\"drones_stopped_by\":\(stopper),"
      + "\"crew_activity\":[\(activityItems.joined(separator: ","))],"
      + "\"drones\":[\(droneItems.joined(separator: ","))],\"targets\":[\(targetItems.joined(separator: ","))],"
      + "\"scans_total\":\(schedule.scans.count),\"recent_scans\":[\(scanItems.joined(separator: ","))]}"
  }
}
