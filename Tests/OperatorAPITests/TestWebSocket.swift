import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// A test socket that failed or ended early.
struct TestSocketFailure: Error, CustomStringConvertible { var description: String }

/// A blocking TCP socket connected to `127.0.0.1:port`, whose receives time out after
/// `receiveTimeoutS` seconds (the tests' clients).
func connectLoopback(port: Int, receiveTimeoutS: Int = 10) throws -> Int32 {
  let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
  guard fd >= 0 else { throw TestSocketFailure(description: "socket") }
  var address = sockaddr_in()
  address.sin_family = sa_family_t(AF_INET)
  address.sin_port = in_port_t(UInt16(port).bigEndian)
  address.sin_addr.s_addr = inet_addr("127.0.0.1")
  var timeout = timeval(tv_sec: receiveTimeoutS, tv_usec: 0)
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
  let connected = withUnsafePointer(to: &address) {
    $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
      connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
    }
  }
  guard connected == 0 else {
    Glibc.close(fd)
    throw TestSocketFailure(description: "connect to \(port)")
  }
  return fd
}

/// A minimal blocking WebSocket client for the tests (RFC 6455 handshake, unmasked
/// server text frames), so the tests need no TLS-capable client library.
final class TestWebSocket {
  typealias Failure = TestSocketFailure
  private let fd: Int32
  private var buffer: [UInt8] = []

  init(port: Int, path: String) throws {
    fd = try connectLoopback(port: port)
    let request =
      "GET \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
      + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"
    _ = request.withCString { send(fd, $0, strlen($0), 0) }
    var head = ""
    while !head.hasSuffix("\r\n\r\n") {
      let byte = try readBytes(1)
      head.append(Character(UnicodeScalar(byte[0])))
    }
    guard head.hasPrefix("HTTP/1.1 101") else { throw Failure(description: "no upgrade: \(head)") }
  }

  private func readBytes(_ count: Int) throws -> [UInt8] {
    while buffer.count < count {
      var chunk = [UInt8](repeating: 0, count: 65_536)
      let n = recv(fd, &chunk, chunk.count, 0)
      guard n > 0 else { throw Failure(description: "connection closed or timed out") }
      buffer += chunk[0..<n]
    }
    let out = Array(buffer[0..<count])
    buffer.removeFirst(count)
    return out
  }

  /// The next frame: its opcode and payload (server frames are not masked).
  private func readFrame() throws -> (opcode: UInt8, payload: [UInt8]) {
    let header = try readBytes(2)
    var length = Int(header[1] & 0x7F)
    if length == 126 {
      let b = try readBytes(2)
      length = Int(b[0]) << 8 | Int(b[1])
    } else if length == 127 {
      length = try readBytes(8).reduce(0) { $0 << 8 | Int($1) }
    }
    return (header[0] & 0x0F, try readBytes(length))
  }

  /// The next text message (control frames skipped).
  func readText() throws -> String {
    while true {
      let (opcode, payload) = try readFrame()
      if opcode == 1 { return String(decoding: payload, as: UTF8.self) }
      if opcode == 8 { throw Failure(description: "closed by the server") }
    }
  }

  /// Reads until the server's close frame and returns its status code (nil when the
  /// frame carries none) and reason; throws when the connection ends without one.
  func readUntilClose() throws -> (code: UInt16?, reason: String) {
    while true {
      let (opcode, payload) = try readFrame()
      guard opcode == 8 else { continue }
      guard payload.count >= 2 else { return (nil, "") }
      return (UInt16(payload[0]) << 8 | UInt16(payload[1]), String(decoding: payload[2...], as: UTF8.self))
    }
  }

  func close() { Glibc.close(fd) }
}

/// Runs `body` on a new thread and returns its result (blocking socket work kept off the
/// Swift concurrency pool).
func onThread<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
  try await withCheckedThrowingContinuation { continuation in
    let thread = Thread {
      do { continuation.resume(returning: try body()) } catch { continuation.resume(throwing: error) }
    }
    thread.start()
  }
}
