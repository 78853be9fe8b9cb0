import ArgumentParser
import CommandLink
import Foundation

/// `cloak command send [--socket PATH | --tcp HOST:PORT] COMMAND [key=value ...]` and
/// `cloak command send --tcp HOST:PORT --envelope FILE`: the command link's client
/// (docs/command-link.md). Prints the response line; exit 0 on `ok`, 1 on a rejection,
/// 2 when the link cannot be reached or does not answer.
struct CommandSend: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "send",
    abstract: "Send a command over the command link (crew console socket or ground TCP) and print the response."
  )

  @Option(help: "The crew console's Unix socket (default: \(LinkRunOptions.defaultSocket)).")
  var socket: String?

  @Option(help: "The ground listener, HOST:PORT (with --envelope).")
  var tcp: String?

  @Option(help: "A signed envelope file (`cloak command sign`) to send to the ground listener.")
  var envelope: String?

  @Option(name: .customLong("request-id"), help: "The request id (console).")
  var requestID: UInt64 = 1

  @Option(help: "Seconds to wait for the response.")
  var timeout: Double = 5

  @Argument(help: "COMMAND and its key=value arguments (console).")
  var words: [String] = []

  func run() throws {
    let command = "cloak command send"
    let wait = Duration.milliseconds(Int64(max(0.001, timeout) * 1000))
    let line: [UInt8]
    let client: LinkClient
    do {
      if let tcp {
        let parts = tcp.split(separator: ":", maxSplits: 1).map(String.init)
        guard parts.count == 2, let port = Int(parts[1]), (1...65535).contains(port) else {
          throw ValidationError("--tcp wants HOST:PORT, not \(tcp)")
        }
        guard let envelope else { throw ValidationError("--tcp sends a signed envelope: give --envelope FILE") }
        let text = try readTextFile(envelope, for: command).trimmingCharacters(in: .whitespacesAndNewlines)
        line = Array(text.utf8)
        client = try LinkClient(host: parts[0], port: port, timeout: wait)
      } else {
        guard let name = words.first else { throw ValidationError("name a command (e.g. hatch_close hatch=node2)") }
        var text = "{\"request_id\":\(requestID),\"command\":" + Self.quote(name)
        for word in words.dropFirst() {
          let pair = word.split(separator: "=", maxSplits: 1).map(String.init)
          guard pair.count == 2 else { throw ValidationError("argument '\(word)' is not key=value") }
          text += "," + Self.quote(pair[0]) + ":" + Self.quote(pair[1])
        }
        line = Array((text + "}").utf8)
        client = try LinkClient(socketPath: socket ?? LinkRunOptions.defaultSocket, timeout: wait)
      }
    } catch let error as LinkClient.ClientError {
      printError("\(command): \(error)")
      throw ExitCode(2)
    }
    let response: String
    do { response = try client.request(line) } catch {
      printError("\(command): \(error)")
      throw ExitCode(2)
    }
    print(response)
    if !response.contains("\"result\":\"ok\"") { throw ExitCode(1) }
  }

  static func quote(_ text: String) -> String {
    var out = "\""
    for scalar in text.unicodeScalars {
      switch scalar {
      case "\"": out += "\\\""
      case "\\": out += "\\\\"
      case _ where scalar.value < 0x20: out += String(format: "\\u%04x", scalar.value)
      default: out.unicodeScalars.append(scalar)
      }
    }
    return out + "\""
  }
}
