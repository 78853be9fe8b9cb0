import ArgumentParser
import Composition
import Drivers
import Foundation
import HAL

/// `cloak sensor read ROLE [--board PATH] [--count N] [--json]`: live readings.
struct SensorRead: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "read",
    abstract: "Read a pressure sensor of a board by its role (e.g. pressure.node1.a).",
    discussion: """
      Brings the board up (outputs at their safe values), initialises the sensor and \
      prints COUNT readings, one per line, at the sensor's minimum period or --interval-ms.
      """
  )

  @Argument(help: "The sensor's role in the board file.")
  var role: String

  @OptionGroup var boardOption: BoardOption

  @Option(help: "How many readings.")
  var count: Int = 1

  @Option(help: "Time between readings in ms (default: the sensor's minimum period).")
  var intervalMs: Int?

  @Flag(help: "One JSON object per reading.")
  var json = false

  func validate() throws {
    guard count > 0 else { throw ValidationError("--count must be at least 1") }
    if let intervalMs, intervalMs < 0 { throw ValidationError("--interval-ms must not be negative") }
  }

  func run() throws {
    let board = try boardOption.bringUp()
    defer {
      for failure in board.applySafeState() { printError("cloak sensor read: safe state: \(failure)") }
      board.release()
    }
    guard let sensor = board.pressureSensors[role] else {
      let known = board.board.i2cDevices.values.filter(\.kind.isPressureSensor).map(\.role).sorted()
      let reason = board.problems.first { $0.role == role }.map { "did not come up: \($0)" }
      printError(
        "cloak sensor read: \(reason ?? "no pressure sensor '\(role)' on board \(board.board.name)"); sensors: "
          + known.joined(separator: ", "))
      throw ExitCode(1)
    }
    let clock = board.clock
    let interval = intervalMs.map { Duration.milliseconds($0) } ?? sensor.minimumPeriod
    let start = clock.now()
    var next = start
    for index in 0..<count {
      if index > 0 {
        next = next.advanced(by: interval)
        clock.sleep(until: next)
      }
      do {
        let reading = try sensor.readOnce(clock: clock)
        print(Self.format(reading, role: role, elapsed: start.duration(to: reading.timestamp), json: json))
      } catch {
        printError("cloak sensor read: \(error)")
        throw ExitCode(1)
      }
    }
  }

  static func format(_ r: SensorReading, role: String, elapsed: Duration, json: Bool) -> String {
    let seconds = elapsed.secondsDouble
    if json {
      var fields = [
        "\"role\": \"\(role)\"", "\"chip\": \"\(r.kind.rawValue)\"", "\"t_s\": \(seconds)",
        "\"temperature_c\": \(r.temperature.celsius)", "\"pressure_pa\": \(r.pressure.pascals)",
      ]
      if let h = r.humidity { fields.append("\"humidity_pct\": \(h.percent)") }
      return "{" + fields.joined(separator: ", ") + "}"
    }
    let humidity = r.humidity.map { String(format: "  %.2f %%RH", $0.percent) } ?? ""
    return String(
      format: "%8.3f s  %@  %@  %.2f C  %.2f Pa%@", seconds, role, r.kind.rawValue, r.temperature.celsius,
      r.pressure.pascals, humidity)
  }
}
