import Foundation
import Station
import Yams

/// Reads and validates station files (format: docs/station-format.md).
///
/// Loading either returns a fully validated ``StationDescription`` or throws a
/// ``BoardLoadError`` listing every problem, each as `FILE:LINE: KEY.PATH: message`
/// with a ``BoardError/Kind`` tests and tools match on. Binding the station to a board
/// is a separate step (``StationBinding``): one station file serves every board.
public enum StationLoader {
  /// Reads the station file at `path`.
  public static func load(path: String) throws(BoardLoadError) -> StationDescription {
    let text = try YAMLDocument.read(path)
    return try load(yaml: text, file: path)
  }

  /// Parses `yaml` as a station file called `file` (used in every message).
  public static func load(yaml: String, file: String) throws(BoardLoadError) -> StationDescription {
    let root = try YAMLDocument.compose(yaml, file: file, what: "station")
    let diagnostics = Diagnostics(file: file)
    var parser = StationParser(diagnostics: diagnostics)
    let station = parser.parse(root)
    // Whole-station rules need every part: on a partial parse, a module left out would
    // show up again as a disconnected graph or a missing return vehicle.
    if let station, diagnostics.errors.isEmpty {
      StationChecks(station: station, diagnostics: diagnostics).run()
    }
    guard let station, diagnostics.errors.isEmpty else {
      throw BoardLoadError(errors: diagnostics.sortedErrors)
    }
    return station
  }
}
