import AuditLog
import Boards
import CommandLink
import Composition
import Controller
import Foundation
import HAL
import Simulation
import Station

@testable import OperatorAPI

/// A simulated controller (the demo station on the sim board, a scenario) with the
/// operator API attached as `cloak run` attaches it: the journal among the run's
/// consumers, the state publisher in the planner group, one response router the run
/// offers every response to. The API is not started unless a test starts it.
final class Harness: @unchecked Sendable {
  let run: ScenarioRun
  let journal: EventJournal
  let router: ResponseRouter
  let api: OperatorAPI
  let crew: CrewCredential
  let directory: URL
  private let lock = NSLock()

  init(
    scenario name: String? = nil, timeline: [ScenarioDescription.TimedAction] = [], closedHatches: [HatchID] = [],
    history: String? = nil, audit: AuditWriter? = nil, firstRequestTimeoutS: Double = 30
  ) throws {
    let station = try StationCatalog.standard().load("demo")
    let board = try BoardCatalog.standard().load("sim")
    var scenario =
      try name.map { try ScenarioFiles.load($0, station: station) }
      ?? ScenarioDescription(name: "quiet", file: "<test>")
    scenario.timeline += timeline
    scenario.physics.closedHatches += closedHatches
    let formatter = EventRecordFormatter(
      origin: .zero, run: RunInfo(board: "sim", station: "demo", softwareVersion: "test"))
    journal = EventJournal(formatter: formatter, capacity: 256)
    run = try ScenarioRun(scenario: scenario, station: station, board: board, consumers: [journal])
    router = ResponseRouter(arbiter: run.assembly.arbiter, drainsArbiter: false)
    let router = router
    run.claimResponse = { router.offer($0) }
    let handOff = try run.assembly.addStatePublisher(fleet: run.fleet)
    directory = FileManager.default.temporaryDirectory.appendingPathComponent("cloak-api-test-\(UUID())")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    crew = try CrewCredential(path: directory.appendingPathComponent("crew.secret").path)
    api = OperatorAPI(
      configuration: .init(port: 0, liveQueueCapacity: 8, firstRequestTimeoutS: firstRequestTimeoutS), station: station,
      handOff: handOff, journal: journal,
      history: try HistoryStore(path: history), path: CommandPath(router: router, verifier: nil), crew: crew,
      status: run.assembly.executive.status, origin: .zero, alarmThreshold: 0.3,
      plannerConfiguration: run.fleet.planner.configuration, audit: audit)
    api.publish(wakeHistograms: run.assembly.executive.wakeHistograms())
  }

  deinit {
    router.stop()
    try? FileManager.default.removeItem(at: directory)
  }

  /// Advances the simulation to `seconds` (the caller's thread owns the run meanwhile).
  func advance(to seconds: Double) {
    lock.lock()
    run.advance(to: seconds)
    lock.unlock()
  }

  /// The simulation advanced to 1 s and its state published, then the API started:
  /// returns the port it bound.
  func startAPI() async throws -> Int {
    advance(to: 1)
    api.publishState()
    return try await api.start().port
  }

  /// A live client (`/api/v1/live`) on a thread of its own: it reads the greeting, then
  /// reads until the server's close frame while this waits `pause` after the greeting
  /// and stops the API. Returns the greeting and the close frame's code and reason
  /// (throws when the connection ends without one).
  func liveClientThroughStop(port: Int, pause: Duration = .zero) async throws -> (
    hello: String, code: UInt16?, reason: String
  ) {
    let greeted = DispatchSemaphore(value: 0)
    let client = Task {
      try await onThread { () throws -> (hello: String, code: UInt16?, reason: String) in
        let socket = try TestWebSocket(port: port, path: "/api/v1/live")
        defer { socket.close() }
        let hello = try socket.readText()
        greeted.signal()
        let (code, reason) = try socket.readUntilClose()
        return (hello, code, reason)
      }
    }
    _ = try await onThread { greeted.wait(timeout: .now() + 30) }
    try await Task.sleep(for: pause)
    await api.stop()
    return try await client.value
  }

  /// Runs `body` while a thread steps the simulation 0.1 s at a time (every 1 ms of wall
  /// time), as `cloak run` does, so commands get their responses; returns its result.
  func whileRunning<T: Sendable>(_ body: @Sendable () async throws -> T) async rethrows -> T {
    let running = ManagedFlag()
    let thread = Thread { [self] in
      while running.value {
        advance(to: run.time + 0.1)
        Thread.sleep(forTimeInterval: 0.001)
      }
    }
    thread.start()
    defer { running.value = false }
    let result = try await body()
    running.value = false
    while !running.stopped { try? await Task.sleep(for: .milliseconds(1)) }
    return result
  }
}

/// A flag shared with the stepping thread.
final class ManagedFlag: @unchecked Sendable {
  private let lock = NSLock()
  private var flag = true
  private var done = false
  var value: Bool {
    get {
      lock.withLock {
        if !flag { done = true }
        return flag
      }
    }
    set { lock.withLock { flag = newValue } }
  }
  var stopped: Bool { lock.withLock { done } }
}
