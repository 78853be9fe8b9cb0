import Foundation

/// Finds board files by name or path.
///
/// A NAME (no `/`, no `.yaml`) is looked up as `NAME.yaml` in each directory of
/// ``directories`` in order; anything else is a path. The standard search order is
/// ``ConfigurationSearch``'s for boards: `$CLOAK_BOARDS_DIR`, `$CLOAK_CONFIG_DIR/boards`,
/// `/etc/cloak/boards`, the installed `PREFIX/share/cloak/boards`, `./boards`, then the
/// `boards/` directory of the checkout that contains the running executable (so
/// `.build/debug/cloak` finds the repo's boards from any working directory).
public struct BoardCatalog: Sendable {
  /// The board used when none is named: the mock HAL.
  public static let defaultBoardName = "sim"

  public var directories: [String]

  public init(directories: [String]) { self.directories = directories }

  /// The standard search order for this process (``ConfigurationSearch``).
  public static func standard(_ search: ConfigurationSearch = ConfigurationSearch()) -> BoardCatalog {
    BoardCatalog(directories: search.directories(for: .boards))
  }

  /// The standard search order with its inputs given (tests).
  public static func standard(
    environment: [String: String], currentDirectory: String, executablePath: String?,
    systemDirectory: String = ConfigurationSearch.systemDirectory
  ) -> BoardCatalog {
    standard(
      ConfigurationSearch(
        environment: environment, currentDirectory: currentDirectory, executablePath: executablePath,
        systemDirectory: systemDirectory))
  }

  /// Whether `argument` names a file rather than a catalogue board.
  public static func isPath(_ argument: String) -> Bool { ConfigurationSearch.isPath(argument) }

  /// Every board name found, each with the file that wins (first directory first).
  public func boards() -> [(name: String, path: String)] {
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
    let searched = directories.isEmpty ? "no board directories" : directories.joined(separator: ", ")
    throw BoardLoadError(errors: [
      BoardError(
        .fileNotFound, file: nameOrPath, line: 0, keyPath: "",
        message: "no board named '\(nameOrPath)' (searched \(searched); set CLOAK_BOARDS_DIR to add one)")
    ])
  }

  /// Locates and loads a board by name or path.
  public func load(_ nameOrPath: String) throws(BoardLoadError) -> BoardDescription {
    try BoardLoader.load(path: try locate(nameOrPath))
  }
}
