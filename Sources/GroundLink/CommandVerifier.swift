import AuditLog

/// An envelope that passed every check; its sequence number is already stored durably.
public struct AcceptedCommand: Sendable, Equatable {
  public let envelope: CommandEnvelope
  public var keyId: String { envelope.keyId }
  public var commandName: String { envelope.commandName }
  /// The command object's exact bytes, for the command parser and the audit log.
  public var commandBytes: [UInt8] { envelope.commandBytes }
}

/// Checks ground command envelopes, in this order: well-formed, signed, known key, valid
/// signature, command allowed for the key, timestamp within the window, lease not expired,
/// sequence above the highest accepted (stored durably before returning). The first
/// failing check is the rejection.
public final class CommandVerifier: Sendable {
  public let keyRing: KeyRing
  public let replayGuard: ReplayGuard
  /// Accepted distance between the envelope's timestamp and the controller's clock, ms.
  public let windowMs: Int64

  public init(keyRing: KeyRing, replayGuard: ReplayGuard, windowMs: Int64) {
    self.keyRing = keyRing
    self.replayGuard = replayGuard
    self.windowMs = windowMs
  }

  /// Verifies one envelope at the controller's wall clock `nowMs` (Unix ms, UTC).
  public func verify(_ bytes: [UInt8], nowMs: Int64) -> Result<AcceptedCommand, EnvelopeRejection> {
    do throws(EnvelopeRejection) {
      return .success(try check(bytes, nowMs: nowMs))
    } catch {
      return .failure(error)
    }
  }

  private func check(_ bytes: [UInt8], nowMs: Int64) throws(EnvelopeRejection) -> AcceptedCommand {
    let envelope = try CommandEnvelope(parsing: bytes)
    guard let signature = envelope.signature else { throw .unsigned(keyId: envelope.keyId) }
    guard let key = keyRing.keys[envelope.keyId] else { throw .unknownKey(keyId: envelope.keyId) }
    guard key.verifier.isValidSignature(signature, over: envelope.signingInput) else {
      throw .badSignature(keyId: envelope.keyId)
    }
    guard key.allowedCommands.contains(envelope.commandName) else {
      throw .notAllowed(keyId: envelope.keyId, command: envelope.commandName)
    }
    let (distance, overflow) = nowMs.subtractingReportingOverflow(envelope.timeMs)
    guard !overflow, distance.magnitude <= windowMs.magnitude else {
      throw .stale(timeMs: envelope.timeMs, nowMs: nowMs, windowMs: windowMs)
    }
    if let lease = envelope.leaseExpiresMs, lease <= nowMs {
      throw .leaseExpired(leaseExpiresMs: lease, nowMs: nowMs)
    }
    let previous: UInt64?
    do { previous = try replayGuard.accept(keyId: envelope.keyId, sequence: envelope.sequence) } catch {
      throw .replayStoreFailed("\(error)")
    }
    if let previous { throw .replayed(keyId: envelope.keyId, sequence: envelope.sequence, highestAccepted: previous) }
    return AcceptedCommand(envelope: envelope)
  }
}
