import AuditLog
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing
import Yams

@testable import OperatorAPI

/// The server matches docs/api/openapi.yaml: every operation it describes is served,
/// every status a representative request gets is listed for its operation, and every
/// JSON body has what its schema requires (types, required members, enums).
@Suite(.serialized) struct OpenAPIConformanceTests {
  /// The description, from the package checkout.
  static func description() throws -> [String: Any] {
    var directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    while !FileManager.default.fileExists(atPath: directory.appendingPathComponent("Package.swift").path) {
      directory.deleteLastPathComponent()
    }
    let text = try String(contentsOf: directory.appendingPathComponent("docs/api/openapi.yaml"), encoding: .utf8)
    return try #require(try Yams.load(yaml: text) as? [String: Any])
  }

  /// Problems of `value` against `schema` (`$ref`s resolved in `root`), each with its
  /// path. Bodies are read with the audit log's strict JSON reader, which keeps numbers
  /// and booleans apart.
  static func check(_ value: JSONValue, _ schema: [String: Any], root: [String: Any], at path: String = "$")
    -> [String]
  {
    if let ref = schema["$ref"] as? String {
      var node: Any? = root
      for part in ref.dropFirst(2).split(separator: "/") { node = (node as? [String: Any])?[String(part)] }
      guard let resolved = node as? [String: Any] else { return ["\(path): unresolved \(ref)"] }
      return check(value, resolved, root: root, at: path)
    }
    if case .null = value {
      return schema["nullable"] as? Bool == true ? [] : ["\(path): null where \(schema["type"] ?? "a value") is due"]
    }
    if let options = schema["oneOf"] as? [[String: Any]] {
      return options.contains { check(value, $0, root: root, at: path).isEmpty } ? [] : ["\(path): matches no oneOf"]
    }
    var problems: [String] = []
    switch (schema["type"] as? String, value) {
    case ("object"?, .object(let members)):
      let names = Set(members.map(\.key))
      for name in schema["required"] as? [String] ?? [] where !names.contains(name) {
        problems.append("\(path).\(name): missing")
      }
      let properties = schema["properties"] as? [String: Any] ?? [:]
      for member in members {
        if let property = properties[member.key] as? [String: Any] {
          problems += check(member.value, property, root: root, at: "\(path).\(member.key)")
        } else if let additional = schema["additionalProperties"] as? [String: Any] {
          problems += check(member.value, additional, root: root, at: "\(path).\(member.key)")
        }
      }
    case ("array"?, .array(let items)):
      if let itemSchema = schema["items"] as? [String: Any] {
        for (index, item) in items.enumerated() {
          problems += check(item, itemSchema, root: root, at: "\(path)[\(index)]")
        }
      }
    case ("string"?, .string(let text)):
      if let options = schema["enum"] as? [String], !options.contains(text) {
        problems.append("\(path): \(text) not in enum")
      }
    case ("integer"?, .number(let text)):
      if Int64(text) == nil { problems.append("\(path): \(text) is not an integer") }
    case ("number"?, .number), ("boolean"?, .bool), (nil, _):
      break
    case (let type?, _):
      problems.append("\(path): not of type \(type)")
    }
    return problems
  }

  struct Probe {
    var method: HTTPRequest.Method
    var path: String
    var query = ""
    var body: String?
    var crew = false
    /// The request's path when `path` is a template (`/api/v1/targets/{id}/risk`).
    var concrete: String?
  }

  @Test func everyOperationIsServedWithItsDescribedStatusesAndBodies() async throws {
    let root = try Self.description()
    let paths = try #require(root["paths"] as? [String: Any])
    let harness = try Harness()
    harness.advance(to: 3)
    harness.api.publishState()
    let app = Application(router: harness.api.makeRouter())
    let probes: [Probe] = [
      .init(method: .get, path: "/api/v1/state"),
      .init(method: .get, path: "/api/v1/station"),
      .init(method: .get, path: "/api/v1/events"),
      .init(method: .get, path: "/api/v1/events", query: "?after=2&limit=5"),
      .init(method: .get, path: "/api/v1/events", query: "?before=x"),
      .init(method: .get, path: "/api/v1/history"), .init(method: .get, path: "/api/v1/history", query: "?module=hab"),
      .init(method: .get, path: "/api/v1/history", query: "?module=mars"),
      .init(method: .get, path: "/api/v1/history", query: "?since=abc"),
      .init(method: .get, path: "/api/v1/live"),
      .init(
        method: .post, path: "/api/v1/commands/crew", body: #"{"request_id":1,"command":"scan_pause"}"#, crew: true),
      .init(method: .post, path: "/api/v1/commands/crew", body: #"{"request_id":2,"command":"warp"}"#, crew: true),
      .init(method: .post, path: "/api/v1/commands/crew", body: "[1]", crew: true),
      .init(method: .post, path: "/api/v1/commands/crew", body: #"{"request_id":3,"command":"scan_pause"}"#),
      .init(
        method: .post, path: "/api/v1/commands/crew", body: String(repeating: "x", count: 5_000), crew: true),
      .init(method: .post, path: "/api/v1/commands/ground", body: "{}"),
      .init(method: .get, path: "/metrics"),
      .init(method: .get, path: "/api/v1/targets/{id}/risk", concrete: "/api/v1/targets/seal-node2-hab-node2/risk"),
      .init(method: .get, path: "/api/v1/targets/{id}/risk", concrete: "/api/v1/targets/no-such-seal/risk"),
      .init(method: .get, path: "/api/v1/audit/checkpoint"),
    ]
    let secret = harness.crew.secret
    let requests = probes.map { ($0.method, ($0.concrete ?? $0.path) + $0.query, $0.body, $0.crew) }
    let answers: [(status: Int, body: Data)] = try await harness.whileRunning {
      try await app.test(.router) { client in
        var answers: [(status: Int, body: Data)] = []
        for (method, uri, body, crew) in requests {
          let headers: HTTPFields = crew ? [.authorization: "Bearer \(secret)"] : [:]
          let response = try await client.execute(
            uri: uri, method: method, headers: headers, body: body.map { ByteBuffer(string: $0) })
          answers.append((response.status.code, Data((response.body ?? ByteBuffer()).readableBytesView)))
        }
        return answers
      }
    }
    var served: Set<String> = []
    for (probe, answer) in zip(probes, answers) {
      let operation = (paths[probe.path] as? [String: Any])?[probe.method.rawValue.lowercased()] as? [String: Any]
      let responses = try #require(operation?["responses"] as? [String: Any], "\(probe.path) is not described")
      let status = String(answer.status)
      let described = try #require(
        responses[status] as? [String: Any], "\(probe.method) \(probe.path)\(probe.query): \(status) not described")
      var entry = described
      if let ref = described["$ref"] as? String, let name = ref.split(separator: "/").last,
        let shared = ((root["components"] as? [String: Any])?["responses"] as? [String: Any])?[String(name)]
          as? [String: Any]
      {
        entry = shared
      }
      let content = entry["content"] as? [String: Any]
      if let json = (content?["application/json"] as? [String: Any])?["schema"] as? [String: Any] {
        let body = try JSONValue.parse(Array(answer.body))
        let problems = Self.check(body, json, root: root)
        #expect(problems.isEmpty, "\(probe.method) \(probe.path)\(probe.query) \(status): \(problems)")
      }
      served.insert("\(probe.method.rawValue.lowercased()) \(probe.path)")
    }
    var describedOperations: Set<String> = []
    for (path, item) in paths {
      for method in (item as? [String: Any] ?? [:]).keys { describedOperations.insert("\(method) \(path)") }
    }
    #expect(describedOperations == served)
  }
}
