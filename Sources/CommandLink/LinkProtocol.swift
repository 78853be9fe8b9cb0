import AuditLog
import Controller
import GroundLink

/// The command link's wire format (docs/command-link.md): one JSON object per line in each
/// direction, at most ``maxFrameBytes`` bytes before the LF.
///
/// Crew console request: `{"request_id":7,"command":"hatch_close","hatch":"node2-hab"}`:
/// the command's arguments are the other members (strings or numbers). Ground request: a
/// signed envelope line (docs/command-envelopes.md); its `seq` is the request id.
/// Response, one per request: `{"request_id":7,"result":"ok"}` or
/// `{"request_id":7,"result":"error","error":"authority","reason":"..."}` with the error one
/// of `format`, `validation`, `authority`, `execution`, `busy` (``RejectionCode``); the
/// request id is `null` when the frame had none that could be read.
public enum LinkProtocol {
  /// The longest frame accepted, in bytes without the LF (a signed envelope is ~400 B).
  public static let maxFrameBytes = 4096

  /// A crew request read from a frame.
  public struct CrewRequest: Sendable, Equatable {
    public var requestID: UInt64
    public var command: Command
  }

  /// A refusal before the arbiter: the request id when readable, the code and reason.
  public struct Refusal: Error, Sendable, Equatable {
    public var requestID: UInt64?
    public var code: RejectionCode
    public var reason: String
    public init(requestID: UInt64?, code: RejectionCode, reason: String) {
      self.requestID = requestID
      self.code = code
      self.reason = reason
    }
  }

  /// Parses a crew console frame. Throws a ``Refusal`` with `format` (not a JSON object,
  /// no `request_id` or `command`, a non-scalar argument) or `validation` (an unknown
  /// command or argument, from `Command.parse`).
  public static func crewRequest(_ frame: [UInt8]) throws(Refusal) -> CrewRequest {
    let value: JSONValue
    do { value = try JSONValue.parse(frame, maxDepth: 4) } catch {
      throw Refusal(requestID: nil, code: .format, reason: "\(error)")
    }
    guard let members = value.members else {
      throw Refusal(requestID: nil, code: .format, reason: "a request is one JSON object")
    }
    guard let idValue = value["request_id"] else {
      throw Refusal(requestID: nil, code: .format, reason: "request_id (an unsigned integer) is missing")
    }
    guard let id = idValue.uint64 else {
      throw Refusal(
        requestID: nil, code: .format,
        reason: "request_id is invalid: it must be an unsigned integer in 0...\(UInt64.max)")
    }
    guard let nameValue = value["command"] else {
      throw Refusal(requestID: id, code: .format, reason: "command (a string) is missing")
    }
    guard let name = nameValue.string else {
      throw Refusal(requestID: id, code: .format, reason: "command is invalid: it must be a string")
    }
    let arguments = try scalarArguments(members, skipping: ["request_id", "command"], id: id)
    do { return CrewRequest(requestID: id, command: try Command.parse(name: name, arguments: arguments)) } catch {
      throw Refusal(requestID: id, code: .validation, reason: error.message)
    }
  }

  /// The command object of an accepted envelope as a `Command` (`format` or `validation`).
  public static func envelopeCommand(_ accepted: AcceptedCommand) throws(Refusal) -> Command {
    try command(of: accepted.envelope)
  }

  /// The command object of `envelope` (its members but `command` are the arguments) as a
  /// `Command` (`format` or `validation`): what the ground link does with it once the
  /// envelope is accepted, and what `cloak command sign` checks before signing.
  public static func command(of envelope: CommandEnvelope) throws(Refusal) -> Command {
    let id = envelope.sequence
    guard let members = envelope.command.members else {
      throw Refusal(requestID: id, code: .format, reason: "the envelope's command is not an object")
    }
    let arguments = try scalarArguments(members, skipping: ["command"], id: id)
    do { return try Command.parse(name: envelope.commandName, arguments: arguments) } catch {
      throw Refusal(requestID: id, code: .validation, reason: error.message)
    }
  }

  private static func scalarArguments(_ members: [JSONMember], skipping: Set<String>, id: UInt64) throws(Refusal)
    -> [String: String]
  {
    var arguments: [String: String] = [:]
    for member in members where !skipping.contains(member.key) {
      switch member.value {
      case .string(let text): arguments[member.key] = text
      case .number(let text): arguments[member.key] = text
      default:
        throw Refusal(requestID: id, code: .format, reason: "argument \(member.key) is not a string or number")
      }
    }
    return arguments
  }

  /// The response line (no LF) for `response` to `command` (nil: not known).
  public static func line(_ response: CommandResponse, requestID: UInt64, command: Command? = nil) -> String {
    switch response.result {
    case .ok: return line(requestID: requestID, refusal: nil)
    case .rejected(let code, _):
      return line(
        requestID: requestID,
        refusal: Refusal(requestID: requestID, code: code, reason: Self.reason(response, of: command)))
    }
  }

  /// The reason of a rejected `response` for a reply, with the value named when the
  /// arbiter rejected an id that does not exist (``CommandResponse/unknownID``):
  /// `no such hatch 'nowhere'`. The arbiter's reasons are static strings: it runs in the
  /// actuator group and formats nothing; the link, which knows the command, adds the
  /// value. Empty for `ok`.
  public static func reason(_ response: CommandResponse, of command: Command?) -> String {
    guard case .rejected(_, let reason) = response.result else { return "" }
    let text = "\(reason)"
    guard let command, let kind = response.unknownID, let value = kind.value(in: command) else { return text }
    return "\(text) '\(value)'"
  }

  /// The response line (no LF): `ok` without a refusal.
  public static func line(requestID: UInt64?, refusal: Refusal?) -> String {
    var out = "{\"request_id\":" + (requestID.map { String($0) } ?? "null")
    guard let refusal else { return out + ",\"result\":\"ok\"}" }
    out += ",\"result\":\"error\",\"error\":\"\(refusal.code)\",\"reason\":" + JSONValue.quote(refusal.reason)
    return out + "}"
  }

  /// The link's code for an envelope rejection: `format` for a malformed envelope,
  /// `busy` when the replay store could not be written, `authority` for the rest; the
  /// reason is the rejection's own code (`replayed`, `stale`, ...), a colon and its
  /// description (`replayed: sequence 5 of key ground-1 is not above ...`).
  public static func refusal(_ rejection: EnvelopeRejection, requestID: UInt64?) -> Refusal {
    let code: RejectionCode
    switch rejection {
    case .malformed: code = .format
    case .replayStoreFailed: code = .busy
    default: code = .authority
    }
    return Refusal(requestID: requestID, code: code, reason: "\(rejection.reason): \(rejection)")
  }
}
