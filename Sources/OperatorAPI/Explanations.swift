import AuditLog
import Composition
import Foundation
import Scheduler
import Station

/// The documents of `GET /api/v1/targets/{id}/risk` and `GET /api/v1/audit/checkpoint`
/// (docs/api/openapi.yaml, schemas `Risk` and `Checkpoint`).
enum Explanations {
  struct Factor: Codable {
    var part: String
    var name: String
    var input: String
    var contribution: Double
    var source: String
  }

  struct Risk: Codable {
    var target: String
    var module: String
    var kind: String
    /// The planner time line the explanation is for, RFC 3339 UTC.
    var atUtc: String?
    /// The state publication it was taken from.
    var sequence: UInt64
    var risk: Double
    var probability: Double
    var probabilityCategory: Int
    var consequence: Double
    var consequenceCategory: Int
    var eligible: Bool
    var note: String
    var factors: [Factor]
  }

  /// Target `t`'s explanation from `frame` (the planner group's last publication) by
  /// `planner` (a twin of the controller's, made from the same station and
  /// configuration: only its set-up values are read).
  static func risk(target t: Int, frame: StationStateFrame, planner: InspectionPlanner) -> String {
    let target = planner.station.targets[t]
    let state = frame.targetRisk.indices.contains(t) ? frame.targetRisk[t] : TargetRiskState()
    let explanation = planner.explain(target: t, state: state, now: frame.plannerNowS)
    let doc = Risk(
      target: target.id.rawValue, module: target.module.rawValue, kind: "\(target.kind)",
      atUtc: StateView.utc(frame.plannerNowS), sequence: frame.sequence, risk: explanation.score.risk,
      probability: explanation.score.probability, probabilityCategory: explanation.score.probabilityCategory,
      consequence: explanation.score.consequence, consequenceCategory: explanation.score.consequenceCategory,
      eligible: explanation.eligible, note: explanation.note,
      factors: explanation.factors.map {
        Factor(part: $0.part, name: $0.name, input: $0.input, contribution: $0.contribution, source: $0.source)
      })
    return encode(doc)
  }

  struct CheckpointDoc: Codable {
    var origin: String
    /// Entries the checkpoint covers (the log's entry count at it).
    var size: Int
    /// RFC 9162 root hash of those entries, standard base64.
    var rootHash: String
    /// The log key's name, key hash and Ed25519 signature (base64) from the note.
    var keyName: String
    var keyHash: String
    var signature: String
    /// When this controller wrote it, RFC 3339 UTC (absent: found in a continued log).
    var utc: String?
    /// The whole signed note, as `cloak audit verify --checkpoint` takes it.
    var note: String
  }

  /// The checkpoint document, or nil when the note cannot be read (never for a note the
  /// writer wrote).
  static func checkpoint(note: String, utc: String?) -> String? {
    guard let checkpoint = try? Checkpoint(unverifiedNote: note),
      let signed = try? SignedNote(parsing: note), let line = signed.signatures.first
    else { return nil }
    let doc = CheckpointDoc(
      origin: checkpoint.origin, size: checkpoint.size, rootHash: checkpoint.root.base64, keyName: line.name,
      keyHash: String(format: "%08x", line.keyHash), signature: Data(line.signature).base64EncodedString(),
      utc: utc, note: note)
    return encode(doc)
  }

  static func encode<T: Encodable>(_ doc: T) -> String {
    let encoder = JSONEncoder()
    encoder.keyEncodingStrategy = .convertToSnakeCase
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    guard let data = try? encoder.encode(doc) else { return "{}" }
    return String(decoding: data, as: UTF8.self)
  }
}
