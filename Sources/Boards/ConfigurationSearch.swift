import Foundation

/// Where `cloak` looks for its data files: board files, station files and the runtime
/// configuration. The one place that knows the search order (docs/deployment.md,
/// decision 1101).
///
/// A NAME of a kind (`boards`, `stations`) is looked up as `NAME.yaml` in, in order:
/// 1. the kind's own override directory (`$CLOAK_BOARDS_DIR`, `$CLOAK_STATIONS_DIR`),
/// 2. `$CLOAK_CONFIG_DIR/KIND`,
/// 3. `/etc/cloak/KIND` (the administrator's files, kept by package upgrades),
/// 4. the installed share directory `PREFIX/share/cloak/KIND`, where PREFIX is the
///    parent of the directory holding the running executable (`/usr/bin/cloak` ->
///    `/usr/share/cloak`; a checkout's `.build/debug/cloak` has none),
/// 5. `./KIND` in the current directory,
/// 6. `KIND/` of the package checkout that contains the executable.
///
/// A path (anything with a `/` or a `.yaml`/`.yml` suffix) is used as given. Directories
/// that do not exist are kept in the list (messages name every place searched).
public struct ConfigurationSearch: Sendable {
  /// The kinds of file searched by name.
  public enum Kind: String, Sendable, CaseIterable {
    case boards
    case stations

    /// The environment variable that names a directory searched first for this kind.
    public var overrideVariable: String {
      switch self {
      case .boards: "CLOAK_BOARDS_DIR"
      case .stations: "CLOAK_STATIONS_DIR"
      }
    }
  }

  /// The system configuration directory.
  public static let systemDirectory = "/etc/cloak"
  /// The runtime configuration's file name inside a configuration directory.
  public static let configurationFileName = "cloak.yaml"

  public var environment: [String: String]
  public var currentDirectory: String
  public var executablePath: String?
  /// `/etc/cloak` outside tests.
  public var systemDirectory: String

  public init(
    environment: [String: String] = ProcessInfo.processInfo.environment,
    currentDirectory: String = FileManager.default.currentDirectoryPath,
    executablePath: String? = Bundle.main.executablePath ?? CommandLine.arguments.first,
    systemDirectory: String = ConfigurationSearch.systemDirectory
  ) {
    self.environment = environment
    self.currentDirectory = currentDirectory
    self.executablePath = executablePath
    self.systemDirectory = systemDirectory
  }

  /// The configuration directories, most specific first: `$CLOAK_CONFIG_DIR` (if set),
  /// then `/etc/cloak`.
  public var configurationDirectories: [String] {
    var directories: [String] = []
    if let explicit = environment["CLOAK_CONFIG_DIR"], !explicit.isEmpty { directories.append(explicit) }
    directories.append(systemDirectory)
    return Self.unique(directories)
  }

  /// `PREFIX/share/cloak` for an executable in `PREFIX/bin`, or nil when the executable
  /// is not in a directory named `bin` (a checkout build).
  public var installedShareDirectory: String? {
    guard let executablePath else { return nil }
    let binary = URL(
      fileURLWithPath: executablePath, relativeTo: URL(fileURLWithPath: currentDirectory, isDirectory: true)
    ).standardizedFileURL.resolvingSymlinksInPath().deletingLastPathComponent()
    guard binary.lastPathComponent == "bin" else { return nil }
    return binary.deletingLastPathComponent().appendingPathComponent("share/cloak").path
  }

  /// Every directory searched for `kind`, in order (duplicates removed).
  public func directories(for kind: Kind) -> [String] {
    directories(folder: kind.rawValue, overrideVariable: kind.overrideVariable)
  }

  /// The search order for files kept in `folder` (`boards`, `stations`,
  /// `examples/scenarios`), `overrideVariable` naming a directory searched first.
  public func directories(folder: String, overrideVariable: String) -> [String] {
    var directories: [String] = []
    if let explicit = environment[overrideVariable], !explicit.isEmpty { directories.append(explicit) }
    for base in configurationDirectories { directories.append(Self.join(base, folder)) }
    if let share = installedShareDirectory { directories.append(Self.join(share, folder)) }
    directories.append(Self.join(currentDirectory, folder))
    if let executablePath, let root = Self.packageRoot(above: executablePath, currentDirectory: currentDirectory) {
      directories.append(Self.join(root, folder))
    }
    return Self.unique(directories)
  }

  /// The runtime configuration file: `explicit` when given, else the first
  /// `cloak.yaml` that exists in ``configurationDirectories``; nil when there is none.
  public func configurationFile(explicit: String? = nil) -> String? {
    if let explicit { return explicit }
    return configurationDirectories.map { Self.join($0, Self.configurationFileName) }.first {
      FileManager.default.fileExists(atPath: $0)
    }
  }

  /// Whether `argument` names a file rather than a NAME to search for.
  public static func isPath(_ argument: String) -> Bool {
    argument.contains("/") || argument.hasSuffix(".yaml") || argument.hasSuffix(".yml")
  }

  /// The file for `nameOrPath` of `kind`: the path itself, or the first `NAME.yaml` found;
  /// nil when no directory has it (``directories(for:)`` says where it looked).
  public func locate(_ nameOrPath: String, kind: Kind) -> String? {
    if Self.isPath(nameOrPath) { return nameOrPath }
    return directories(for: kind).map { Self.join($0, nameOrPath + ".yaml") }.first {
      FileManager.default.fileExists(atPath: $0)
    }
  }

  /// The nearest ancestor of the executable's directory holding `Package.swift` and
  /// `boards/` (a checkout).
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

  public static func join(_ directory: String, _ name: String) -> String {
    (directory as NSString).appendingPathComponent(name)
  }

  static func unique(_ items: [String]) -> [String] {
    var seen: [String] = []
    for item in items where !seen.contains(item) { seen.append(item) }
    return seen
  }
}
