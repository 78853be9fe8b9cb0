import Foundation

/// Finds the project's YAML data files (boards, stations) by name or path: the one
/// lookup rule for every kind of file.
///
/// A NAME (no `/`, no `.yaml`/`.yml`) is looked up as `NAME.yaml` in each directory of
/// ``directories`` in order; anything else is a path. The standard search order is
/// ``ConfigurationSearch``'s (`$ENVIRONMENT_VARIABLE`, the configuration directories,
/// the installed share directory, `./FOLDER`, then the package that contains the running
/// executable, so `.build/debug/cloak` finds the repo's files from any directory).
public struct FileCatalog: Sendable {
  /// What the files are, for messages (`board`, `station`).
  public var kind: String
  /// The environment variable that adds a directory first (`CLOAK_BOARDS_DIR`).
  public var environmentVariable: String
  public var directories: [String]

  public init(kind: String, environmentVariable: String, directories: [String]) {
    self.kind = kind
    self.environmentVariable = environmentVariable
    self.directories = directories
  }

  /// The standard search order for this process, for files kept in `folder`: the one
  /// order of ``ConfigurationSearch`` (decision 1101).
  public static func standard(
    kind: String, folder: String, environmentVariable: String,
    environment: [String: String] = ProcessInfo.processInfo.environment,
    currentDirectory: String = FileManager.default.currentDirectoryPath,
    executablePath: String? = Bundle.main.executablePath ?? CommandLine.arguments.first
  ) -> FileCatalog {
    let search = ConfigurationSearch(
      environment: environment, currentDirectory: currentDirectory, executablePath: executablePath)
    return FileCatalog(
      kind: kind, environmentVariable: environmentVariable,
      directories: search.directories(folder: folder, overrideVariable: environmentVariable))
  }

  /// Whether `argument` names a file rather than a catalogue entry.
  public static func isPath(_ argument: String) -> Bool { ConfigurationSearch.isPath(argument) }

  /// Every name found, each with the file that wins (first directory first).
  public func files() -> [(name: String, path: String)] {
    var found: [String: String] = [:]
    for directory in directories.reversed() {
      let files = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
      for file in files where file.hasSuffix(".yaml") {
        found[String(file.dropLast(5))] = (directory as NSString).appendingPathComponent(file)
      }
    }
    return found.keys.sorted().compactMap { name in found[name].map { (name, $0) } }
  }

  /// The file for `nameOrPath`; throws `.fileNotFound` naming the places searched.
  public func locate(_ nameOrPath: String) throws(BoardLoadError) -> String {
    if Self.isPath(nameOrPath) { return nameOrPath }
    for directory in directories {
      let path = (directory as NSString).appendingPathComponent(nameOrPath + ".yaml")
      if FileManager.default.fileExists(atPath: path) { return path }
    }
    let searched = directories.isEmpty ? "no \(kind) directories" : directories.joined(separator: ", ")
    throw BoardLoadError(errors: [
      BoardError(
        .fileNotFound, file: nameOrPath, line: 0, keyPath: "",
        message: "no \(kind) named '\(nameOrPath)' (searched \(searched); set \(environmentVariable) to add one)")
    ])
  }
}
