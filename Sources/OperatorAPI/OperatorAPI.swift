import AuditLog
import CommandLink
import Composition
import Controller
import Foundation
import HAL
import HTTPTypes
import Hummingbird
import HummingbirdCore
import HummingbirdWebSocket
import Logging
import NIOCore
import NIOPosix
import Scheduler
import Station

/// Where and how the operator API serves (docs/operator-api.md).
public struct OperatorAPIConfiguration: Sendable {
  /// Address to bind (loopback by default: the API is for the crew's own machine and a
  /// reverse proxy; decision 1401).
  public var host: String
  /// Port (0: any free port; ``OperatorAPI/start()`` returns the one bound).
  public var port: Int
  /// The dashboard's static files (served at `/`, `/` giving `index.html`); nil: none.
  public var dashboardDirectory: String?
  /// How often a state snapshot goes to the live clients (and to the history), seconds.
  public var statePeriodS: Double
  /// Messages one live client may have waiting before it is dropped.
  public var liveQueueCapacity: Int
  /// The most events one page returns.
  public var maxPageEvents: Int
  /// The largest request body accepted, bytes (the command link's frame limit).
  public var maxBodyBytes: Int
  /// How long a new connection has to send a whole request head before it is closed,
  /// seconds (decision 1416; 30 s, like a web server's request-read timeout).
  public var firstRequestTimeoutS: Double

  public init(
    host: String = "127.0.0.1", port: Int = 8080, dashboardDirectory: String? = nil, statePeriodS: Double = 1,
    liveQueueCapacity: Int = 64, maxPageEvents: Int = 1_000, maxBodyBytes: Int = LinkProtocol.maxFrameBytes,
    firstRequestTimeoutS: Double = 30
  ) {
    self.host = host
    self.port = port
    self.dashboardDirectory = dashboardDirectory
    self.statePeriodS = statePeriodS
    self.liveQueueCapacity = liveQueueCapacity
    self.maxPageEvents = maxPageEvents
    self.maxBodyBytes = maxBodyBytes
    self.firstRequestTimeoutS = firstRequestTimeoutS
  }
}

/// Why the API could not start: the address and what failed.
public struct OperatorAPIError: Error, CustomStringConvertible, Sendable {
  public var description: String
}

/// The operator API: HTTP and one WebSocket over Hummingbird, on an event loop thread of
/// its own (docs/operator-api.md, docs/api/openapi.yaml).
///
/// It reads the controller only through what the controller hands over: state frames
/// from the ``StationStateHandOff`` (published by the planner group), events through the
/// ``EventJournal`` (an event consumer), the executive's published status. It acts only
/// through the ``CommandPath`` the command link uses, so every command meets the same
/// parsing, envelope checks, authority rules and audit log. A pump task moves state and
/// events to the live clients and the history once per period; nothing it does can make
/// a rate group wait.
public final class OperatorAPI: @unchecked Sendable {
  public let configuration: OperatorAPIConfiguration
  public let station: StationDescription
  public let journal: EventJournal
  public let history: HistoryStore
  let handOff: StationStateHandOff
  let path: CommandPath
  let crew: CrewCredential?
  let status: Snapshot<ExecutiveStatus>?
  let origin: MonotonicInstant
  let alarmThreshold: Double
  let hub: LiveHub
  let metrics = OperatorMetrics()
  /// A twin of the controller's planner (same station and configuration) that explains a
  /// target's risk from the published frame; nil: no scheduler runs.
  let planner: InspectionPlanner?
  /// The run's audit log writer (its latest checkpoint); nil: no audit log.
  let audit: AuditWriter?
  private let lock = NSLock()
  private var stateFrame: StationStateFrame?
  private var stateJSON: String?
  private var stateView: StateView?
  private var lastStatus = ExecutiveStatus()
  private var reports: [GroupReport]?
  private var wakeHistograms: [WakeLatencyHistogram] = []
  /// History database writes that failed, and the last failure (named in `/metrics`'
  /// `cloak_api_history_failures_total`; the memory ring keeps the points).
  private var historyFailures = 0
  public private(set) var lastHistoryError: String?
  /// The controller's wall clock at the last published state, UTC seconds.
  private var lastWallSeconds = 0.0
  private var serverTask: Task<Void, Never>?
  private var pumpTask: Task<Void, Never>?
  /// The thread the API's tasks run on while started (``DedicatedExecutor``).
  private var executor: DedicatedExecutor?

