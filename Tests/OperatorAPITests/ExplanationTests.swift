import AuditLog
import Composition
import Controller
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Scheduler
import Station
import Testing

@testable import OperatorAPI

/// The reads that explain: a target's risk (from the planner group's publication) and the
/// audit log's latest checkpoint; and the running loss rate in the state and history.
@Suite(.serialized) struct ExplanationTests {
  static func json(_ buffer: ByteBuffer?) -> [String: Any] {
    guard let buffer, let object = try? JSONSerialization.jsonObject(with: Data(buffer.readableBytesView)) else {
      return [:]
    }
    return object as? [String: Any] ?? [:]
  }

  @Test("a target's risk is explained from the published frame, as the planner explains it itself")
  func targetRisk() async throws {
    let harness = try Harness(scenario: "demo")
    let app = Application(router: harness.api.makeRouter())
    try await app.test(.router) { client in
      try await client.execute(uri: "/api/v1/targets/seal-node2-hab-node2/risk", method: .get) {
        #expect($0.status == .serviceUnavailable)
        #expect(Self.json($0.body)["error"] as? String == "no_state")
      }
    }
    harness.advance(to: 30)
    harness.api.publishState()
    let fleet = harness.run.fleet
    let t = try #require(harness.run.station.targets.firstIndex { $0.id.rawValue == "seal-node2-hab-node2" })
    // What the planner itself says at the same moment (the frame was published after
    // the planner's last tick; nothing has stepped since).
    let own = fleet.planner.explain(target: t, now: fleet.lastStepS)
    try await app.test(.router) { client in
      try await client.execute(uri: "/api/v1/targets/seal-node2-hab-node2/risk", method: .get) { response in
        #expect(response.status == .ok)
        let doc = Self.json(response.body)
        #expect(doc["target"] as? String == "seal-node2-hab-node2")
        #expect(doc["kind"] as? String == "seal")
        #expect(abs((doc["risk"] as? Double ?? 0) - own.score.risk) < 1e-9)
        #expect(abs((doc["probability"] as? Double ?? 0) - own.score.probability) < 1e-9)
        #expect(doc["consequence_category"] as? Int == own.score.consequenceCategory)
        #expect(doc["eligible"] as? Bool == own.eligible)
        #expect(doc["note"] as? String == own.note)
        let factors = doc["factors"] as? [[String: Any]] ?? []
        #expect(factors.map { $0["name"] as? String } == own.factors.map(\.name))
        #expect(factors.map { $0["source"] as? String } == own.factors.map(\.source))
        let contributions = factors.map { $0["contribution"] as? Double ?? .nan }
        #expect(zip(contributions, own.factors.map(\.contribution)).allSatisfy { abs($0 - $1) < 1e-9 })
        #expect(contributions.count == own.factors.count)
        #expect((factors.first?["source"] as? String)?.contains("demo.yaml:") == true)
      }
      try await client.execute(uri: "/api/v1/targets/no-such-seal/risk", method: .get) { response in
        #expect(response.status == .notFound)
        let doc = Self.json(response.body)
        #expect(doc["error"] as? String == "no_such_target")
        #expect((doc["reason"] as? String)?.contains("no-such-seal") == true)
      }
    }
  }

  @Test("the audit log's latest checkpoint: 404 without a log, 503 before one, then the signed note's parts")
  func auditCheckpoint() async throws {
    let none = try Harness()
    try await Application(router: none.api.makeRouter()).test(.router) { client in
      try await client.execute(uri: "/api/v1/audit/checkpoint", method: .get) { response in
        #expect(response.status == .notFound)
        #expect(Self.json(response.body)["error"] as? String == "no_audit_log")
      }
    }
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("cloak-audit-\(UUID())")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    let signer = try NoteSigner.generate(name: "test.cloak/audit")
    let writer = AuditWriter(
      file: try AuditLogFile(path: directory.appendingPathComponent("a.log").path, signer: signer)
    ) {
      (1, "2030-01-01T00:00:01.000Z")
    }
    defer { writer.close() }
    let harness = try Harness(audit: writer)
    let app = Application(router: harness.api.makeRouter())
    try await app.test(.router) { client in
      try await client.execute(uri: "/api/v1/audit/checkpoint", method: .get) { response in
        #expect(response.status == .serviceUnavailable)
        #expect(Self.json(response.body)["error"] as? String == "no_checkpoint")
      }
      for n in 0..<3 { _ = writer.submit(Array("{\"entry\":\(n)}".utf8)) }
      _ = writer.submitDurably(Array("{\"safety\":1}".utf8), timeout: .seconds(10))
      try await client.execute(uri: "/api/v1/audit/checkpoint", method: .get) { response in
        #expect(response.status == .ok)
        let doc = Self.json(response.body)
        let note = try #require(doc["note"] as? String)
        let checkpoint = try Checkpoint(signedNote: note, verifier: signer.verifier)
        #expect(doc["size"] as? Int == checkpoint.size)
        #expect(checkpoint.size == 4)
        #expect(doc["root_hash"] as? String == checkpoint.root.base64)
        #expect(doc["origin"] as? String == "test.cloak/audit")
        #expect(doc["key_name"] as? String == "test.cloak/audit")
        #expect((doc["signature"] as? String).flatMap { Data(base64Encoded: $0) }?.count == 64)
        #expect(doc["utc"] as? String == "2030-01-01T00:00:01.000Z")
      }
    }
  }

  @Test("every watched module has the leak watch's running loss rate in the state and the history")
  func runningLossRate() throws {
    let harness = try Harness()
    for second in stride(from: 60.0, through: 600, by: 60) {
      harness.advance(to: second)
      harness.api.publishState()
    }
    let view = try #require(harness.api.currentState().view)
    for module in view.modules {
      let rate = try #require(module.lossRatePctPerH, "\(module.id) has no loss rate")
      // A quiet station: the background loss only, well below the alarm threshold.
      #expect(abs(rate) < 0.3, "\(module.id): \(rate) %/h")
      let points = harness.api.history.series(module.id, since: 0, maxPoints: 100)
      #expect(points.filter { $0.lossRatePctPerHour.isFinite }.count >= 5, "\(module.id): \(points)")
    }
  }
}
