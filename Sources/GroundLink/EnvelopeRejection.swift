/// Why a ground command envelope was refused. Each case has its own `reason` code for the
/// response and the audit log.
public enum EnvelopeRejection: Error, Sendable, Equatable, CustomStringConvertible {
  /// Not a well-formed envelope (not JSON, missing or mistyped member, command without a name).
  case malformed(String)
  /// No signature.
  case unsigned(keyId: String)
  /// The signature does not verify with the key ring's key for `keyId`.
  case badSignature(keyId: String)
  /// `keyId` is not in the key ring.
  case unknownKey(keyId: String)
  /// The sequence number is not above the highest accepted for the key.
  case replayed(keyId: String, sequence: UInt64, highestAccepted: UInt64)
  /// The timestamp is outside the acceptance window around the controller's clock.
  case stale(timeMs: Int64, nowMs: Int64, windowMs: Int64)
  /// The key may not send this command.
  case notAllowed(keyId: String, command: String)
  /// The lease expiry in the envelope has passed.
  case leaseExpired(leaseExpiresMs: Int64, nowMs: Int64)
  /// The replay guard could not store the sequence number durably; refused so that no
  /// replay window opens (fail closed; the crew's local console is not signed and unaffected).
  case replayStoreFailed(String)

  /// A stable snake_case code.
  public var reason: String {
    switch self {
    case .malformed: "malformed"
    case .unsigned: "unsigned"
    case .badSignature: "bad_signature"
    case .unknownKey: "unknown_key"
    case .replayed: "replayed"
    case .stale: "stale"
    case .notAllowed: "not_allowed"
    case .leaseExpired: "lease_expired"
    case .replayStoreFailed: "replay_store_failed"
    }
  }

  /// The values involved, without the `reason` code (a response or `cloak command verify`
  /// prints `REASON: DESCRIPTION`).
  public var description: String {
    switch self {
    case .malformed(let why): "malformed envelope: \(why)"
    case .unsigned(let keyId): "unsigned envelope (key \(keyId))"
    case .badSignature(let keyId): "bad signature for key \(keyId)"
    case .unknownKey(let keyId): "unknown key \(keyId)"
    case .replayed(let keyId, let sequence, let highest):
      "sequence \(sequence) of key \(keyId) is not above the highest accepted, \(highest)"
    case .stale(let timeMs, let nowMs, let windowMs):
      "timestamp \(timeMs) ms is \(nowMs - timeMs) ms from the controller's clock \(nowMs) ms (window ±\(windowMs) ms)"
    case .notAllowed(let keyId, let command): "key \(keyId) is not allowed to send '\(command)'"
    case .leaseExpired(let lease, let nowMs): "lease expired at \(lease) ms (now \(nowMs) ms)"
    case .replayStoreFailed(let why): "replay guard could not store the sequence number: \(why)"
    }
  }
}
