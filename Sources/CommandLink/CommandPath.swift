import Controller
import Foundation
import GroundLink

/// One answer to one request, as the command link writes it: the response line
/// (docs/command-link.md), the request id when one could be read, and the rejection code
/// (nil: `ok`).
public struct LinkReply: Sendable, Equatable {
  public var requestID: UInt64?
  public var rejection: RejectionCode?
  /// The JSON response line, without its LF.
  public var line: String
  /// Whether the request was refused before it reached the arbiter (its frame or
  /// envelope), so no command event was raised for it.
  public var beforeArbiter: Bool

  public init(requestID: UInt64?, rejection: RejectionCode?, line: String, beforeArbiter: Bool) {
    self.requestID = requestID
    self.rejection = rejection
    self.line = line
    self.beforeArbiter = beforeArbiter
  }

  init(_ refusal: LinkProtocol.Refusal) {
    self.init(
      requestID: refusal.requestID, rejection: refusal.code,
      line: LinkProtocol.line(requestID: refusal.requestID, refusal: refusal), beforeArbiter: true)
  }

  init(_ response: CommandResponse, requestID: UInt64, command: Command? = nil) {
    let rejection: RejectionCode?
    if case .rejected(let code, _) = response.result { rejection = code } else { rejection = nil }
    self.init(
      requestID: requestID, rejection: rejection,
      line: LinkProtocol.line(response, requestID: requestID, command: command),
      beforeArbiter: false)
  }
}

/// The one way a request from outside reaches the arbiter, shared by the command link's
/// crew console and ground listeners and by the operator API: a crew frame is parsed
/// (``LinkProtocol/crewRequest(_:)``, `Command.parse`) and submitted as the crew
/// console; a ground frame is a signed envelope checked by the ``CommandVerifier`` (key
/// ring, replay guard, clock window), its lease taken first when it carries one, then
/// its command submitted as ground. The arbiter's ``AuthorityPolicy`` decides and audits
/// every command; nothing here decides anything but the frame's format.
public struct CommandPath: Sendable {
  public let router: ResponseRouter
  public let verifier: CommandVerifier?
  public let wallClockMs: @Sendable () -> Int64

  public init(
    router: ResponseRouter, verifier: CommandVerifier?,
    wallClockMs: @escaping @Sendable () -> Int64 = { Int64(Date().timeIntervalSince1970 * 1000) }
  ) {
    self.router = router
    self.verifier = verifier
    self.wallClockMs = wallClockMs
  }

  /// A crew console frame (`{"request_id":N,"command":"...",...}`): `completion` runs
  /// once with the reply (at once for a refusal before the arbiter).
  public func crew(_ frame: [UInt8], completion: @escaping @Sendable (LinkReply) -> Void) {
    let request: LinkProtocol.CrewRequest
    do { request = try LinkProtocol.crewRequest(frame) } catch {
      completion(LinkReply(error))
      return
    }
    submit(request.command, by: .crewConsole, requestID: request.requestID, then: nil, completion: completion)
  }

  /// A signed ground envelope line: `completion` runs once with the reply. Without a
  /// verifier (no key ring configured) every envelope is refused `authority`.
  public func ground(_ frame: [UInt8], completion: @escaping @Sendable (LinkReply) -> Void) {
    guard let verifier else {
      completion(LinkReply(.init(requestID: nil, code: .authority, reason: "no ground key ring is configured")))
      return
    }
    let now = wallClockMs()
    let accepted: AcceptedCommand
    switch verifier.verify(frame, nowMs: now) {
    case .failure(let rejection):
      let id = (try? CommandEnvelope(parsing: frame))?.sequence
      completion(LinkReply(LinkProtocol.refusal(rejection, requestID: id)))
      return
    case .success(let value): accepted = value
    }
    let id = accepted.envelope.sequence
    let command: Command
    do { command = try LinkProtocol.envelopeCommand(accepted) } catch {
      completion(LinkReply(error))
      return
    }
    if let expires = accepted.envelope.leaseExpiresMs {
      let seconds = max(1, (expires - now + 999) / 1000)
      guard let lease = try? Command.parse(name: "lease_take", arguments: ["seconds": String(seconds)]) else {
        completion(LinkReply(.init(requestID: id, code: .validation, reason: "lease of \(seconds) s")))
        return
      }
      submit(lease, by: .ground, requestID: id, then: command, completion: completion)
    } else {
      submit(command, by: .ground, requestID: id, then: nil, completion: completion)
    }
  }

  /// Submits `command`; on `ok` submits `next` (the command after its lease), then answers.
  private func submit(
    _ command: Command, by principal: Principal, requestID: UInt64, then next: Command?,
    completion: @escaping @Sendable (LinkReply) -> Void
  ) {
    let path = self
    router.submit(command, by: principal) { response in
      if let next, response.rejection == nil {
        path.submit(next, by: principal, requestID: requestID, then: nil, completion: completion)
        return
      }
      completion(LinkReply(response, requestID: requestID, command: command))
    }
  }
}
