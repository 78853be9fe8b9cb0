import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// A blocking command-link client (`cloak command send`, tests): connects to the console
/// socket or the ground TCP port, writes a line and reads response lines, each read bounded
/// by `timeout`.
public final class LinkClient {
  private let fd: Int32
  private var pending: [UInt8] = []
  public let peer: String

  public struct ClientError: Error, CustomStringConvertible {
    public var description: String
  }

  /// Connects to a Unix-domain socket at `path`.
  public init(socketPath path: String, timeout: Duration = .seconds(5)) throws(ClientError) {
    peer = path
    fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { throw ClientError(description: "\(path): socket: \(String(cString: strerror(errno)))") }
    var address = sockaddr_un()
    address.sun_family = sa_family_t(AF_UNIX)
    let bytes = Array(path.utf8)
    guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else {
      close(fd)
      throw ClientError(description: "\(path): socket path too long")
    }
    withUnsafeMutableBytes(of: &address.sun_path) { raw in
      for (index, byte) in bytes.enumerated() { raw[index] = byte }
    }
    try Self.connect(fd, to: &address, peer: path)
    setTimeout(timeout)
  }

  /// Connects to `host:port` over TCP (IPv4 dotted quad).
  public init(host: String, port: Int, timeout: Duration = .seconds(5)) throws(ClientError) {
    peer = "\(host):\(port)"
    fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else {
      throw ClientError(description: "\(host):\(port): socket: \(String(cString: strerror(errno)))")
    }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = in_port_t(UInt16(truncatingIfNeeded: port)).bigEndian
    guard inet_pton(AF_INET, host, &address.sin_addr) == 1 else {
      close(fd)
      throw ClientError(description: "\(host): not an IPv4 address")
    }
    try Self.connect(fd, to: &address, peer: peer)
    setTimeout(timeout)
  }

  /// Connects `fd` to `address` (a `sockaddr_un` or `sockaddr_in`); on failure closes `fd`
  /// and throws naming `peer` and the errno.
  private static func connect<Address>(_ fd: Int32, to address: inout Address, peer: String) throws(ClientError) {
    let result = withUnsafePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
        Glibc.connect(fd, $0, socklen_t(MemoryLayout<Address>.size))
      }
    }
    guard result == 0 else {
      let message = String(cString: strerror(errno))
      close(fd)
      throw ClientError(description: "\(peer): connect: \(message)")
    }
  }

  private func setTimeout(_ timeout: Duration) {
    var value = timeval(
      tv_sec: Int(timeout.components.seconds), tv_usec: Int(timeout.components.attoseconds / 1_000_000_000_000))
    _ = setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &value, socklen_t(MemoryLayout<timeval>.size))
    _ = setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &value, socklen_t(MemoryLayout<timeval>.size))
  }

  deinit { close(fd) }

  /// Writes `bytes` as they are (add the LF yourself).
  public func write(_ bytes: [UInt8]) throws(ClientError) {
    var offset = 0
    while offset < bytes.count {
      let written = bytes[offset...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
      guard written > 0 else { throw ClientError(description: "\(peer): send: \(String(cString: strerror(errno)))") }
      offset += written
    }
  }

  /// Reads one response line (without the LF); throws on timeout or a closed connection.
  public func readLine() throws(ClientError) -> String {
    while true {
      if let lf = pending.firstIndex(of: 0x0A) {
        let line = String(decoding: pending[..<lf], as: UTF8.self)
        pending.removeSubrange(...lf)
        return line
      }
      var chunk = [UInt8](repeating: 0, count: 4096)
      let count = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
      if count == 0 { throw ClientError(description: "\(peer): connection closed") }
      guard count > 0 else {
        throw ClientError(description: "\(peer): no response (\(String(cString: strerror(errno))))")
      }
      pending += chunk[..<count]
    }
  }

  /// Sends one request line and returns the response line.
  public func request(_ line: [UInt8]) throws(ClientError) -> String {
    try write(line + [0x0A])
    return try readLine()
  }
}