  /// - Parameters:
  ///   - origin: the monotonic instant event records count from (`time_s`).
  ///   - status: the executive's published status (this API is its one reader).
  ///   - alarmThreshold: the leak detector's alarm rate, %/h (the plots' limit line).
  ///   - plannerConfiguration: the inspection scheduler's (nil: none runs; the risk
  ///     endpoint answers 503).
  ///   - audit: the run's audit log writer (nil: none; the checkpoint endpoint answers 404).
  public init(
    configuration: OperatorAPIConfiguration, station: StationDescription, handOff: StationStateHandOff,
    journal: EventJournal, history: HistoryStore, path: CommandPath, crew: CrewCredential?,
    status: Snapshot<ExecutiveStatus>?, origin: MonotonicInstant, alarmThreshold: Double,
    plannerConfiguration: PlannerConfiguration? = nil, audit: AuditWriter? = nil
  ) {
    planner = plannerConfiguration.map { InspectionPlanner(station: station, configuration: $0) }
    self.audit = audit
    self.configuration = configuration
    self.station = station
    self.handOff = handOff
    self.journal = journal
    self.history = history
    self.path = path
    self.crew = crew
    self.status = status
    self.origin = origin
    self.alarmThreshold = alarmThreshold
    hub = LiveHub(queueCapacity: configuration.liveQueueCapacity)
  }

  /// Hands over the executive's wake-up latency histograms for `/metrics` (read at each
  /// scrape, on every board: ``Executive/wakeHistograms()``).
  public func publish(wakeHistograms: [WakeLatencyHistogram]) {
    lock.withLock { self.wakeHistograms = wakeHistograms }
  }

  /// Hands over the executive's group reports for `/metrics` (call where reading them is
  /// safe: on sim between steps).
  public func publish(groupReports: [GroupReport]) {
    lock.lock()
    reports = groupReports
    lock.unlock()
  }

  // MARK: running

  /// Binds and serves; returns the bound host and port. Throws naming the address when
  /// it cannot listen. Blocks the calling thread up to 30 s: call it from a thread of
  /// the program's own (the CLI's main thread), not from Swift concurrency (use the
  /// `async` overload there).
  @discardableResult
  public func start() throws(OperatorAPIError) -> (host: String, port: Int) {
    let bound = launch()
    // Generous: binding is quick, but a loaded 2-core machine has taken over 10 s.
    return try started(bound.wait(seconds: 30)) { stop() }
  }

  /// Binds and serves from Swift concurrency (waits without blocking a thread).
  @discardableResult
  public func start() async throws(OperatorAPIError) -> (host: String, port: Int) {
    let bound = launch()
    var outcome: BoundBox.Outcome?
    for _ in 0..<3_000 {
      outcome = bound.result()
      if outcome != nil { break }
      try? await Task.sleep(for: .milliseconds(10))
    }
    return try started(outcome) { self.cancel() }
  }

