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
    let text: String
    do {
      text = try String(contentsOfFile: path, encoding: .utf8)
    } catch {
      let reason = FileManager.default.fileExists(atPath: path) ? "cannot be read as UTF-8 text" : "no such file"
      throw BoardLoadError(errors: [BoardError(.fileNotFound, file: path, line: 0, keyPath: "", message: reason)])
    }
    return try load(yaml: text, file: path)
  }

  /// Parses `yaml` as a station file called `file` (used in every message).
  public static func load(yaml: String, file: String) throws(BoardLoadError) -> StationDescription {
    let root: Node
    do {
      guard let composed = try Yams.compose(yaml: yaml) else {
        throw BoardLoadError(errors: [
          BoardError(.missingKey, file: file, line: 1, keyPath: "", message: "the station file is empty")
        ])
      }
      root = composed
    } catch let error as BoardLoadError {
      throw error
    } catch {
      throw BoardLoadError(errors: [YAMLErrorTranslation.boardError(error, yaml: yaml, file: file)])
    }
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
