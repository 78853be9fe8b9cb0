import ArgumentParser
import AuditLog
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

  @OptionGroup var console: ConsoleOptions

  @Option(help: "The ground listener, HOST:PORT (with --envelope).")
  var tcp: String?

  @Option(help: "A signed envelope file (`cloak command sign`) to send to the ground listener.")
  var envelope: String?

  @Argument(help: "COMMAND and its key=value arguments (console).")
  var words: [String] = []

  func run() throws {
    let command = "cloak command send"
    guard let tcp else {
      try console.send(words, command: command)
      return
    }
    let wait = Duration.milliseconds(Int64(max(0.001, console.timeout) * 1000))
    let line: [UInt8]
    let client: LinkClient
    do {
      let parts = tcp.split(separator: ":", maxSplits: 1).map(String.init)
      guard parts.count == 2, let port = Int(parts[1]), (1...65535).contains(port) else {
        throw ValidationError("--tcp wants HOST:PORT, not \(tcp)")
      }
      guard let envelope else { throw ValidationError("--tcp sends a signed envelope: give --envelope FILE") }
      let text = try readTextFile(envelope, for: command).trimmingCharacters(in: .whitespacesAndNewlines)
      line = Array(text.utf8)
      client = try LinkClient(host: parts[0], port: port, timeout: wait)
    } catch let error as LinkClient.ClientError {
      printError("\(command): \(error)")
      throw ExitCode(2)
    }
    try ConsoleRequest.exchange(line, client: client, command: command)
  }
}

/// A crew console request from words (`COMMAND key=value ...`), sent over the console
/// socket: the one client path of `cloak command send` and `cloak scans`.
enum ConsoleRequest {
  /// The request line: `{"request_id":ID,"command":NAME,"key":"value",...}`. Throws a
  /// `ValidationError` naming the word that is not `key=value`, or when there is no command.
  static func line(words: [String], requestID: UInt64) throws -> [UInt8] {
    guard let name = words.first else { throw ValidationError("name a command (e.g. hatch_close hatch=node2)") }
    var text = "{\"request_id\":\(requestID),\"command\":" + JSONValue.quote(name)
    for word in words.dropFirst() {
      let pair = word.split(separator: "=", maxSplits: 1).map(String.init)
      guard pair.count == 2 else { throw ValidationError("argument '\(word)' is not key=value") }
      text += "," + JSONValue.quote(pair[0]) + ":" + JSONValue.quote(pair[1])
    }
    return Array((text + "}").utf8)
  }

  /// Sends `words` to the console socket (default ``LinkRunOptions/defaultSocket``) and
  /// prints the response: exit 0 on `ok`, 1 on a rejection, 2 when the socket cannot be
  /// reached or does not answer within `timeout` seconds.
  static func send(words: [String], socket: String?, requestID: UInt64, timeout: Double, command: String) throws {
    let request = try line(words: words, requestID: requestID)
    let client: LinkClient
    do {
      client = try LinkClient(
        socketPath: socket ?? LinkRunOptions.defaultSocket,
        timeout: .milliseconds(Int64(max(0.001, timeout) * 1000)))
    } catch {
      printError("\(command): \(error)")
      throw ExitCode(2)
    }
    try exchange(request, client: client, command: command)
  }

  static func exchange(_ request: [UInt8], client: LinkClient, command: String) throws {
    let response: String
    do { response = try client.request(request) } catch {
      printError("\(command): \(error)")
      throw ExitCode(2)
    }
    print(response)
    if !response.contains("\"result\":\"ok\"") { throw ExitCode(1) }
  }
}
