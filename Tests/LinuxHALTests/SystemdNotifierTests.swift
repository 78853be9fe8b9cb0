import Glibc
import HAL
import LinuxHAL
import Testing

/// A datagram socket the test owns, standing in for systemd's notify socket.
final class NotifySocket {
  let fd: Int32
  /// The NOTIFY_SOCKET spelling: a path, or '@name' for the abstract namespace.
  let spec: String

  init(abstract: Bool, tag: String) {
    fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
    let name = "cloak-notify-\(getpid())-\(tag)"
    spec = abstract ? "@\(name)" : "\(temporaryDirectory())/\(name).sock"
    if !abstract { unlink(spec) }
    var address = sockaddr_un()
    address.sun_family = sa_family_t(AF_UNIX)
    var bytes = Array(spec.utf8)
    if abstract { bytes[0] = 0 }
    withUnsafeMutableBytes(of: &address.sun_path) { raw in
      for (i, b) in bytes.enumerated() { raw[i] = b }
    }
    let length = socklen_t(2 + bytes.count + (abstract ? 0 : 1))
    _ = withUnsafePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) }
    }
    var timeout = timeval(tv_sec: 2, tv_usec: 0)
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
  }

  deinit {
    close(fd)
    if spec.hasPrefix("/") { unlink(spec) }
  }

  func receive() -> String? {
    var buffer = [UInt8](repeating: 0, count: 512)
    let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
    return count < 0 ? nil : String(decoding: buffer[0..<count], as: UTF8.self)
  }
}

@Suite("sd_notify over a datagram socket")
struct SystemdNotifierTests {
  @Test(arguments: [false, true])
  func readyStatusAndWatchdogArriveInOrder(abstract: Bool) throws {
    let server = NotifySocket(abstract: abstract, tag: abstract ? "abs" : "path")
    let notifier = try SystemdNotifier(socketPath: server.spec)
    try notifier.ready()
    try notifier.status("leak watch running\non 2 buses")
    try notifier.stroke()
    #expect(server.receive() == "READY=1")
    #expect(server.receive() == "STATUS=leak watch running on 2 buses")
    #expect(server.receive() == "WATCHDOG=1")
  }

  @Test func disarmSendsStoppingThenRefusesStrokes() throws {
    let server = NotifySocket(abstract: true, tag: "disarm")
    let notifier = try SystemdNotifier(socketPath: server.spec)
    try notifier.disarm()
    #expect(server.receive() == "STOPPING=1")
    #expect { try notifier.stroke() } throws: { ($0 as? WatchdogError)?.kind == .closed }
  }

  @Test func nobodyListeningIsNotFound() throws {
    let notifier = try SystemdNotifier(socketPath: "/tmp/cloak-no-such-notify-socket-\(getpid())")
    #expect { try notifier.stroke() } throws: { ($0 as? WatchdogError)?.kind == .notFound }
  }

  @Test func overlongSocketPathIsRefused() {
    #expect {
      try SystemdNotifier(socketPath: "/" + String(repeating: "x", count: 200))
    } throws: { ($0 as? WatchdogError)?.kind == .io(errno: ENAMETOOLONG) }
  }

  @Test func watchdogIntervalComesFromWatchdogUsec() {
    #expect(SystemdNotifier.watchdogInterval(environment: ["WATCHDOG_USEC": "5000000"]) == .seconds(5))
    #expect(SystemdNotifier.watchdogInterval(environment: [:]) == nil)
    #expect(SystemdNotifier.watchdogInterval(environment: ["WATCHDOG_USEC": "0"]) == nil)
    let other = String(getpid() + 1)
    #expect(SystemdNotifier.watchdogInterval(environment: ["WATCHDOG_USEC": "1000", "WATCHDOG_PID": other]) == nil)
  }
}

@Suite("/dev/watchdog errors reachable without hardware")
struct DevWatchdogTests {
  @Test func missingDeviceIsNotFoundNamingIt() {
    #expect {
      try DevWatchdog(path: "/dev/cloak-no-watchdog")
    } throws: { error in
      (error as? WatchdogError) == WatchdogError(.notFound, device: "/dev/cloak-no-watchdog")
    }
  }

  @Test("/dev/watchdog is watchdog0's legacy node; /dev/watchdogN is watchdogN")
  func sysfsDirectoryByPath() {
    #expect(
      DevWatchdog.sysfsClassDirectory(for: "/dev/cloak-none/watchdog", sysfsRoot: "/s") == "/s/class/watchdog/watchdog0"
    )
    #expect(
      DevWatchdog.sysfsClassDirectory(for: "/dev/cloak-none/watchdog3", sysfsRoot: "/s")
        == "/s/class/watchdog/watchdog3")
  }

  @Test("nowayout is read from the class directory; unknown where the kernel does not show it")
  func nowayoutFromSysfs() {
    let tree = FakeTree()
    tree.write("class/watchdog/watchdog0/nowayout", "1\n")
    tree.write("class/watchdog/watchdog1/nowayout", "0\n")
    #expect(DevWatchdog.readNowayout(tree.path("class/watchdog/watchdog0")) == true)
    #expect(DevWatchdog.readNowayout(tree.path("class/watchdog/watchdog1")) == false)
    #expect(DevWatchdog.readNowayout(tree.path("class/watchdog/watchdog2")) == nil)
  }
}

/// Runs only where a disposable watchdog is named explicitly (the virtual bench guest's
/// `softdog soft_noboot=1`): opening a real /dev/watchdog arms it.
@Suite(
  "/dev/watchdog against a disposable device",
  .enabled(if: Environment.watchdogDevice != nil, "set CLOAK_WATCHDOG_TEST_DEVICE to a disposable watchdog"))
struct DevWatchdogDeviceTests {
  @Test func timeoutStrokeAndMagicClose() throws {
    let path = Environment.watchdogDevice ?? "/dev/watchdog"
    let watchdog = try DevWatchdog(path: path, timeout: .seconds(30))
    #expect(watchdog.timeout == .seconds(30))
    try watchdog.stroke()
    try watchdog.stroke()
    try watchdog.disarm()
    #expect { try watchdog.stroke() } throws: { ($0 as? WatchdogError)?.kind == .closed }
    // After the magic close the device can be opened again (it is not held).
    let again = try DevWatchdog(path: path)
    try again.disarm()
  }

  @Test("a timeout the driver refuses: the device is disarmed before the error, and the error says so")
  func refusedTimeoutDisarms() throws {
    let path = Environment.watchdogDevice ?? "/dev/watchdog"
    #expect {
      try DevWatchdog(path: path, timeout: .seconds(1_000_000))
    } throws: { error in
      (error as? WatchdogError)?.detail.contains("disarmed with the magic close") == true
    }
    let again = try DevWatchdog(path: path)
    try again.disarm()
  }
}

enum Environment {
  static var watchdogDevice: String? {
    guard let raw = getenv("CLOAK_WATCHDOG_TEST_DEVICE") else { return nil }
    let value = String(cString: raw)
    return value.isEmpty ? nil : value
  }
}
