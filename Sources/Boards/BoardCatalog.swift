import Foundation

/// Finds board files by name or path.
///
/// A NAME (no `/`, no `.yaml`) is looked up as `NAME.yaml` in each directory of
/// ``directories`` in order; anything else is a path. The standard search order is
/// `$CLOAK_BOARDS_DIR`, then `./boards`, then the `boards/` directory of the package
/// that contains the running executable (so `.build/debug/cloak` finds the repo's
/// boards from any working directory).
public struct BoardCatalog: Sendable {
  /// The board used when none is named: the mock HAL.
  public static let defaultBoardName = "sim"

  public var directories: [String]

  public init(directories: [String]) { self.directories = directories }

  /// The standard search order for this process.
  public static func standard(
    environment: [String: String] = ProcessInfo.processInfo.environment,
    currentDirectory: String = FileManager.default.currentDirectoryPath,
    executablePath: String? = Bundle.main.executablePath ?? CommandLine.arguments.first
  ) -> BoardCatalog {
    var directories: [String] = []
    if let explicit = environment["CLOAK_BOARDS_DIR"], !explicit.isEmpty { directories.append(explicit) }
    directories.append((currentDirectory as NSString).appendingPathComponent("boards"))
    if let executablePath, let root = packageRoot(above: executablePath, currentDirectory: currentDirectory) {
      directories.append((root as NSString).appendingPathComponent("boards"))
    }
    var unique: [String] = []
    for directory in directories where !unique.contains(directory) { unique.append(directory) }
    return BoardCatalog(directories: unique)
  }

  /// The nearest ancestor of the executable's directory holding `Package.swift` and `boards/`.
  static func packageRoot(above executablePath: String, currentDirectory: String) -> String? {
    var url = URL(
      fileURLWithPath: executablePath, relativeTo: URL(fileURLWithPath: currentDirectory, isDirectory: true)
    )
    .standardizedFileURL.resolvingSymlinksInPath().deletingLastPathComponent()
    let manager = FileManager.default
    for _ in 0..<8 {
      if manager.fileExists(atPath: url.appendingPathComponent("Package.swift").path),
        manager.fileExists(atPath: url.appendingPathComponent("boards").path)
      {
        return url.path
      }
      let parent = url.deletingLastPathComponent()
      if parent.path == url.path { break }
      url = parent
    }
    return nil
  }

  /// Whether `argument` names a file rather than a catalogue board.
  public static func isPath(_ argument: String) -> Bool {
    argument.contains("/") || argument.hasSuffix(".yaml") || argument.hasSuffix(".yml")
  }

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
