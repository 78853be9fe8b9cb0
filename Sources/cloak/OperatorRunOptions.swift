import ArgumentParser
import AuditLog
import Boards
import CommandLink
import Composition
import Controller
import Foundation
import GroundLink
import HAL
import LeakDetection
import OperatorAPI
import Scheduler

/// `cloak run`'s operator API options (docs/operator-api.md, decision 1401). On the sim
/// board's open-ended demo (`make run`) the API is on at ``defaultAddress`` (another free
/// port when that one is taken); elsewhere it is off unless `--api` asks for it.
struct OperatorRunOptions: ParsableArguments {
  static let defaultHost = "127.0.0.1"
  static let defaultPort = 8080

  @Option(
    name: .customLong("api"),
    help: ArgumentHelp(
      "Serve the operator API and dashboard here (default on the sim demo: 127.0.0.1:8080).", valueName: "HOST:PORT"))
  var address: String?

  @Flag(name: .customLong("no-api"), help: "Do not serve the operator API (also on the sim demo).")
  var noAPI = false

  @Option(
    name: .customLong("api-crew-secret"),
    help: ArgumentHelp(
      "The crew's API secret (made, mode 0640, when absent; default on sim: a fresh one for the run).",
      valueName: "FILE"))
  var crewSecret: String?

  @Option(
    name: .customLong("api-history"),
    help: ArgumentHelp("Keep the API's module history in this SQLite file (the last 3 days).", valueName: "FILE"))
  var historyDatabase: String?

  @Option(
    name: .customLong("dashboard"),
    help: ArgumentHelp(
      "The dashboard's directory (default: dashboard/ by the data-file search order).", valueName: "DIR"))
  var dashboard: String?

  /// Host and port to serve on, or nil when the API is off: `--api`, else the runtime
  /// configuration's `api.listen`, else the default on the sim demo; `fallback`: whether
  /// another port may be taken when this one is busy (the default address only).
  func endpoint(defaultOn: Bool, configuration: RuntimeConfiguration.APISettings? = nil) throws -> (
    host: String, port: Int, fallback: Bool
  )? {
    if noAPI { return nil }
    guard let address else {
      if let host = configuration?.host, let port = configuration?.port { return (host, port, false) }
      return defaultOn ? (Self.defaultHost, Self.defaultPort, true) : nil
    }
    guard let parsed = RuntimeConfiguration.listenAddress(address) else {
      throw ValidationError("--api wants HOST:PORT (e.g. 127.0.0.1:8080), not \(address)")
    }
    return (parsed.host, parsed.port, false)
  }

  /// The dashboard directory: `--dashboard`, else the first `dashboard/` holding an
  /// `index.html` in the data-file search order (decision 1101: `$CLOAK_DASHBOARD_DIR`,
  /// the configuration directories, the installed share directory, `./dashboard`, the
  /// checkout's), else nil. Throws a ``DashboardDirectoryError`` when `--dashboard`
  /// names no directory or one without `index.html`: served, it would answer 404.
  func dashboardDirectory() throws(DashboardDirectoryError) -> String? {
    if let dashboard {
      var isDirectory: ObjCBool = false
      guard FileManager.default.fileExists(atPath: dashboard, isDirectory: &isDirectory), isDirectory.boolValue else {
        throw .noDirectory(dashboard)
      }
      guard FileManager.default.fileExists(atPath: ConfigurationSearch.join(dashboard, "index.html")) else {
        throw .noIndex(dashboard)
      }
      return dashboard
    }
    let search = ConfigurationSearch()
    return search.directories(folder: "dashboard", overrideVariable: "CLOAK_DASHBOARD_DIR").first {
      FileManager.default.fileExists(atPath: ConfigurationSearch.join($0, "index.html"))
    }
  }
}

/// A `--dashboard` directory that cannot serve the dashboard.
enum DashboardDirectoryError: Error, CustomStringConvertible {
  /// The path is not a directory.
  case noDirectory(String)
  /// The directory has no `index.html`.
  case noIndex(String)

