#if canImport(Glibc)
  import CLinuxShims
  import Glibc
  import HAL
  import Synchronization

  /// The kernel watchdog device (`/dev/watchdog`, `softdog` in the virtual bench).
  ///
  /// Opening the device starts the countdown. ``stroke()`` is one `WDIOC_KEEPALIVE`
  /// ioctl. ``disarm()`` does the magic close (write 'V', then close), which stops the
  /// watchdog unless the driver was built with nowayout. Deallocating without
  /// `disarm()` closes without the magic byte, so the countdown continues: a crashed
  /// controller gets the machine reset, as intended.
  public final class DevWatchdog: Watchdog, @unchecked Sendable {
    public let name: String
    /// The timeout the driver granted, when one was requested.
    public let timeout: Duration?
    /// The watchdog's class directory (`/sys/class/watchdog/watchdogN`), for `nowayout`.
    public let sysfsDirectory: String
    private let fd = Mutex<Int32>(-1)

    /// Opens `path` (the countdown starts) and sets `timeout`. If the timeout cannot be
    /// set, the device is disarmed with the magic close before the error is thrown, and
    /// the error's detail says so, or, when the kernel has `nowayout`, that the board will
    /// reset and within how long: a start that failed must not leave the board rebooting.
    public init(path: String = "/dev/watchdog", timeout: Duration? = nil, sysfsRoot: String = "/sys")
      throws(WatchdogError)
    {
      let directory = Self.sysfsClassDirectory(for: path, sysfsRoot: sysfsRoot)
      let opened = open(path, O_WRONLY | O_CLOEXEC)
      guard opened >= 0 else {
        let code = errno
        switch code {
        case ENOENT, ENODEV: throw WatchdogError(.notFound, device: path)
        case EACCES, EPERM: throw WatchdogError(.permissionDenied, device: path)
        default: throw WatchdogError(.io(errno: code), device: path)
        }
      }
      var granted: Duration?
      if let timeout {
        // Whole seconds, rounded up, without overflowing near Int64.max.
        let nanos = max(timeout.nanosecondsSaturated, 0)
        let wholeSeconds = nanos / 1_000_000_000 + (nanos % 1_000_000_000 > 0 ? 1 : 0)
        let seconds = Int32(clamping: max(1, wholeSeconds))
        let rc = cloak_wdt_set_timeout(opened, seconds)
        guard rc > 0 else {
          let outcome = Self.abandon(opened, path: path, directory: directory)
          throw WatchdogError(
            .io(errno: -rc), device: path, detail: "the timeout \(seconds) s could not be set; \(outcome)")
        }
        granted = .seconds(Int64(rc))
      }
      self.name = path
      self.timeout = granted
      self.sysfsDirectory = directory
      fd.withLock { $0 = opened }
    }

    /// `/dev/watchdog` is the legacy node of watchdog0; `/dev/watchdogN` is watchdogN;
    /// any other path (a symlink) is resolved first.
    public static func sysfsClassDirectory(for path: String, sysfsRoot: String) -> String {
      var resolved = path
      if let real = realpath(path, nil) {
        resolved = String(cString: real)
        free(real)
      }
      var base = resolved.split(separator: "/").last.map(String.init) ?? "watchdog"
      if base == "watchdog" { base = "watchdog0" }
      return "\(sysfsRoot)/class/watchdog/\(base)"
    }

    /// Reads `nowayout` from the class directory: nil when the kernel does not show it.
    public static func readNowayout(_ directory: String) -> Bool? {
      let fd = open(directory + "/nowayout", O_RDONLY | O_CLOEXEC)
      guard fd >= 0 else { return nil }
      defer { close(fd) }
      var byte: UInt8 = 0
      guard Glibc.read(fd, &byte, 1) == 1 else { return nil }
      return byte == UInt8(ascii: "1")
    }

    /// Gives up an open descriptor after a failed start: the magic close, then what that
    /// achieved, in words.
    static func abandon(_ descriptor: Int32, path: String, directory: String) -> String {
      let left = cloak_wdt_get_timeleft(descriptor)
      let timeoutNow = cloak_wdt_get_timeout(descriptor)
      var magic: UInt8 = 0x56  // 'V'
      let written = Glibc.write(descriptor, &magic, 1)
      close(descriptor)
      let within = left > 0 ? left : timeoutNow
      return WatchdogAbandonment.message(
        nowayout: readNowayout(directory), disarmed: written == 1, within: within > 0 ? .seconds(within) : nil)
    }

    public var nowayout: Bool? { Self.readNowayout(sysfsDirectory) }

    public var timeLeft: Duration? {
      fd.withLock { descriptor in
        guard descriptor >= 0 else { return nil }
        let left = cloak_wdt_get_timeleft(descriptor)
        return left >= 0 ? .seconds(left) : nil
      }
    }

    deinit {
      fd.withLock { descriptor in
        if descriptor >= 0 { close(descriptor) }
        descriptor = -1
      }
    }

    public func stroke() throws(WatchdogError) {
      try fd.withLock { (descriptor) throws(WatchdogError) in
        guard descriptor >= 0 else { throw WatchdogError(.closed, device: name) }
        let rc = cloak_wdt_keepalive(descriptor)
        guard rc == 0 else { throw WatchdogError(.io(errno: -rc), device: name) }
      }
    }

    public func disarm() throws(WatchdogError) {
      try fd.withLock { (descriptor) throws(WatchdogError) in
        guard descriptor >= 0 else { throw WatchdogError(.closed, device: name) }
        var magic: UInt8 = 0x56  // 'V'
        let written = Glibc.write(descriptor, &magic, 1)
        let code = errno
        close(descriptor)
        descriptor = -1
        guard written == 1 else { throw WatchdogError(.io(errno: code), device: name) }
      }
    }
  }
#endif
