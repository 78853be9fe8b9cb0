import ArgumentParser
import Composition
import Foundation
import Scheduler

/// `--schedule-db FILE`: the inspection scheduler's SQLite database (docs/scheduler.md,
/// decision 1310). On the sim board the default is a fresh database in a directory of
/// the run's own under the system's temporary directory, removed when the run ends, so
/// every run starts from the station file and the same seed gives the same events; a
/// given FILE is kept, and a later run with the same FILE resumes the schedule saved
/// there (a controller restart). On a Linux board the scheduler runs only with
/// `--schedule-db` (there are no drone link drivers yet).
struct ScheduleDatabaseOption: ParsableArguments {
  @Option(
    name: .customLong("schedule-db"),
    help: "The scheduler's database (default on sim: a fresh one in a temporary directory, removed at the end).")
  var path: String?

  /// A database for a simulated run: the given path, or a fresh one in a new temporary
  /// directory (`cleanup` removes that directory). Throws naming the directory when it
  /// cannot be created.
  func forSimulation() throws -> (path: String, cleanup: () -> Void) {
    if let path { return (path, {}) }
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
      "cloak-run-\(ProcessInfo.processInfo.processIdentifier)-\(UInt32.random(in: 0...UInt32.max))")
    do {
      try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    } catch {
      printError("cloak: schedule database: cannot create \(directory.path): \(error.localizedDescription)")
      throw ExitCode(1)
    }
    return (
      directory.appendingPathComponent("schedule.db").path, { try? FileManager.default.removeItem(at: directory) }
    )
  }

  /// On a Linux board: with `--schedule-db`, opens the database, restores what it holds,
  /// adds the inspection scheduler to `assembly`'s planner group and starts the writer
  /// thread (the caller stops it) and returns both; without, nothing (nil). Exits 1
  /// naming the file when the database cannot be opened.
  func attach(to assembly: ControllerAssembly) throws -> (writer: ScheduleWriter, fleet: FleetControl)? {
    guard let path else { return nil }
    do {
      let store = try ScheduleStore(path: path)
      let writer = ScheduleWriter(store: store)
      let fleet = try assembly.addInspectionScheduler(writer: writer, saved: try store.load())
      writer.start()
      return (writer, fleet)
    } catch {
      printError("cloak run: \(error)")
      throw ExitCode(1)
    }
  }
}
