import Foundation
import HAL
import Yams

/// The deployed controller's settings (`/etc/cloak/cloak.yaml`, docs/deployment.md):
/// which board and station to run and how to set up real time. Read with the board
/// files' located errors (`FILE:LINE: KEY.PATH: message`).
///
/// ```yaml
/// version: 1
/// board: raspberry-pi-4          # NAME (searched as boards are) or a path
/// station: demo                  # NAME (searched in the stations directories) or a path
/// keys: keys                     # directory of operator keys (relative to this file)
/// audit: /var/lib/cloak/audit.log # the controller's audit log (relative to this file)
/// api:                           # the operator API (docs/operator-api.md); absent: off
///   listen: 127.0.0.1:8080       # HOST:PORT (port 0: any free port)
///   history: /var/lib/cloak/history.db   # module history, SQLite, 3 days (optional)
///   crew_secret: /etc/cloak/crew.secret  # the crew's bearer secret file (optional)
/// realtime:
///   priority: 80                 # SCHED_FIFO priority of the base thread, 1...99
///   cpu: 3                       # pin the loop's threads to this CPU
///   lock_memory: true            # mlockall
///   hold_cpu_latency: true       # hold /dev/cpu_dma_latency at 0 while running
/// ```
///
/// Every key but `version` is optional. A relative path is taken relative to the
/// file's directory; a NAME (no `/`, no `.yaml`) is searched by ``ConfigurationSearch``.
public struct RuntimeConfiguration: Sendable, Hashable {
  /// The file this came from.
  public var file: String
  /// A board NAME or an absolute path.
  public var board: String?
  /// A station NAME or an absolute path.
  public var station: String?
  /// The operator-keys directory (absolute).
  public var keysDirectory: String?
  /// The controller's tamper-evident audit log (`audit:`; absolute), kept across runs;
  /// `cloak run --audit FILE` overrides it. Its checkpoint key is `audit.key` in
  /// ``keysDirectory``.
  public var auditLog: String?
  /// Scheduling, CPU, memory locking and PM QoS for the loop (none when absent).
  public var realtime: RealtimeOptions
  /// The operator API's settings (`api:`; nil: the API is off unless `--api`).
  public var api: APISettings?

  /// The operator API's settings; `cloak run`'s `--api`, `--api-history` and
  /// `--api-crew-secret` override each.
  public struct APISettings: Sendable, Hashable {
    /// Where to listen (`listen: HOST:PORT`); nil: the API stays off.
    public var host: String?
    public var port: Int?
    /// The module history's SQLite file (absolute).
    public var history: String?
    /// The crew secret file (absolute).
    public var crewSecret: String?
    public init(host: String? = nil, port: Int? = nil, history: String? = nil, crewSecret: String? = nil) {
      self.host = host
      self.port = port
      self.history = history
      self.crewSecret = crewSecret
    }
  }

  /// Host and port of `HOST:PORT` (an IPv6 host in brackets or bare; port 0...65535), or
  /// nil: the one reading of an API address (`listen:` here, `cloak run --api`).
  public static func listenAddress(_ text: String) -> (host: String, port: Int)? {
    guard let colon = text.lastIndex(of: ":"), colon != text.startIndex,
      let port = Int(text[text.index(after: colon)...]), (0...65535).contains(port)
    else { return nil }
    var host = String(text[..<colon])
    if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
    guard !host.isEmpty, !host.contains(where: { $0 == " " || $0 == "/" }) else { return nil }
    return (host, port)
  }

  public init(
    file: String, board: String? = nil, station: String? = nil, keysDirectory: String? = nil,
    auditLog: String? = nil, realtime: RealtimeOptions = .none
  ) {
    self.file = file
    self.auditLog = auditLog
    self.board = board
    self.station = station
    self.keysDirectory = keysDirectory
    self.realtime = realtime
  }

  /// Reads the configuration file at `path`. Throws every problem found, located.
  public static func load(path: String) throws(BoardLoadError) -> RuntimeConfiguration {
    let text = try YAMLDocument.read(path)
    return try load(yaml: text, file: path)
  }

  /// Parses `yaml` as the configuration file `file` (relative paths resolve against
  /// `file`'s directory).
  public static func load(yaml: String, file: String) throws(BoardLoadError) -> RuntimeConfiguration {
    let diagnostics = Diagnostics(file: file)
    let root = try YAMLDocument.compose(yaml, file: file, what: "configuration")
    let base = (file as NSString).deletingLastPathComponent
    var configuration = RuntimeConfiguration(file: file)
    guard let top = MappingReader(Located(node: root, path: [], line: 1), diagnostics) else {
      throw BoardLoadError(errors: diagnostics.sortedErrors)
    }
    top.rejectUnknown(allowed: ["version", "board", "station", "keys", "audit", "realtime", "api"])
    if let version = top.required("version")?.integer(diagnostics, in: 0...Int.max), version != 1 {
      diagnostics.report(
        .unsupportedVersion, line: top.place.line, path: ["version"], "version \(version) is not supported (1 is)")
    }
    func reference(_ key: String) -> String? {
      guard let value = top[key], !value.isNull, let text = value.string(diagnostics) else { return nil }
      guard ConfigurationSearch.isPath(text), !text.hasPrefix("/") else { return text }
      return ConfigurationSearch.join(base, text)
    }
    configuration.board = reference("board")
    configuration.station = reference("station")
    if let keys = top["keys"], !keys.isNull, let text = keys.string(diagnostics) {
      configuration.keysDirectory = text.hasPrefix("/") ? text : ConfigurationSearch.join(base, text)
    }
    if let audit = top["audit"], !audit.isNull, let text = audit.string(diagnostics) {
      configuration.auditLog = text.hasPrefix("/") ? text : ConfigurationSearch.join(base, text)
    }
    if let place = top["api"], !place.isNull, let api = MappingReader(place, diagnostics) {
      api.rejectUnknown(allowed: ["listen", "history", "crew_secret"])
      var settings = APISettings()
      if let listen = api["listen"], !listen.isNull, let text = listen.string(diagnostics) {
        if let address = listenAddress(text) {
          settings.host = address.host
          settings.port = address.port
        } else {
          diagnostics.report(
            .badValue, at: listen, "'\(text)' is not HOST:PORT (e.g. 127.0.0.1:8080; port 0...65535)")
        }
      }
      func path(_ key: String) -> String? {
        guard let value = api[key], !value.isNull, let text = value.string(diagnostics) else { return nil }
        return text.hasPrefix("/") ? text : ConfigurationSearch.join(base, text)
      }
      settings.history = path("history")
      settings.crewSecret = path("crew_secret")
      configuration.api = settings
    }
    if let place = top["realtime"], !place.isNull, let realtime = MappingReader(place, diagnostics) {
      realtime.rejectUnknown(allowed: ["priority", "cpu", "lock_memory", "hold_cpu_latency"])
      var options = RealtimeOptions()
      options.priority = realtime["priority"].flatMap { $0.isNull ? nil : $0.integer(diagnostics, in: 1...99) }
      options.cpu = realtime["cpu"].flatMap { $0.isNull ? nil : $0.integer(diagnostics, in: 0...1023) }
      options.lockMemory = realtime["lock_memory"].flatMap { $0.isNull ? nil : $0.bool(diagnostics) } ?? false
      options.holdCPULatency =
        realtime["hold_cpu_latency"].flatMap { $0.isNull ? nil : $0.bool(diagnostics) } ?? false
      configuration.realtime = options
    }
    guard diagnostics.errors.isEmpty else { throw BoardLoadError(errors: diagnostics.sortedErrors) }
    return configuration
  }
}