  var description: String {
    switch self {
    case .noDirectory(let directory): "--dashboard \(directory): no such directory"
    case .noIndex(let directory):
      "--dashboard \(directory): the directory has no index.html (give the dashboard/ directory of the checkout or package)"
    }
  }
}

/// The command link and the operator API of one `cloak run`: one ``ResponseRouter`` for
/// both (the arbiter's responses have one consumer), the API's event journal among the
/// run's event consumers, the state publisher in the planner group.
final class OperatorServices {
  let api: OperatorRunOptions
  let link: LinkRunOptions
  let command: String
  let endpoint: (host: String, port: Int, fallback: Bool)?
  /// The dashboard directory the API serves (nil: none found), resolved before the run starts.
  let dashboard: String?
  private(set) var journal: EventJournal?
  private(set) var router: ResponseRouter?
  private(set) var linkServer: CommandLinkServer?
  private(set) var server: OperatorAPI?
  private var cleanups: [() -> Void] = []
  private var lastReports = Date.distantPast

  /// `defaultOn`: whether the API serves without `--api` (the sim demo); `configuration`:
  /// the runtime configuration's `api:` (options given on the command line win).
  init(
    api: OperatorRunOptions, link: LinkRunOptions, defaultOn: Bool, command: String,
    configuration: RuntimeConfiguration.APISettings? = nil
  ) throws {
    var api = api
    api.crewSecret = api.crewSecret ?? configuration?.crewSecret
    api.historyDatabase = api.historyDatabase ?? configuration?.history
    self.api = api
    self.link = link
    self.command = command
    endpoint = try api.endpoint(defaultOn: defaultOn, configuration: configuration)
    do { dashboard = endpoint == nil ? nil : try api.dashboardDirectory() } catch {
      printError("\(command): \(error)")
      throw ExitCode(1)
    }
  }

  /// The event consumers the run adds (the API's journal), given the run's formatter.
  func consumers(formatter: EventRecordFormatter) -> [any EventConsumer] {
    guard endpoint != nil else { return [] }
    let journal = EventJournal(formatter: formatter)
    self.journal = journal
    return [journal]
  }

