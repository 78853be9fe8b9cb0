#if canImport(Glibc)
  import Glibc
  import HAL
  import Synchronization

  /// systemd's `sd_notify` protocol: datagrams such as `READY=1`, `WATCHDOG=1` and
  /// `STATUS=...` sent to the `AF_UNIX` socket named by `NOTIFY_SOCKET` (a path, or an
  /// abstract name written with a leading '@').
  ///
  /// As a ``Watchdog``, ``stroke()`` sends `WATCHDOG=1` (the unit's `WatchdogSec=`
  /// decides the deadline; ``watchdogInterval(environment:)`` reads it) and
  /// ``disarm()`` sends `STOPPING=1`. The socket and address are prepared once, so a
  /// stroke is one `sendto` and allocates nothing.
  public final class SystemdNotifier: Watchdog, @unchecked Sendable {
    public let name: String
    private let socketFD: Int32
    private let address: sockaddr_un
    private let addressLength: socklen_t
    private let closed = Mutex(false)

    /// A notifier for the socket in `NOTIFY_SOCKET`, or nil when it is unset or empty
    /// (not started by systemd with `Type=notify`).
    public static func fromEnvironment() throws(WatchdogError) -> SystemdNotifier? {
      guard let raw = getenv("NOTIFY_SOCKET") else { return nil }
      let path = String(cString: raw)
      return path.isEmpty ? nil : try SystemdNotifier(socketPath: path)
    }

    /// How often systemd expects `WATCHDOG=1` (`WATCHDOG_USEC`), or nil when the unit
    /// has no watchdog or the variable is meant for another process (`WATCHDOG_PID`).
    public static func watchdogInterval(environment: [String: String]) -> Duration? {
      if let pid = environment["WATCHDOG_PID"], let value = Int32(pid), value != getpid() { return nil }
      guard let text = environment["WATCHDOG_USEC"], let micros = Int64(text), micros > 0 else { return nil }
      return .microseconds(micros)
    }

    /// Prepares a datagram socket for `socketPath` ('@' prefix: abstract namespace).
    public init(socketPath: String) throws(WatchdogError) {
      let device = "systemd(\(socketPath))"
      var address = sockaddr_un()
      address.sun_family = sa_family_t(AF_UNIX)
      var bytes = Array(socketPath.utf8)
      let abstract = bytes.first == UInt8(ascii: "@")
      if abstract { bytes[0] = 0 }
      let capacity = MemoryLayout.size(ofValue: address.sun_path)
      guard !bytes.isEmpty, bytes.count < capacity else {
        throw WatchdogError(.io(errno: ENAMETOOLONG), device: device)
      }
      withUnsafeMutableBytes(of: &address.sun_path) { raw in
        for (index, byte) in bytes.enumerated() { raw[index] = byte }
      }
      let pathOffset = MemoryLayout<sockaddr_un>.offset(of: \sockaddr_un.sun_path) ?? 2
      // An abstract name's length is exact (no terminator); a path's includes the NUL.
      self.addressLength = socklen_t(pathOffset + bytes.count + (abstract ? 0 : 1))
      self.address = address
      let fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
      guard fd >= 0 else { throw WatchdogError(.io(errno: errno), device: device) }
      self.socketFD = fd
      self.name = device
    }

    deinit { close(socketFD) }

    /// Sends one notification (newline-separated `KEY=VALUE` lines).
    public func notify(_ message: String) throws(WatchdogError) {
      var text = message
      var address = self.address  // a local copy: concurrent notifies never share an inout access
      let sent = text.withUTF8 { bytes in
        withUnsafePointer(to: &address) { pointer in
          pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
            sendto(socketFD, bytes.baseAddress, bytes.count, Int32(MSG_NOSIGNAL), $0, addressLength)
          }
        }
      }
      guard sent >= 0 else {
        let code = errno
        throw WatchdogError(code == ENOENT || code == ECONNREFUSED ? .notFound : .io(errno: code), device: name)
      }
    }

    /// `READY=1`: start-up finished.
    public func ready() throws(WatchdogError) { try notify("READY=1") }

    /// `STATUS=...`: one line shown by `systemctl status`.
    public func status(_ text: String) throws(WatchdogError) {
      try notify("STATUS=" + text.replacingNewlines())
    }

    public func stroke() throws(WatchdogError) {
      guard !closed.withLock({ $0 }) else { throw WatchdogError(.closed, device: name) }
      try notify("WATCHDOG=1")
    }

    public func disarm() throws(WatchdogError) {
      guard !closed.withLock({ $0 }) else { throw WatchdogError(.closed, device: name) }
      try notify("STOPPING=1")
      closed.withLock { $0 = true }
    }
  }

  extension String {
    fileprivate func replacingNewlines() -> String {
      String(map { $0 == "\n" || $0 == "\r" ? " " : $0 })
    }
  }
#endif
