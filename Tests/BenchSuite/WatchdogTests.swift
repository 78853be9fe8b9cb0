// Linux only: the bench drives Linux kernel interfaces (gpio-sim, i2c-dev, softdog).
#if os(Linux)
  import Glibc

  import HAL
  import LinuxHAL

  /// /dev/watchdog against the kernel's softdog (loaded with soft_noboot=1 in the guest).
  enum WatchdogTests {
    /// softdog refuses a timeout over 65535 s: the start fails after the device was
    /// opened, and the device must be left disarmed (state inactive), with the error
    /// saying so.
    static func refusedTimeoutDisarms(_ ctx: BenchContext) throws {
      guard let path = ctx.config.fixture.watchdog else { throw BenchSkip("the fixture has no watchdog") }
      guard SysFS.exists(path) else { throw BenchSkip("\(path) does not exist") }
      do {
        let opened = try DevWatchdog(path: path, timeout: .seconds(1_000_000))
        try? opened.disarm()
        throw BenchFailure("a 1e6 s timeout was accepted; softdog allows at most 65535 s")
      } catch let error as WatchdogError {
        try expect(
          error.detail.contains("disarmed with the magic close"), "the error does not say it disarmed: \(error)")
      }
      let state = "/sys/class/watchdog/watchdog0/state"
      if SysFS.exists(state) {
        let seen = try SysFS.read(state)
        try expect(seen == "inactive", "after the failed start the kernel says the watchdog is '\(seen)'")
      }
    }

    static var all: [BenchTest] {
      [
        BenchTest(name: "watchdog.keepalive-and-magic-close", body: keepaliveAndClose),
        BenchTest(name: "watchdog.refused-timeout-disarms", body: refusedTimeoutDisarms),
      ]
    }

    static func keepaliveAndClose(_ ctx: BenchContext) throws {
      guard let path = ctx.config.fixture.watchdog else { throw BenchSkip("the fixture has no watchdog") }
      guard SysFS.exists(path) else {
        throw BenchSkip("\(path) does not exist (no watchdog driver loaded: softdog in the guest)")
      }
      let state = "/sys/class/watchdog/watchdog0/state"
      let watchdog = try LinuxBackend.watchdog(path: path)
      var disarmed = false
      defer { if !disarmed { try? watchdog.disarm() } }
      try watchdog.stroke()
      try watchdog.stroke()
      if SysFS.exists(state) {
        let seen = try SysFS.read(state)
        try expect(seen == "active", "after keepalive the kernel says the watchdog is '\(seen)'")
      }
      try watchdog.disarm()
      disarmed = true
      if SysFS.exists(state) {
        let seen = try SysFS.read(state)
        try expect(seen == "inactive", "after the magic close the kernel says the watchdog is '\(seen)'")
      }
      do {
        try watchdog.stroke()
        throw BenchFailure("stroke after disarm succeeded; expected .closed")
      } catch let error as WatchdogError {
        try expect(error.kind == .closed, "stroke after disarm threw \(error.kind), expected .closed")
      }
    }
  }
#endif
