import Foundation
import Station
import Yams

/// Reads and validates scenario files (format: docs/scenario-format.md) for one station.
///
/// Loading either returns a fully validated ``ScenarioDescription`` or throws a
/// ``BoardLoadError`` listing every problem, each as `FILE:LINE: KEY.PATH: message`,
/// exactly as board and station files.
public enum ScenarioLoader {
  /// Reads the scenario file at `path`.
  public static func load(path: String, station: StationDescription, vocabulary: ScenarioVocabulary)
    throws(BoardLoadError) -> ScenarioDescription
  {
    let text = try YAMLDocument.read(path)
    return try load(yaml: text, file: path, station: station, vocabulary: vocabulary)
  }

  /// Parses `yaml` as a scenario file called `file` (used in every message).
  public static func load(yaml: String, file: String, station: StationDescription, vocabulary: ScenarioVocabulary)
    throws(BoardLoadError) -> ScenarioDescription
  {
    let root = try YAMLDocument.compose(yaml, file: file, what: "scenario")
    let diagnostics = Diagnostics(file: file)
    let parser = ScenarioParser(diagnostics: diagnostics, station: station, vocabulary: vocabulary)
    let scenario = parser.parse(root)
    guard let scenario, diagnostics.errors.isEmpty else { throw BoardLoadError(errors: diagnostics.sortedErrors) }
    return scenario
  }
}

/// Finds scenario files by name or path, with the one lookup rule of ``FileCatalog``:
/// a NAME is `NAME.yaml` in `$CLOAK_SCENARIOS_DIR`, `./examples/scenarios`, then the
/// `examples/scenarios/` directory of the package holding the running executable.
public struct ScenarioCatalog: Sendable {
  /// The scenario `cloak run` plays when it runs until a signal on the sim board.
  public static let demoScenarioName = "demo"
  static let environmentVariable = "CLOAK_SCENARIOS_DIR"

  public var files: FileCatalog

  public init(directories: [String]) {
    files = FileCatalog(kind: "scenario", environmentVariable: Self.environmentVariable, directories: directories)
  }

  /// The standard search order for this process.
  public static func standard(
    environment: [String: String] = ProcessInfo.processInfo.environment,
    currentDirectory: String = FileManager.default.currentDirectoryPath,
    executablePath: String? = Bundle.main.executablePath ?? CommandLine.arguments.first
  ) -> ScenarioCatalog {
    let found = FileCatalog.standard(
      kind: "scenario", folder: "examples/scenarios", environmentVariable: Self.environmentVariable,
      environment: environment, currentDirectory: currentDirectory, executablePath: executablePath)
    return ScenarioCatalog(directories: found.directories)
  }

  /// Every scenario name found, each with the file that wins.
  public func scenarios() -> [(name: String, path: String)] { files.files() }

  /// The file for `nameOrPath`; throws `.fileNotFound` naming the places searched.
  public func locate(_ nameOrPath: String) throws(BoardLoadError) -> String { try files.locate(nameOrPath) }
}