  /// Starts the link and the API on `assembly` (before the executive runs). With
  /// `drainsArbiter` false the caller drains the arbiter's responses and offers each to
  /// the returned closure. Prints where each listens. Exits 1 naming what failed.
  func start(
    assembly: ControllerAssembly, fleet: FleetControl?, origin: MonotonicInstant, drainsArbiter: Bool,
    simulated: Bool, audit: AuditWriter? = nil
  ) throws -> ((CommandResponse) -> Bool)? {
    // Every thread started here (the router's, the link's and the API's event loops, the
    // API's tasks) and every thread they start inherit a mask blocking SIGINT and SIGTERM:
    // a stop signal must reach the run's own handler, not an API thread that ignores it.
    var stopSignals = sigset_t()
    var previous = sigset_t()
    sigemptyset(&stopSignals)
    sigaddset(&stopSignals, SIGINT)
    sigaddset(&stopSignals, SIGTERM)
    pthread_sigmask(SIG_BLOCK, &stopSignals, &previous)
    defer { pthread_sigmask(SIG_SETMASK, &previous, nil) }
    let wantsLink = link.socket != nil || link.tcp != nil
    guard wantsLink || endpoint != nil else { return nil }
    let verifier = try link.verifier(command: command)
    let router = ResponseRouter(arbiter: assembly.arbiter, drainsArbiter: drainsArbiter)
    self.router = router
    linkServer = try link.start(router: router, verifier: verifier, command: command)
    if let socket = link.socket { print("\(command): crew console on \(socket)") }
    if let address = linkServer?.groundAddress { print("\(command): ground link on \(address)") }
    if let endpoint, let journal {
      let handOff: StationStateHandOff
      do { handOff = try assembly.addStatePublisher(fleet: fleet) } catch {
        printError("\(command): operator API: \(error)")
        throw ExitCode(1)
      }
      let crew = try crewCredential(simulated: simulated)
      let history: HistoryStore
      do { history = try HistoryStore(path: api.historyDatabase) } catch {
        printError("\(command): \(error)")
        throw ExitCode(1)
      }
      var configuration = OperatorAPIConfiguration(
        host: endpoint.host, port: endpoint.port, dashboardDirectory: dashboard)
      var server = OperatorAPI(
        configuration: configuration, station: assembly.station, handOff: handOff, journal: journal,
        history: history, path: CommandPath(router: router, verifier: verifier), crew: crew,
        status: assembly.executive.status, origin: origin,
        alarmThreshold: LeakDetectorConfiguration().alarmRatePctPerHour,
        plannerConfiguration: fleet?.planner.configuration, audit: audit)
      var bound: (host: String, port: Int)
      do { bound = try server.start() } catch {
        guard endpoint.fallback else {
          printError("\(command): \(error)")
          throw ExitCode(1)
        }
        configuration.port = 0
        server = OperatorAPI(
          configuration: configuration, station: assembly.station, handOff: handOff, journal: journal,
          history: history, path: CommandPath(router: router, verifier: verifier), crew: crew,
          status: assembly.executive.status, origin: origin,
          alarmThreshold: LeakDetectorConfiguration().alarmRatePctPerHour,
          plannerConfiguration: fleet?.planner.configuration, audit: audit)
        do { bound = try server.start() } catch {
          printError("\(command): \(error)")
          throw ExitCode(1)
        }
      }
      self.server = server
      server.publish(wakeHistograms: assembly.executive.wakeHistograms())
      let base = "http://\(bound.host.contains(":") ? "[\(bound.host)]" : bound.host):\(bound.port)"
      print("\(command): operator API on \(base)/api/v1/ (metrics \(base)/metrics)")
      if dashboard == nil {
        print("\(command): dashboard: no dashboard/index.html found (see docs/operator-api.md)")
      }
      // The crew secret rides in the fragment, which the browser never sends to a server.
      let fragment = crew.map { "#crew=\($0.secret)" } ?? ""
      print("\(command): dashboard \(base)/\(fragment)")
      if let crew { print("\(command): crew secret in \(crew.path)") }
    }
    return drainsArbiter ? nil : { router.offer($0) }
  }

  private func crewCredential(simulated: Bool) throws -> CrewCredential? {
    var path = api.crewSecret
    if path == nil, simulated {
      let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
        "cloak-api-\(ProcessInfo.processInfo.processIdentifier)-\(UInt32.random(in: 0...UInt32.max))")
      do {
        try FileManager.default.createDirectory(
          at: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
      } catch {
        printError("\(command): operator API: cannot create \(directory.path): \(error.localizedDescription)")
        throw ExitCode(1)
      }
      cleanups.append { try? FileManager.default.removeItem(at: directory) }
      path = directory.appendingPathComponent("crew.secret").path
    }
    guard let path else {
      printError("\(command): operator API: no --api-crew-secret: crew commands are refused (401)")
      return nil
    }
    do { return try CrewCredential(path: path) } catch {
      printError("\(command): \(error)")
      throw ExitCode(1)
    }
  }

  /// Between simulation slices: hands the executive's group reports to `/metrics` once
  /// a wall second (reading them is safe only while the loop does not run).
  func slice(_ executive: Executive) {
    guard let server, Date().timeIntervalSince(lastReports) >= 1 else { return }
    lastReports = Date()
    server.publish(groupReports: executive.report().groups)
  }

  /// Records why the run stopped in the API's event journal (before the run's last
  /// event, `run_stopped`, is written).
  func noteStopReason(_ reason: String) {
    journal?.setStopReason(reason)
  }

  /// Stops the API, then the link, then the router. The API's graceful end is waited for
  /// at most `OperatorAPI.stopGraceSeconds` (a client's idle connection can hold it).
  func stop(reason: String) {
    noteStopReason(reason)
    if server?.stop() == false {
      print(
        "\(command): operator API: a connection held its graceful stop past "
          + "\(Int(OperatorAPI.stopGraceSeconds)) s; left to the exit")
    }
    linkServer?.stop()
    router?.stop()
    for cleanup in cleanups { cleanup() }
    cleanups.removeAll()
  }
}
