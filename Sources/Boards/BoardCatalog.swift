import Foundation

/// Finds board files by name or path, with the one lookup rule of ``FileCatalog``.
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
  static let environmentVariable = "CLOAK_BOARDS_DIR"

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

  private var files: FileCatalog {
    FileCatalog(kind: "board", environmentVariable: Self.environmentVariable, directories: directories)
  }

  /// Every board name found, each with the file that wins (first directory first).
  public func boards() -> [(name: String, path: String)] { files.files() }

  /// The file for `nameOrPath`; throws `.fileNotFound` naming the places searched.
  public func locate(_ nameOrPath: String) throws(BoardLoadError) -> String { try files.locate(nameOrPath) }

  /// Locates and loads a board by name or path.
  public func load(_ nameOrPath: String) throws(BoardLoadError) -> BoardDescription {
    try BoardLoader.load(path: try locate(nameOrPath))
  }
}
