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
    private let fd = Mutex<Int32>(-1)

    public init(path: String = "/dev/watchdog", timeout: Duration? = nil) throws(WatchdogError) {
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
          // Leave the device running (no magic close): the caller asked for a watchdog.
          close(opened)
          throw WatchdogError(.io(errno: -rc), device: path)
        }
        granted = .seconds(Int64(rc))
      }
      self.name = path
      self.timeout = granted
      fd.withLock { $0 = opened }
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