  /// Starts the server task; the box gets the bound port or the failure.
  private func launch() -> BoundBox {
    let bound = BoundBox()
    let hub = hub
    // A timeout that is not a finite positive number of seconds up to a day takes the default.
    let timeoutS = configuration.firstRequestTimeoutS
    let firstRequestDeadline = TimeAmount.nanoseconds(
      Int64((timeoutS.isFinite && timeoutS > 0 && timeoutS <= 86_400 ? timeoutS : 30) * 1e9))
    let server = HTTPServerBuilder { responder in
      GuardedUpgradeChannel(
        inner: HTTP1WebSocketUpgradeChannel(responder: responder, configuration: .init()) {
          [weak self] request, channel, _ in
          guard let self, request.path?.split(separator: "?").first == "/api/v1/live" else { return .dontUpgrade }
          return .upgrade([:]) { inbound, outbound, _ in
            await self.serveLive(inbound: inbound, outbound: outbound, channel: channel)
          }
        },
        firstRequestDeadline: firstRequestDeadline)
    }
    let application = Application(
      router: makeRouter(),
      server: server,
      configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "cloak"),
      onServerRunning: { channel in bound.set(channel.localAddress?.port, error: nil) },
      eventLoopGroupProvider: .singleton, logger: Self.quietLogger())
    // The server, its connections and the pump run on a thread of their own, not on the
    // cooperative pool, which blocking work elsewhere in the process can hold (it held
    // the server from binding for 30 s in the full unit suite).
    let executor = DedicatedExecutor(name: "cloak-api")
    // The connections run on NIO's process-wide event loops, which are never shut down
    // (decision 1415): shutting down a group of its own raced Hummingbird's cancellation,
    // which still scheduled work on it (NIO's "leaking promise" trap, exit 132, when a
    // stop signal came just after the start).
    let task = Task.detached(executorPreference: executor) {
      do { try await application.runService(gracefulShutdownSignals: []) } catch { bound.set(nil, error: "\(error)") }
      hub.closeAll()
    }
    lock.withLock {
      serverTask = task
      self.executor = executor
    }
    return bound
  }

  private func started(_ outcome: BoundBox.Outcome?, undo: () -> Void) throws(OperatorAPIError) -> (
    host: String, port: Int
  ) {
    let address = "\(configuration.host):\(configuration.port)"
    switch outcome {
    case .some(.success(let port)):
      let executor = lock.withLock { self.executor }
      let pump = Task.detached(executorPreference: executor) { [weak self] in
        guard let self else { return }
        await self.pump()
      }
      lock.withLock { pumpTask = pump }
      return (configuration.host, port)
    case .some(.failure(let problem)):
      undo()
      throw OperatorAPIError(description: "operator API: cannot listen on \(address): \(problem)")
    case .none:
      undo()
      throw OperatorAPIError(description: "operator API: \(address) did not start within 30 s")
    }
  }

  /// Ends the pump, the live clients and the server task (without waiting); returns a
  /// task that ends once the server task, the pump and the API's own thread have.
  @discardableResult
  private func cancel() -> Task<Void, Never>? {
    let (pump, server, executor) = lock.withLock {
      () -> (Task<Void, Never>?, Task<Void, Never>?, DedicatedExecutor?) in
      defer {
        pumpTask = nil
        serverTask = nil
        self.executor = nil
      }
      return (pumpTask, serverTask, self.executor)
    }
    pump?.cancel()
    hub.closeAll()
    guard server != nil || pump != nil || executor != nil else { return nil }
    // Live sessions get up to a second to send their close frames before the server
    // ends; the API's thread ends once both of its tasks have; the returned task ends
    // after it.
    let hub = self.hub
    return Task.detached {
      _ = await hub.waitForSessions(seconds: 1)
      server?.cancel()
      await server?.value
      await pump?.value
      executor?.shutdown()
      executor?.awaitEnd(seconds: 5)
    }
  }

  /// Stops serving: live clients told (1001) and closed, the listener closed, the state
  /// pump and the API's own thread ended. Blocks at most ``stopGraceSeconds`` for the
  /// server's graceful end: a connection that never sent a request holds Hummingbird's
  /// graceful shutdown (it quiesces a connection only once its first request is read), so
  /// a server that takes longer is left to the process's exit rather than waited for or
  /// shut down under it. Returns whether it ended in time. Call from a thread of the
  /// program's own; from Swift concurrency use the `async` overload.
  @discardableResult
  public func stop() -> Bool {
    guard let server = cancel() else { return true }
    let done = DispatchSemaphore(value: 0)
    Task.detached {
      await server.value
      done.signal()
    }
    return done.wait(timeout: .now() + Self.stopGraceSeconds) == .success
  }

  /// How long ``stop()`` waits for the server's graceful end, seconds.
  public static let stopGraceSeconds = 3.0

  /// Stops serving from Swift concurrency (waits for the server's graceful end and the
  /// API's thread).
  public func stop() async {
    await cancel()?.value
  }

  static func quietLogger() -> Logger {
    var logger = Logger(label: "cloak.operator-api")
    logger.logLevel = .critical
    return logger
  }

  /// Moves state and events to the live clients and the history.
  private func pump() async {
    var eventCursor = journal.page(limit: 0).next - 1
    var nextState = ContinuousClock.now
    let period = Duration.milliseconds(Int64(max(configuration.statePeriodS, 0.05) * 1000))
    while !Task.isCancelled {
      // The events since the last round, as one message (a burst of events is one
      // message, so a client's queue counts rounds, not events).
      let page = journal.page(after: eventCursor, limit: 500)
      if let last = page.records.last {
        var message = "{\"type\":\"events\",\"events\":["
        for (index, (sequence, record)) in page.records.enumerated() {
          if index > 0 { message += "," }
          message += "{\"seq\":\(sequence),\"record\":\(record)}"
        }
        hub.broadcast(message + "]}")
        eventCursor = last.0
      }
      if ContinuousClock.now >= nextState {
        nextState = ContinuousClock.now + period
        publishState()
      }
      try? await Task.sleep(for: .milliseconds(100))
    }
  }

  /// Takes the newest frame, renders it, records history, sends it live.
  func publishState() {
    let frame = handOff.latest()
    let executive = status?.read() ?? ExecutiveStatus()
    guard frame.sequence > 0 else { return }
    let view = StateView(
      frame: frame, station: station, status: executive, origin: origin,
      alarmThreshold: alarmThreshold)
    let json = view.json()
    lock.lock()
    let changed = stateView?.sequence != view.sequence
    stateFrame = frame
    stateView = view
    stateJSON = json
    lastStatus = executive
    lastWallSeconds = Double(frame.wallNanoseconds) / 1e9
    lock.unlock()
    if changed {
      let t = Double(frame.wallNanoseconds) / 1e9
      let failure = history.append(
        view.modules.map {
          (
            $0.id,
            HistoryStore.Point(
              t: t, pressurePa: $0.pressurePa ?? .nan, temperatureC: $0.temperatureC ?? .nan,
              lossRatePctPerHour: $0.lossRatePctPerH ?? .nan)
          )
        })
      if let failure {
        lock.lock()
        lastHistoryError = failure.description
        historyFailures += 1
        lock.unlock()
      }
    }
    hub.broadcast("{\"type\":\"state\",\"state\":\(json)}")
  }

  private func serveLive(inbound: WebSocketInboundStream, outbound: WebSocketOutboundWriter, channel: any Channel)
    async
  {
    let (id, messages) = hub.join(close: { channel.close(promise: nil) })
    defer { hub.leave(id) }
    hub.send("{\"type\":\"hello\",\"next_event\":\(journal.page(limit: 0).next)}", to: id)
    if let state = currentState().json { hub.send("{\"type\":\"state\",\"state\":\(state)}", to: id) }
    await withTaskGroup(of: Void.self) { group in
      group.addTask {
        // Whatever the client sends is read and ignored; its end ends the session.
        do { for try await _ in inbound {} } catch {}
      }
      group.addTask {
        for await message in messages {
          do { try await outbound.write(.text(message)) } catch { return }
        }
        // The queue ended: dropped (its channel is being closed) or the server stops.
        if self.hub.isStopping { try? await outbound.close(.goingAway, reason: "controller stopping") }
      }
      await group.next()
      group.cancelAll()
    }
  }

  func currentState() -> (json: String?, view: StateView?, status: ExecutiveStatus) {
    lock.lock()
    defer { lock.unlock() }
    return (stateJSON, stateView, lastStatus)
  }

  // MARK: routes

  func makeRouter() -> Router<BasicRequestContext> {
    let router = Router()
    if let directory = configuration.dashboardDirectory {
      router.add(middleware: FileMiddleware(directory, searchForIndexHtml: true, logger: Self.quietLogger()))
    }
    let api = router.group("api/v1")
    api.get("state") { [self] _, _ in
      guard let json = currentState().json else {
        return Self.problem(.serviceUnavailable, "no_state", "the controller has not published a state yet")
      }
      return Self.json(json)
    }
    api.get("station") { [self] _, _ in Self.json(stationJSON()) }
    api.get("events") { [self] request, _ in try events(request) }
    api.get("history") { [self] request, _ in try historyResponse(request) }
    api.get("targets/:id/risk") { [self] _, context in
      let id = context.parameters.get("id") ?? ""
      guard let t = station.targets.firstIndex(where: { $0.id.rawValue == id }) else {
        return Self.problem(.notFound, "no_such_target", "station \(station.name) has no target \(id)")
      }
      guard let frame = lock.withLock({ stateFrame }) else {
        return Self.problem(.serviceUnavailable, "no_state", "the controller has not published a state yet")
      }
      guard let planner, frame.plannerNowS.isFinite else {
        return Self.problem(.serviceUnavailable, "no_scheduler", "no inspection scheduler runs in this controller")
      }
      return Self.json(Explanations.risk(target: t, frame: frame, planner: planner))
    }
    api.get("audit/checkpoint") { [self] _, _ in
      guard let audit else {
        return Self.problem(
          .notFound, "no_audit_log",
          "this controller keeps no audit log (cloak run --audit FILE, or audit: in cloak.yaml)")
      }
      guard let latest = audit.latestCheckpoint, let json = Explanations.checkpoint(note: latest.note, utc: latest.utc)
      else {
        return Self.problem(.serviceUnavailable, "no_checkpoint", "the audit log has no checkpoint yet")
      }
      return Self.json(json)
    }
    api.get("live") { _, _ in
      Self.problem(.upgradeRequired, "upgrade_required", "this is a WebSocket: send an Upgrade: websocket request")
    }
    api.post("commands/crew") { [self] request, _ in
      guard let crew, crew.admits(authorization: request.headers[.authorization]) else {
        let line = LinkProtocol.line(
          requestID: nil,
          refusal: .init(requestID: nil, code: .authority, reason: "crew credential missing or wrong"))
        return Self.json(line, status: .unauthorized)
      }
      let body = try await Self.body(request, limit: configuration.maxBodyBytes)
      let reply = await withCheckedContinuation { continuation in
        path.crew(body) { continuation.resume(returning: $0) }
      }
      return Self.json(reply.line, status: Self.status(of: reply))
    }
    api.post("commands/ground") { [self] request, _ in
      let body = try await Self.body(request, limit: configuration.maxBodyBytes)
      let reply = await withCheckedContinuation { continuation in
        path.ground(body) { continuation.resume(returning: $0) }
      }
      return Self.json(reply.line, status: Self.status(of: reply))
    }
    router.get("metrics") { [self] _, _ in
      let (_, view, executive) = currentState()
      let (reports, historyFailures, histograms) = lock.withLock {
        (self.reports, self.historyFailures, self.wakeHistograms)
      }
      let bytes = metrics.render(
        state: view, counts: journal.counters(), reports: reports, wake: histograms.map { ($0.group, $0.snapshot()) },
        status: executive, liveClients: hub.count, liveDropped: hub.dropped, historyFailures: historyFailures)
      return Response(
        status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
        body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }
    return router
  }

  /// The HTTP status for a command reply: 200 ok, 400 format, 422 validation,
  /// 403 authority, 409 execution, 503 busy.
  static func status(of reply: LinkReply) -> HTTPResponse.Status {
    switch reply.rejection {
    case nil: return .ok
    case .format?: return .badRequest
    case .validation?: return .unprocessableContent
    case .authority?: return .forbidden
    case .execution?: return .conflict
    case .busy?: return .serviceUnavailable
    }
  }

  static func body(_ request: Request, limit: Int) async throws -> [UInt8] {
    var request = request
    do {
      let buffer = try await request.collectBody(upTo: limit)
      return Array(buffer.readableBytesView)
    } catch let error as HTTPError {
      throw error
    } catch {
      throw HTTPError(.contentTooLarge, message: "a request body is at most \(limit) bytes")
    }
  }

  static func json(_ text: String, status: HTTPResponse.Status = .ok) -> Response {
    Response(
      status: status, headers: [.contentType: "application/json", .cacheControl: "no-store"],
      body: .init(byteBuffer: ByteBuffer(string: text)))
  }

  /// An error body: `{"error":CODE,"reason":TEXT}`.
  static func problem(_ status: HTTPResponse.Status, _ code: String, _ reason: String) -> Response {
    json("{\"error\":\"\(code)\",\"reason\":\(JSONValue.quote(reason))}", status: status)
  }

  private func events(_ request: Request) throws -> Response {
    let query = request.uri.queryParameters
    let limit = try Self.integer(query, "limit", default: 100, range: 0...configuration.maxPageEvents)
    let after = try Self.optionalUInt(query, "after")
    let before = try Self.optionalUInt(query, "before")
    if after != nil, before != nil {
      throw HTTPError(.badRequest, message: "give after or before, not both")
    }
    let page = journal.page(after: after, before: before, limit: limit)
    var out = "{\"oldest\":\(page.oldest),\"next\":\(page.next),\"events\":["
    for (index, (sequence, record)) in page.records.enumerated() {
      if index > 0 { out += "," }
      out += "{\"seq\":\(sequence),\"record\":\(record)}"
    }
    return Self.json(out + "]}")
  }

  private func historyResponse(_ request: Request) throws -> Response {
    let query = request.uri.queryParameters
    let maxPoints = try Self.integer(query, "max_points", default: 2_000, range: 1...20_000)
    let since: Double
    if let text = query.get("since") {
      guard let value = Double(text), value.isFinite else {
        throw HTTPError(.badRequest, message: "since: UTC seconds, a number")
      }
      since = value
    } else {
      since = lock.withLock { lastWallSeconds } - 3 * 3600
    }
    var modules = station.modules.map(\.id.rawValue)
    if let wanted = query.get("module") {
      guard modules.contains(wanted) else {
        return Self.problem(.notFound, "no_such_module", "station \(station.name) has no module \(wanted)")
      }
      modules = [wanted]
    }
    var out = "{\"since\":\(Self.number(since)),\"series\":{"
    for (index, module) in modules.enumerated() {
      let points = history.series(module, since: since, maxPoints: maxPoints)
      if index > 0 { out += "," }
      out += JSONValue.quote(module) + ":{\"t\":[" + points.map { Self.number($0.t) }.joined(separator: ",")
      out += "],\"pressure_pa\":[" + points.map { Self.number($0.pressurePa) }.joined(separator: ",")
      out += "],\"temperature_c\":[" + points.map { Self.number($0.temperatureC) }.joined(separator: ",")
      out += "],\"loss_rate_pct_per_h\":[" + points.map { Self.number($0.lossRatePctPerHour) }.joined(separator: ",")
      out += "]}"
    }
    return Self.json(out + "}}")
  }

  static func number(_ value: Double) -> String { value.isFinite ? "\(value)" : "null" }

  static func integer(
    _ query: Parameters, _ name: String, default value: Int, range: ClosedRange<Int>
  ) throws -> Int {
    guard let text = query.get(name) else { return value }
    guard let number = Int(text), range.contains(number) else {
      throw HTTPError(.badRequest, message: "\(name): an integer in \(range.lowerBound)...\(range.upperBound)")
    }
    return number
  }

  static func optionalUInt(_ query: Parameters, _ name: String) throws -> UInt64? {
    guard let text = query.get(name) else { return nil }
    guard let number = UInt64(text) else { throw HTTPError(.badRequest, message: "\(name): an unsigned integer") }
    return number
  }

  func stationJSON() -> String {
    struct Doc: Codable {
      struct Module: Codable {
        var id: String
        var volumeM3: Double
        var positionM: [Double]
        var returnVehicle: Bool
        var sensors: [String]
      }
      struct Hatch: Codable {
        var id: String
        var between: [String]
      }
      struct Target: Codable {
        var id: String
        var module: String
        var kind: String
        var intervalH: Double
      }
      struct Drone: Codable {
        var id: String
        var dock: String
        var batteryWh: Double
      }
      var name: String
      var alarmThresholdPctPerH: Double
      var modules: [Module]
      var hatches: [Hatch]
      var targets: [Target]
      var drones: [Drone]
      var crewModules: [String]
    }
    let doc = Doc(
      name: station.name, alarmThresholdPctPerH: alarmThreshold,
      modules: station.modules.map {
        .init(
          id: $0.id.rawValue, volumeM3: $0.volumeM3, positionM: $0.positionM, returnVehicle: $0.returnVehicle,
          sensors: $0.sensors.map(\.rawValue))
      },
      hatches: station.hatches.map { .init(id: $0.id.rawValue, between: $0.between.map(\.rawValue)) },
      targets: station.targets.map {
        .init(id: $0.id.rawValue, module: $0.module.rawValue, kind: "\($0.kind)", intervalH: $0.intervalH)
      },
      drones: station.drones.map { .init(id: $0.id.rawValue, dock: $0.dock.rawValue, batteryWh: $0.batteryWh) },
      crewModules: station.crew.modules.map(\.rawValue))
    let encoder = JSONEncoder()
    encoder.keyEncodingStrategy = .convertToSnakeCase
    encoder.outputFormatting = [.sortedKeys]
    guard let data = try? encoder.encode(doc) else { return "{}" }
    return String(decoding: data, as: UTF8.self)
  }
}

/// The bound port (or the failure) handed from the server task to ``OperatorAPI/start()``.
final class BoundBox: @unchecked Sendable {
  private let lock = NSLock()
  private let ready = DispatchSemaphore(value: 0)
  private var stored: Result<Int, BoundFailure>?
  struct BoundFailure: Error { var text: String }

  func set(_ port: Int?, error: String?) {
    lock.lock()
    defer { lock.unlock() }
    guard stored == nil else { return }
    if let port {
      stored = .success(port)
    } else {
      stored = .failure(BoundFailure(text: error ?? "stopped"))
    }
    ready.signal()
  }

  enum Outcome {
    case success(Int)
    case failure(String)
  }

  func wait(seconds: Double) -> Outcome? {
    guard ready.wait(timeout: .now() + seconds) == .success else { return nil }
    return result()
  }

  /// The outcome when there is one (does not wait).
  func result() -> Outcome? {
    lock.lock()
    defer { lock.unlock() }
    switch stored {
    case .success(let port)?: return .success(port)
    case .failure(let failure)?: return .failure(failure.text)
    case nil: return nil
    }
  }
}
