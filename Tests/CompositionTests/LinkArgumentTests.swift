import AuditLog
import Boards
import CommandLink
import Controller
import Foundation
import GroundLink
import Simulation
import Station
import Testing

/// Every transport hands `Command.parse` the command's arguments only: the link's own
/// fields (a crew frame's `request_id` and `command`, an envelope command object's
/// `command`, a scenario action's `principal` and `name`) never reach it, and an argument
/// the command does not take is refused `validation`, naming it.
@Suite("Command arguments on every link")
struct LinkArgumentTests {
  static func crew(_ text: String) -> Result<LinkProtocol.CrewRequest, LinkProtocol.Refusal> {
    do throws(LinkProtocol.Refusal) {
      return .success(try LinkProtocol.crewRequest(Array(text.utf8)))
    } catch {
      return .failure(error)
    }
  }

  @Test("crew console frame: request_id and command are the link's, a misspelt argument is validation")
  func crewFrames() throws {
    let ok = try Self.crew(#"{"request_id":1,"command":"crew_activity_start","module":"hab","duration":"30m"}"#)
      .get()
    #expect(ok.requestID == 1)
    #expect(ok.command == .crewActivityStart(ModuleID(unchecked: "hab"), seconds: 1800))
    #expect(
      Self.crew(#"{"request_id":1,"command":"crew_activity_start","module":"hab","duraton":"30m"}"#)
        == .failure(
          .init(
            requestID: 1, code: .validation,
            reason: "unknown argument 'duraton' for crew_activity_start (takes: module, duration)")))
    #expect(
      Self.crew(#"{"request_id":2,"command":"scan_pause","extra":"x"}"#)
        == .failure(
          .init(requestID: 2, code: .validation, reason: "unknown argument 'extra' for scan_pause (takes no arguments)")
        ))
    #expect(try Self.crew(#"{"request_id":3,"command":"scan_pause"}"#).get().command == .scanPause)
  }

  @Test("crew console frame: a present but invalid request_id is called invalid, not missing")
  func invalidRequestID() {
    for id in [#""7""#, "-1", "1.5", "18446744073709551616"] {
      guard case .failure(let refusal) = Self.crew(#"{"request_id":\#(id),"command":"scan_pause"}"#) else {
        Issue.record("request_id \(id) accepted")
        continue
      }
      #expect(refusal.code == .format)
      #expect(refusal.reason.hasPrefix("request_id is invalid"), "\(id): \(refusal.reason)")
    }
    #expect(
      Self.crew(#"{"command":"scan_pause"}"#)
        == .failure(.init(requestID: nil, code: .format, reason: "request_id (an unsigned integer) is missing")))
    #expect(
      Self.crew(#"{"request_id":4,"command":7}"#)
        == .failure(.init(requestID: 4, code: .format, reason: "command is invalid: it must be a string")))
  }

  @Test("signed envelope: the command object's members other than command are the arguments")
  func envelopes() throws {
    let signer = try NoteSigner.generate(name: "ground-1")
    let ring = try KeyRing([
      KeyRing.Key(verifier: signer.verifier, allowedCommands: ["crew_activity_start", "scan_pause"])
    ])
    let guardPath = FileManager.default.temporaryDirectory.appendingPathComponent("cloak-replay-\(UUID())").path
    defer { try? FileManager.default.removeItem(atPath: guardPath) }
    let verifier = CommandVerifier(keyRing: ring, replayGuard: try ReplayGuard(path: guardPath), windowMs: 60_000)
    let now: Int64 = 1_795_000_000_000
    var sequence: UInt64 = 0
    func command(_ object: String) throws -> Result<Command, LinkProtocol.Refusal> {
      sequence += 1
      let envelope = try CommandEnvelope.sign(
        command: Array(object.utf8), sequence: sequence, timeMs: now, leaseExpiresMs: now + 60_000, signer: signer)
      let accepted = try verifier.verify(envelope, nowMs: now).get()
      do throws(LinkProtocol.Refusal) {
        return .success(try LinkProtocol.envelopeCommand(accepted))
      } catch {
        return .failure(error)
      }
    }
    #expect(
      try command(#"{"command":"crew_activity_start","module":"hab","duration":"1h"}"#).get()
        == .crewActivityStart(ModuleID(unchecked: "hab"), seconds: 3600))
    let refused = try command(#"{"command":"scan_pause","reason":"test"}"#)
    #expect(
      refused
        == .failure(
          .init(
            requestID: sequence, code: .validation,
            reason: "unknown argument 'reason' for scan_pause (takes no arguments)"
          )))
  }

  @Test("an unknown-id rejection names the value the command gave; other reasons are the arbiter's")
  func noSuchNamesTheValue() {
    func rejected(_ kind: UnknownID?, _ reason: StaticString) -> CommandResponse {
      CommandResponse(requestID: 1, result: .rejected(.validation, reason: reason), unknownID: kind)
    }
    let hatch = Command.hatchOpen(HatchID(unchecked: "nowhere"))
    let named: [(UnknownID, Command, String)] = [
      (.hatch, hatch, "no such hatch 'nowhere'"),
      (.drone, .droneArm(DroneID(unchecked: "d9")), "no such drone 'd9'"),
      (.target, .scanSkip(TargetID(unchecked: "seal-x")), "no such target 'seal-x'"),
      (.module, .crewActivityEnd(ModuleID(unchecked: "attic")), "no such module 'attic'"),
      (
        .pwmOutput, .actuatorPulse(BoardRole(unchecked: "drone.d9.motor1"), microseconds: 1500),
        "no such PWM output 'drone.d9.motor1'"
      ),
    ]
    #expect(Set(named.map(\.0)) == Set(UnknownID.allCases))
    for (kind, command, text) in named {
      #expect(LinkProtocol.reason(rejected(kind, kind.reason), of: command) == text)
      // Without the command (not known to the link) the reason alone.
      #expect(LinkProtocol.reason(rejected(kind, kind.reason), of: nil) == "\(kind.reason)")
    }
    // The value is named by the rejection's kind, never by its words.
    #expect(LinkProtocol.reason(rejected(nil, "no such hatch"), of: hatch) == "no such hatch")
    #expect(
      LinkProtocol.reason(rejected(nil, "pulse outside the output's limits"), of: hatch)
        == "pulse outside the output's limits")
    #expect(LinkProtocol.reason(CommandResponse(requestID: 1, result: .ok), of: hatch) == "")
  }

  @Test("an envelope rejection's reason names its code once")
  func rejectionReasons() {
    let replayed = LinkProtocol.refusal(
      .replayed(keyId: "ground-1", sequence: 5, highestAccepted: 7), requestID: 5)
    #expect(replayed.reason == "replayed: sequence 5 of key ground-1 is not above the highest accepted, 7")
    let stale = LinkProtocol.refusal(.stale(timeMs: 0, nowMs: 40_000, windowMs: 30_000), requestID: 6)
    #expect(stale.reason.hasPrefix("stale: timestamp 0 ms"))
  }

  @Test("scenario command action: principal and name are the action's, other members are checked arguments")
  func scenarioCommands() {
    let check = ScenarioVocabulary.controller.checkCommand
    #expect(check("crew_activity_start", ["module": "hab", "duration": "30m"]) == nil)
    #expect(
      check("crew_activity_start", ["module": "hab", "duraton": "30m"])
        == "unknown argument 'duraton' for crew_activity_start (takes: module, duration)")
  }
}
