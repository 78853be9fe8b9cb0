import Controller
import Foundation
import Station
import Testing

/// `Command.parse` refuses an argument the command does not take, and every command
/// docs/commands.md lists parses with the arguments it documents.
@Suite("Command arguments")
struct CommandArgumentTests {
  static func message(_ name: String, _ arguments: [String: String]) -> String? {
    do {
      _ = try Command.parse(name: name, arguments: arguments)
      return nil
    } catch {
      return error.message
    }
  }

  @Test("a misspelt or extra argument is refused, naming it and what the command takes")
  func unknownArgumentsAreRefused() {
    #expect(
      Self.message("crew_activity_start", ["module": "hab", "duraton": "30m"])
        == "unknown argument 'duraton' for crew_activity_start (takes: module, duration)")
    #expect(
      Self.message("scan_pause", ["extra": "x"]) == "unknown argument 'extra' for scan_pause (takes no arguments)")
    #expect(
      Self.message("hatch_open", ["hatch": "node1-node2", "request_id": "3"])
        == "unknown argument 'request_id' for hatch_open (takes: hatch)")
    // A drone order takes the arguments of its order only.
    #expect(
      Self.message("drone_order", ["drone": "d1", "order": "hold", "module": "hab"])
        == "unknown argument 'module' for drone_order hold (takes: drone, order)")
    #expect(
      Self.message("drone_order", ["drone": "d1", "order": "go_to", "module": "hab", "seconds": "5"])
        == "unknown argument 'seconds' for drone_order go_to (takes: drone, order, module)")
    // The optional argument still parses, and its absence still gives the default.
    #expect(Self.message("crew_activity_start", ["module": "hab", "duration": "30m"]) == nil)
    #expect(
      (try? Command.parse(name: "crew_activity_start", arguments: ["module": "hab"]))
        == .crewActivityStart(ModuleID(unchecked: "hab"), seconds: Command.crewActivityDefaultS))
  }

  @Test("every command's own arguments parse back (argumentNames covers what arguments gives)")
  func ownArgumentsAreKnown() throws {
    let samples: [Command] = [
      .enterSafeMode, .hatchOpen(HatchID(unchecked: "a-b")), .droneArm(DroneID(unchecked: "d1")),
      .actuatorPulse(BoardRole(unchecked: "drone.d1.motor1"), microseconds: 1500), .leaseTake(seconds: 600),
      .droneOrder(DroneID(unchecked: "d1"), .goTo(ModuleID(unchecked: "hab"))),
      .droneOrder(DroneID(unchecked: "d1"), .scan(TargetID(unchecked: "seal-a"), seconds: 90)),
      .droneOrder(DroneID(unchecked: "d1"), .hold), .scanSkip(TargetID(unchecked: "seal-a")),
      .crewActivityStart(ModuleID(unchecked: "hab"), seconds: 1800), .alarmAcknowledge(ModuleID(unchecked: "hab")),
    ]
    for command in samples {
      #expect(Set(command.arguments.keys).isSubset(of: command.kind.argumentNames), "\(command)")
      #expect(try Command.parse(name: command.kind.description, arguments: command.arguments) == command)
    }
  }

  @Test("drone_order takes every order's arguments and no other; every listed order parses")
  func droneOrderArgumentsAreTheOrders() {
    #expect(CommandKind.droneOrder.argumentNames == ["drone", "order", "module", "target", "seconds"])
    for order in Command.droneOrderNames {
      #expect(Command.droneOrderArguments(order: order) != nil, "\(order)")
    }
    #expect(Command.droneOrderArguments(order: "loop") == nil)
    #expect(
      Self.message("drone_order", ["drone": "d1", "order": "loop"])
        == "unknown drone order 'loop' (known: go_to, scan, return_to_dock, hold)")
  }

  /// A valid value for each argument name the commands take (ids are checked for syntax
  /// here; the arbiter checks that they exist).
  static let sampleValues: [String: String] = [
    "hatch": "node1-node2", "drone": "d1", "output": "drone.d1.motor1", "pulse_us": "1500", "seconds": "600",
    "order": "hold", "target": "seal-node1", "module": "hab", "duration": "30m",
  ]

  /// The rows of docs/commands.md's command table: the command names of the first column
  /// and the argument names of the second (backquoted words outside parentheses).
  static func documentedCommands() throws -> [(names: [String], arguments: [String])] {
    let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent().appendingPathComponent("docs/commands.md").path
    let text = try String(contentsOfFile: path, encoding: .utf8)
    var rows: [(names: [String], arguments: [String])] = []
    var inTable = false
    for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
      if line.hasPrefix("| name (`\"command\"`)") {
        inTable = true
        continue
      }
      guard inTable else { continue }
      guard line.hasPrefix("|") else { break }
      let cells = line.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
      guard cells.count > 3, !cells[1].hasPrefix("---") else { continue }
      var outside = ""
      var depth = 0
      for character in cells[2] {
        if character == "(" {
          depth += 1
        } else if character == ")" {
          depth -= 1
        } else if depth == 0 {
          outside.append(character)
        }
      }
      rows.append((names: backquoted(cells[1]), arguments: backquoted(outside)))
    }
    return rows
  }

  static func backquoted(_ text: String) -> [String] {
    text.split(separator: "`", omittingEmptySubsequences: false).enumerated().filter { $0.offset % 2 == 1 }
      .map { String($0.element) }
  }

  @Test("every command in docs/commands.md parses with its documented arguments, and the table lists every command")
  func documentedArgumentsParse() throws {
    let rows = try Self.documentedCommands()
    let documented = Set(rows.flatMap(\.names))
    #expect(documented == Set(CommandKind.allCases.map(\.description)))
    for row in rows {
      for name in row.names {
        var arguments: [String: String] = [:]
        for argument in row.arguments { arguments[argument] = Self.sampleValues[argument] }
        #expect(arguments.count == row.arguments.count, "no sample value for an argument of \(name): \(row.arguments)")
        #expect(Self.message(name, arguments) == nil, "\(name) \(arguments)")
        let kind = try #require(CommandKind.allCases.first { $0.description == name })
        #expect(Set(row.arguments).isSubset(of: kind.argumentNames), "\(name)")
      }
    }
  }
}
