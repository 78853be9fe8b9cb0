import Boards
import CommandLink
import Composition
import Controller
import Foundation
import HAL
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Station
import Testing

@testable import OperatorAPI

/// The server on a simulated controller: state, events, history, commands through the
/// command link's path, metrics, and the live WebSocket.
@Suite(.serialized) struct OperatorServerTests {
  static func json(_ buffer: ByteBuffer?) -> [String: Any] {
    guard let buffer, let object = try? JSONSerialization.jsonObject(with: Data(buffer.readableBytesView)) else {
      return [:]
    }
    return object as? [String: Any] ?? [:]
  }

  @Test func stateShowsEveryModulesPressureFromTheControllersSensors() async throws {
    let harness = try Harness()
    let app = Application(router: harness.api.makeRouter())
    try await app.test(.router) { client in
      // Before the first publication: 503.
      try await client.execute(uri: "/api/v1/state", method: .get) { #expect($0.status == .serviceUnavailable) }
      harness.advance(to: 5)
      harness.api.publishState()
      try await client.execute(uri: "/api/v1/state", method: .get) { response in
        #expect(response.status == .ok)
        let state = Self.json(response.body)
        let modules = state["modules"] as? [[String: Any]] ?? []
        #expect(modules.count == 8)
        for module in modules {
          let pressure = module["pressure_pa"] as? Double ?? 0
          #expect(pressure > 100_000 && pressure < 102_500, "\(module)")
          #expect(module["alarm"] as? String == "none")
        }
        #expect((state["control"] as? [String: Any])?["holder"] as? String == "crew")
        #expect((state["drones"] as? [[String: Any]])?.count == 3)
        #expect(state["safe_mode"] == nil)
      }
    }
  }

  @Test func aLeakTurnsItsModuleToAlarmWithTheDetectorsRate() async throws {
    let hab = ModuleID(unchecked: "hab")
    let harness = try Harness(
      timeline: [.init(atS: 150, action: .leak(hab, .percentPerHour(2)))],
      closedHatches: [HatchID(unchecked: "node2-hab"), HatchID(unchecked: "node3-hab")])
    harness.run.assembly.executive.events.flush()
    harness.advance(to: 900)
    harness.api.publishState()
    let view = try #require(harness.api.currentState().view)
    let module = try #require(view.modules.first { $0.id == "hab" })
    #expect(module.alarm == "alarm" || module.alarm == "rapid_depress")
    #expect((module.lossRatePctPerH ?? 0) > 0.3)
    #expect(view.modules.first { $0.id == "lab" }?.alarm == "none")
  }

  @Test func crewCommandsGoThroughTheArbiterAndAnswerAsTheLink() async throws {
    let harness = try Harness()
    harness.advance(to: 2)
    let app = Application(router: harness.api.makeRouter())
    let secret = harness.crew.secret
    try await harness.whileRunning {
      try await app.test(.router) { client in
        let auth: HTTPFields = [.authorization: "Bearer \(secret)"]
        try await client.execute(
          uri: "/api/v1/commands/crew", method: .post, headers: auth,
          body: ByteBuffer(string: #"{"request_id":41,"command":"stop_all_drones"}"#)
        ) { response in
          #expect(response.status == .ok)
          #expect(String(buffer: response.body ?? ByteBuffer()) == #"{"request_id":41,"result":"ok"}"#)
        }
        try await client.execute(
          uri: "/api/v1/commands/crew", method: .post, headers: auth,
          body: ByteBuffer(string: #"{"request_id":42,"command":"hatch_close","hatch":"nope"}"#)
        ) { response in
          #expect(response.status == .unprocessableContent)
          #expect(Self.json(response.body)["error"] as? String == "validation")
        }
        // A misspelt argument is refused, naming it, not dropped for the 2 h default.
        try await client.execute(
          uri: "/api/v1/commands/crew", method: .post, headers: auth,
          body: ByteBuffer(string: #"{"request_id":44,"command":"crew_activity_start","module":"hab","duraton":"30m"}"#)
        ) { response in
          #expect(response.status == .unprocessableContent)
          let body = Self.json(response.body)
          #expect(body["error"] as? String == "validation")
          #expect(
            body["reason"] as? String
              == "unknown argument 'duraton' for crew_activity_start (takes: module, duration)")
        }
        try await client.execute(
          uri: "/api/v1/commands/crew", method: .post, headers: [.authorization: "bearer \(secret)"],
          body: ByteBuffer(string: #"{"request_id":45,"command":"scan_pause","extra":"x"}"#)
        ) { response in
          #expect(response.status == .unprocessableContent)
          #expect(
            Self.json(response.body)["reason"] as? String
              == "unknown argument 'extra' for scan_pause (takes no arguments)")
        }
        try await client.execute(
          uri: "/api/v1/commands/crew", method: .post, headers: auth, body: ByteBuffer(string: "{not json")
        ) { response in
          #expect(response.status == .badRequest)
          #expect(Self.json(response.body)["error"] as? String == "format")
        }
        // No credential: refused before the arbiter.
        try await client.execute(
          uri: "/api/v1/commands/crew", method: .post,
          body: ByteBuffer(string: #"{"request_id":43,"command":"clear_safe_mode"}"#)
        ) { #expect($0.status == .unauthorized) }
        // Ground without a key ring: refused, never submitted.
        try await client.execute(
          uri: "/api/v1/commands/ground", method: .post, body: ByteBuffer(string: #"{"v":1}"#)
        ) { #expect($0.status == .forbidden) }
      }
    }
    harness.run.assembly.executive.events.flush()
    let records = harness.journal.page(limit: 256).records.map(\.1)
    let accepted = records.filter { $0.contains("\"command_accepted\"") && $0.contains("\"crew_console\"") }
    #expect(accepted.contains { $0.contains("\"stop_all_drones\"") && $0.contains("\"request_id\":1099511627776") })
    #expect(records.contains { $0.contains("\"command_rejected\"") && $0.contains("\"rejection\":\"validation\"") })
    #expect(!records.contains { $0.contains("\"clear_safe_mode\"") })
  }

  @Test func eventsAndHistoryBackfillAfterTheFact() async throws {
    let harness = try Harness(scenario: "demo")
    for second in stride(from: 10.0, through: 120, by: 10) {
      harness.advance(to: second)
      harness.api.publishState()
    }
    let app = Application(router: harness.api.makeRouter())
    try await app.test(.router) { client in
      try await client.execute(uri: "/api/v1/history?module=hab", method: .get) { response in
        #expect(response.status == .ok)
        let series = (Self.json(response.body)["series"] as? [String: Any])?["hab"] as? [String: Any]
        let t = series?["t"] as? [Double] ?? []
        #expect(t.count == 12)
        #expect(zip(t, t.dropFirst()).allSatisfy { $0 < $1 })
        #expect((series?["pressure_pa"] as? [Double])?.count == 12)
      }
      try await client.execute(uri: "/api/v1/history?module=nowhere", method: .get) {
        #expect($0.status == .notFound)
      }
      try await client.execute(uri: "/api/v1/events?limit=3", method: .get) { response in
        let page = Self.json(response.body)
        let events = page["events"] as? [[String: Any]] ?? []
        #expect(events.count == 3)
        #expect((events.last?["seq"] as? Int).map { $0 + 1 } == page["next"] as? Int)
      }
      try await client.execute(uri: "/api/v1/events?after=1&before=3", method: .get) {
        #expect($0.status == .badRequest)
      }
      try await client.execute(uri: "/api/v1/events?limit=-1", method: .get) { #expect($0.status == .badRequest) }
      try await client.execute(uri: "/metrics", method: .get) { response in
        let text = String(buffer: response.body ?? ByteBuffer())
        #expect(text.contains("cloak_module_pressure_pa{module=\"hab\"}"))
        #expect(text.contains("cloak_commands_total{"))
        #expect(text.contains("cloak_drones{state=\"docked\"}") || text.contains("cloak_drones{"))
        // The wake-up latency histogram, on every board: every group, cumulative buckets.
        #expect(text.contains("# TYPE cloak_group_wake_latency_seconds histogram"))
        let series = text.split(separator: "\n").filter { $0.hasPrefix("cloak_group_wake_latency_seconds_count{") }
          .map { $0.prefix { $0 != "}" } }
        #expect(series.count == 6 && Set(series).count == series.count, "one series per group: \(series)")
        for group in ["base_tick", "base", "sensors", "actuators", "leak", "planner"] {
          let prefix = "cloak_group_wake_latency_seconds_bucket{group=\"\(group)\",le=\"+Inf\"} "
          let total = text.split(separator: "\n").first { $0.hasPrefix(prefix) }.flatMap {
            UInt64($0.dropFirst(prefix.count))
          }
          #expect((total ?? 0) > 0, "\(group)")
        }
      }
    }
  }

  @Test func theLiveSocketSendsHelloStateAndEvents() async throws {
    let harness = try Harness(timeline: [
      .init(atS: 5, action: .command(principal: "crew_console", name: "hatch_close", arguments: ["hatch": "node2-hab"]))
    ])
    harness.advance(to: 3)
    harness.api.publishState()
    let (_, port) = try await harness.api.start()
    // The socket blocks: it is read on a thread of its own, never on the concurrency pool
    // the server runs on.
    let (hello, state, sawEvent) = try await onThread { () throws -> (String, String, Bool) in
      let socket = try TestWebSocket(port: port, path: "/api/v1/live")
      defer { socket.close() }
      let hello = try socket.readText()
      let state = try socket.readText()
      harness.advance(to: 6)
      var sawEvent = false
      for _ in 0..<20 where !sawEvent {
        sawEvent = try socket.readText().hasPrefix("{\"type\":\"events\",\"events\":[{\"seq\":")
      }
      return (hello, state, sawEvent)
    }
    #expect(hello.hasPrefix("{\"type\":\"hello\",\"next_event\":"))
    #expect(state.hasPrefix("{\"type\":\"state\",\"state\":{"))
    #expect(sawEvent)
    await harness.api.stop()
  }
}

/// A live client at the server's stop gets a close frame (1001, going away), not a cut.
@Suite(.serialized) struct OperatorServerStopTests {
  @Test func aLiveClientIsToldTheControllerStops() async throws {
    let harness = try Harness()
    let port = try await harness.startAPI()
    // The client reads the greeting, then until the server's close frame while the
    // server is stopped.
    let (hello, code, reason) = try await harness.liveClientThroughStop(port: port)
    #expect(hello.hasPrefix("{\"type\":\"hello\""))
    #expect(code == 1001)
    #expect(reason == "controller stopping")
  }
}

/// Starting where the port is taken fails with the address named, and stops cleanly.
@Suite(.serialized) struct OperatorServerStartTests {
  @Test func aTakenPortIsNamed() async throws {
    let first = try Harness()
    let (_, port) = try await first.api.start()
    let second = try Harness()
    var configuration = second.api.configuration
    configuration.port = port
    let clash = OperatorAPI(
      configuration: configuration, station: second.api.station, handOff: second.api.handOff,
      journal: second.journal, history: second.api.history, path: second.api.path, crew: nil, status: nil,
      origin: .zero, alarmThreshold: 0.3)
    await #expect(throws: OperatorAPIError.self) { try await clash.start() }
    do { try await clash.start() } catch {
      #expect(error.description.contains("127.0.0.1:\(port)"))
    }
    await first.api.stop()
  }
}
