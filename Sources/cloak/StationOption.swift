import ArgumentParser
import Boards
import Station

/// `--station NAME|PATH` for every command that needs a station (default: demo).
struct StationOption: ParsableArguments {
  @Option(name: .long, help: "Station name (looked up in stations/) or path to a station file.")
  var station: String = StationCatalog.defaultStationName

  /// Loads the station, or prints every problem (file, line, key path) and exits 1
  /// without a backtrace.
  func loadOrExit() throws -> StationDescription {
    do {
      return try StationCatalog.standard().load(station)
    } catch {
      printError("cloak: station \(station): \(error)")
      throw ExitCode(1)
    }
  }
}
