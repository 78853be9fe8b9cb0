import Foundation
import Station

/// Finds station files by name or path, with the one lookup rule of ``FileCatalog``:
/// a NAME is `NAME.yaml` in `$CLOAK_STATIONS_DIR`, `./stations`, then the `stations/`
/// directory of the package holding the running executable; anything with a `/` or
/// ending in `.yaml` is a path.
public struct StationCatalog: Sendable {
  /// The station used when none is named.
  public static let defaultStationName = "demo"
  static let environmentVariable = "CLOAK_STATIONS_DIR"

  public var files: FileCatalog

  public init(directories: [String]) {
    files = FileCatalog(kind: "station", environmentVariable: Self.environmentVariable, directories: directories)
  }

  /// The standard search order for this process.
  public static func standard(
    environment: [String: String] = ProcessInfo.processInfo.environment,
    currentDirectory: String = FileManager.default.currentDirectoryPath,
    executablePath: String? = Bundle.main.executablePath ?? CommandLine.arguments.first
  ) -> StationCatalog {
    let found = FileCatalog.standard(
      kind: "station", folder: "stations", environmentVariable: Self.environmentVariable, environment: environment,
      currentDirectory: currentDirectory, executablePath: executablePath)
    return StationCatalog(directories: found.directories)
  }

  /// Every station name found, each with the file that wins.
  public func stations() -> [(name: String, path: String)] { files.files() }

  /// The file for `nameOrPath`; throws `.fileNotFound` naming the places searched.
  public func locate(_ nameOrPath: String) throws(BoardLoadError) -> String { try files.locate(nameOrPath) }

  /// Locates and loads a station by name or path.
  public func load(_ nameOrPath: String) throws(BoardLoadError) -> StationDescription {
    try StationLoader.load(path: try locate(nameOrPath))
  }
}
