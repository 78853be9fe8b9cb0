import Foundation
import Testing

@testable import OperatorAPI

#if canImport(Glibc)
  import Glibc
#endif

/// A plain TCP connection to the API for requests no HTTP client library would send.
final class RawConnection {
  typealias Failure = TestSocketFailure
  private let fd: Int32

  init(port: Int) throws { fd = try connectLoopback(port: port) }

  /// Sends all of `bytes` (false: the server closed the connection first).
  @discardableResult
  func send(_ bytes: [UInt8]) -> Bool {
    var sent = 0
    while sent < bytes.count {
      let n = bytes[sent...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
      guard n > 0 else { return false }
      sent += n
    }
    return true
  }

  /// What the server sends until it closes the connection, and whether it closed it
  /// (false: the receive timed out with the connection still open).
  func readUntilClosed() -> (text: String, closed: Bool) {
    var out: [UInt8] = []
    while true {
      var chunk = [UInt8](repeating: 0, count: 65_536)
      let n = recv(fd, &chunk, chunk.count, 0)
      if n == 0 { return (String(decoding: out, as: UTF8.self), true) }
      if n < 0 {
        // A reset after the answer (the request was still being sent) is a close too.
        return (String(decoding: out, as: UTF8.self), errno == ECONNRESET)
      }
      out += chunk[0..<n]
    }
  }

  /// One response head and its body up to `Content-Length` (keep-alive connections).
  func readResponse() throws -> String {
    var out: [UInt8] = []
    while true {
      let text = String(decoding: out, as: UTF8.self)
      if let end = text.range(of: "\r\n\r\n") {
        let head = text[..<end.lowerBound].lowercased()
        let length =
          head.split(separator: "\r\n").first { $0.hasPrefix("content-length:") }
          .flatMap { Int($0.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces)) } ?? 0
        if out.count >= text.utf8.distance(from: text.utf8.startIndex, to: end.upperBound) + length { return text }
      }
      var chunk = [UInt8](repeating: 0, count: 65_536)
      let n = recv(fd, &chunk, chunk.count, 0)
      guard n > 0 else { throw Failure(description: "closed or timed out after \(out.count) bytes") }
      out += chunk[0..<n]
    }
  }

  func close() { Glibc.close(fd) }
}

/// Until its first request head is read, a connection is answered on a malformed or
/// oversized head and closed when it sends none in time (decision 1416); afterwards the
/// guard has no part in it (keep-alive requests, live clients).
@Suite(.serialized) struct FirstRequestGuardTests {
  static func request(_ path: String, extra: String = "") -> [UInt8] {
    Array("GET \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\n\(extra)\r\n".utf8)
  }

  @Test("a header over the decoder's limit gets 431 and a close; a malformed head gets 400 and a close")
  func malformedHeadsAreAnswered() async throws {
    let harness = try Harness()
    let port = try await harness.startAPI()
    let (big, huge, garbage, upgrade) = try await onThread { () throws -> (String, Bool, String, String) in
      func exchange(_ bytes: [UInt8]) throws -> (String, Bool) {
        let connection = try RawConnection(port: port)
        defer { connection.close() }
        connection.send(bytes)
        return connection.readUntilClosed()
      }
      let filler = String(repeating: "a", count: 100_000)
      let (big, bigClosed) = try exchange(Self.request("/api/v1/state", extra: "X-Filler: \(filler)\r\n"))
      // 1 MB: the server answers and closes while the client is still sending.
      let (_, hugeClosed) = try exchange(
        Self.request("/api/v1/state", extra: "X-Filler: \(String(repeating: "a", count: 1_000_000))\r\n"))
      let (garbage, garbageClosed) = try exchange(Array("\u{1}\u{2}BLAH\r\n\r\n".utf8))
      let (upgrade, upgradeClosed) = try exchange(
        Self.request(
          "/api/v1/live",
          extra: "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n"
            + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nX-Filler: \(filler)\r\n"))
      guard bigClosed, garbageClosed, upgradeClosed else { throw RawConnection.Failure(description: "left open") }
      return (big, hugeClosed, garbage, upgrade)
    }
    #expect(big.hasPrefix("HTTP/1.1 431 Request Header Fields Too Large\r\n"))
    #expect(big.lowercased().contains("connection: close"))
    #expect(huge)
    #expect(garbage.hasPrefix("HTTP/1.1 400 Bad Request\r\n"))
    #expect(upgrade.hasPrefix("HTTP/1.1 431 "))
    await harness.api.stop()
  }

  @Test("a connection that sends no whole request head in time is closed; one that did is kept")
  func silentConnectionsAreClosedAtTheDeadline() async throws {
    let harness = try Harness(firstRequestTimeoutS: 0.5)
    let port = try await harness.startAPI()
    let (silentClosed, partialClosed, first, second) = try await onThread {
      () throws -> (Bool, Bool, String, String) in
      let silent = try RawConnection(port: port)
      defer { silent.close() }
      let partial = try RawConnection(port: port)
      defer { partial.close() }
      partial.send(Array("GET /api/v1/state HTTP/1.1\r\nHost: 127".utf8))
      let (_, silentClosed) = silent.readUntilClosed()
      let (_, partialClosed) = partial.readUntilClosed()
      // A keep-alive connection whose first request came in time is not the guard's:
      // a second request well after the deadline is answered on it.
      let kept = try RawConnection(port: port)
      defer { kept.close() }
      kept.send(Self.request("/api/v1/state"))
      let first = try kept.readResponse()
      Thread.sleep(forTimeInterval: 1.5)
      kept.send(Self.request("/api/v1/state"))
      let second = try kept.readResponse()
      return (silentClosed, partialClosed, first, second)
    }
    #expect(silentClosed)
    #expect(partialClosed)
    #expect(first.hasPrefix("HTTP/1.1 200 "))
    #expect(second.hasPrefix("HTTP/1.1 200 "))
    await harness.api.stop()
  }

  @Test("a live client outlives the deadline: upgraded, it is no longer the guard's")
  func liveClientsOutliveTheDeadline() async throws {
    let harness = try Harness(firstRequestTimeoutS: 0.5)
    let port = try await harness.startAPI()
    // Three deadlines long, then the stop: the client gets the stop's close frame (a
    // connection closed by the guard would end without one and throw).
    let (hello, code, _) = try await harness.liveClientThroughStop(port: port, pause: .milliseconds(1_500))
    #expect(hello.hasPrefix("{\"type\":\"hello\""))
    #expect(code == 1001)
  }
}
