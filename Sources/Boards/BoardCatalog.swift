import Foundation

/// Finds board files by name or path, with the one lookup rule of ``FileCatalog``.
///
/// A NAME (no `/`, no `.yaml`) is looked up as `NAME.yaml` in each directory of
/// ``directories`` in order; anything else is a path. The standard search order is
/// `$CLOAK_BOARDS_DIR`, then `./boards`, then the `boards/` directory of the package
/// that contains the running executable (so `.build/debug/cloak` finds the repo's
/// boards from any working directory).
public struct BoardCatalog: Sendable {
  /// The board used when none is named: the mock HAL.
  public static let defaultBoardName = "sim"
  static let environmentVariable = "CLOAK_BOARDS_DIR"

  public var directories: [String]

  public init(directories: [String]) { self.directories = directories }

  /// The standard search order for this process.
  public static func standard(
    environment: [String: String] = ProcessInfo.processInfo.environment,
    currentDirectory: String = FileManager.default.currentDirectoryPath,
    executablePath: String? = Bundle.main.executablePath ?? CommandLine.arguments.first
  ) -> BoardCatalog {
    let files = FileCatalog.standard(
      kind: "board", folder: "boards", environmentVariable: environmentVariable, environment: environment,
      currentDirectory: currentDirectory, executablePath: executablePath)
    return BoardCatalog(directories: files.directories)
  }

  private var files: FileCatalog {
    FileCatalog(kind: "board", environmentVariable: Self.environmentVariable, directories: directories)
  }

  /// Whether `argument` names a file rather than a catalogue board.
  public static func isPath(_ argument: String) -> Bool { FileCatalog.isPath(argument) }

  /// Every board name found, each with the file that wins (first directory first).
  public func boards() -> [(name: String, path: String)] { files.files() }

  /// The file for `nameOrPath`; throws `.fileNotFound` naming the places searched.
  public func locate(_ nameOrPath: String) throws(BoardLoadError) -> String { try files.locate(nameOrPath) }

  /// Locates and loads a board by name or path.
  public func load(_ nameOrPath: String) throws(BoardLoadError) -> BoardDescription {
    try BoardLoader.load(path: try locate(nameOrPath))
  }
}
