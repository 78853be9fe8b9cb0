import Boards
import Foundation
import HAL

#if canImport(Glibc)
  import Glibc
#endif
#if canImport(LinuxHAL)
  import LinuxHAL
#endif

/// One result of `cloak doctor`: what was checked, what was found and what to do.
public struct DoctorFinding: Hashable, Sendable, CustomStringConvertible {
  public enum Level: String, Hashable, Sendable {
    case ok = "OK"
    /// Worth fixing; the controller starts anyway.
    case warning = "WARN"
    /// The controller cannot start (or would start without what the board needs).
    case blocking = "FAIL"
  }

  public var level: Level
  /// `config`, `board`, `gpio`, `i2c`, `groups`, `realtime`, `clock`, `watchdog`, ...
  public var topic: String
  public var message: String
  /// What to do about it (empty for OK).
  public var fix: String

  public init(_ level: Level, _ topic: String, _ message: String, fix: String = "") {
    self.level = level
    self.topic = topic
    self.message = message
    self.fix = fix
  }

  /// `LEVEL topic: message (fix: ...)`, one line.
  public var description: String {
    let padded = level.rawValue.padding(toLength: 4, withPad: " ", startingAt: 0)
    return "\(padded) \(topic): \(message)" + (fix.isEmpty ? "" : " -- fix: \(fix)")
  }
}

/// The checks of `cloak doctor` (docs/deployment.md): what a machine needs before the
/// controller's first start. Every path is taken under ``root`` (tests use a fake tree).
/// Reads only; opens no line and writes no register.
public struct Doctor {
  /// The file-system root the devices, sysfs and procfs are read under (`/`).
  public var root: String
  public var search: ConfigurationSearch
  /// The user the service runs as.
  public var serviceUser = "cloak"

  public init(root: String = "/", search: ConfigurationSearch = ConfigurationSearch()) {
    self.root = root
    self.search = search
  }

  /// Every finding, in a fixed order: configuration, board, GPIO, libgpiod, I2C, groups,
  /// real time, clock, watchdog.
  public func run(board boardArgument: String?, config: String?) -> [DoctorFinding] {
    var findings: [DoctorFinding] = []
    let configuration = checkConfiguration(config, into: &findings)
    let name = boardArgument ?? configuration?.board ?? BoardCatalog.defaultBoardName
    let board: BoardDescription
    do {
      board = try BoardCatalog.standard(search).load(name)
      findings.append(DoctorFinding(.ok, "board", "\(board.name) (\(board.file))"))
    } catch {
      findings.append(
        DoctorFinding(
          .blocking, "board", "\(name): \(error)",
          fix: "name a board in \(search.directories(for: .boards).joined(separator: ", ")) or give its path"))
      return findings
    }
    if board.backend == .linux {
      checkGPIO(board, into: &findings)
      checkI2C(board, into: &findings)
    } else {
      findings.append(DoctorFinding(.ok, "hardware", "board \(board.name) is simulated: no device checks"))
    }
    checkGroups(board, into: &findings)
    checkRealtime(configuration?.realtime ?? .none, into: &findings)
    checkClock(into: &findings)
    checkWatchdog(board, into: &findings)
    return findings
  }

  /// Whether any finding blocks a start.
  public static func blocks(_ findings: [DoctorFinding]) -> Bool { findings.contains { $0.level == .blocking } }

  // MARK: Checks

  func checkConfiguration(_ explicit: String?, into findings: inout [DoctorFinding]) -> RuntimeConfiguration? {
    guard let file = search.configurationFile(explicit: explicit) else {
      let places = search.configurationDirectories.map { $0 + "/" + ConfigurationSearch.configurationFileName }
      findings.append(
        DoctorFinding(
          .warning, "config", "no runtime configuration (looked for \(places.joined(separator: ", ")))",
          fix: "install the package, or copy packaging/etc/cloak.yaml to /etc/cloak/cloak.yaml"))
      return nil
    }
    let configuration: RuntimeConfiguration
    do {
      configuration = try RuntimeConfiguration.load(path: file)
    } catch {
      findings.append(DoctorFinding(.blocking, "config", "\(error)", fix: "correct \(file) (docs/deployment.md)"))
      return nil
    }
    findings.append(DoctorFinding(.ok, "config", file))
    if let station = configuration.station {
      if let path = search.locate(station, kind: .stations) {
        findings.append(DoctorFinding(.ok, "station", "\(station) (\(path))"))
      } else {
        findings.append(
          DoctorFinding(
            .warning, "station",
            "\(station) not found in \(search.directories(for: .stations).joined(separator: ", "))",
            fix: "put \(station).yaml in /etc/cloak/stations or set station: to a path in \(file)"))
      }
    }
    if let keys = configuration.keysDirectory, !FileManager.default.fileExists(atPath: keys) {
      findings.append(
        DoctorFinding(
          .warning, "config", "keys directory \(keys) does not exist", fix: "mkdir -m 0750 \(keys)"))
    }
    if let audit = configuration.auditLog { checkAuditLog(audit, keys: configuration.keysDirectory, into: &findings) }
    return configuration
  }

  /// The configured audit log: `cloak run` refuses to start without its checkpoint key
  /// (`audit.key` in the keys directory), so a missing key blocks; a missing directory
  /// for the log is a warning (the service's StateDirectory creates /var/lib/cloak).
  func checkAuditLog(_ audit: String, keys: String?, into findings: inout [DoctorFinding]) {
    guard let keys else {
      findings.append(
        DoctorFinding(
          .blocking, "audit", "audit log \(audit) is configured but no keys directory holds its checkpoint key",
          fix: "set keys: in the configuration and run cloak keys generate --out DIR --name audit"))
      return
    }
    let key = (keys as NSString).appendingPathComponent("audit.key")
    if FileManager.default.fileExists(atPath: key) {
      findings.append(DoctorFinding(.ok, "audit", "\(audit) (checkpoint key \(key))"))
    } else {
      findings.append(
        DoctorFinding(
          .blocking, "audit", "audit log \(audit): no checkpoint key \(key)",
          fix: "cloak keys generate --out \(keys) --name audit && chown cloak:cloak \(key)"))
    }
    let directory = (audit as NSString).deletingLastPathComponent
    if !directory.isEmpty, !FileManager.default.fileExists(atPath: directory) {
      findings.append(
        DoctorFinding(
          .warning, "audit", "directory \(directory) of the audit log does not exist",
          fix: "mkdir -p \(directory) (the service's StateDirectory makes /var/lib/cloak)"))
    }
  }

  func checkGPIO(_ board: BoardDescription, into findings: inout [DoctorFinding]) {
    let chips = entries(of: "/dev", prefix: "gpiochip")
    guard !chips.isEmpty else {
      findings.append(
        DoctorFinding(
          .blocking, "gpio", "no GPIO character devices (/dev/gpiochip*)",
          fix:
            "run on the board itself, with a kernel that has CONFIG_GPIO_CDEV (every Raspberry Pi OS and Debian kernel)"
        ))
      return
    }
    let denied = chips.filter { access(path("/dev/" + $0), R_OK | W_OK) != 0 }
    if denied.isEmpty {
      findings.append(
        DoctorFinding(.ok, "gpio", "\(chips.count) chips readable and writable: \(chips.joined(separator: " "))"))
    } else {
      findings.append(
        DoctorFinding(
          .blocking, "gpio", "no read/write access to /dev/\(denied.joined(separator: ", /dev/"))",
          fix: "add the user to group gpio (usermod -aG gpio USER) and install the udev rule 60-cloak.rules"))
    }
    #if canImport(LinuxHAL)
      findings.append(
        DoctorFinding(
          .ok, "libgpiod",
          "library \(LinuxGPIO.libraryVersion), this build uses major \(LinuxGPIO.libgpiodMajor) (decision 0400)"))
      // Chip labels and line names through the strict resolution `cloak probe` and
      // bring-up use: an ambiguous label or line name is refused with both candidates.
      let lines = board.lines.sorted(by: { $0.key < $1.key }).map { ProbeLineSpec($0.value.id, role: $0.key) }
      for row in BoardProbe.run(devices: [], lines: lines) where !row.passed {
        findings.append(
          DoctorFinding(
            .blocking, "gpio", "\(row.check) \(row.target): \(row.detail)",
            fix: "correct the chip label or line name in \(board.file) (gpioinfo lists them)"))
      }
      if lines.count > 0 && !findings.contains(where: { $0.topic == "gpio" && $0.level == .blocking }) {
        findings.append(DoctorFinding(.ok, "gpio", "all \(lines.count) lines of \(board.name) found"))
      }
    #endif
  }

  func checkI2C(_ board: BoardDescription, into findings: inout [DoctorFinding]) {
    #if canImport(LinuxHAL)
      let resolver = I2CBusResolver(sysfsRoot: path("/sys"))
      for (name, bus) in board.i2cBuses.sorted(by: { $0.key < $1.key }) {
        let spec: String
        switch bus.locator {
        case .devicePath(let path): spec = path
        case .deviceTreeNode(let node): spec = node
        case .adapterName(let adapter): spec = adapter
        case .simulated(let simulated): spec = simulated
        }
        let device: String
        do {
          device = try resolver.resolve(spec)
        } catch {
          findings.append(
            DoctorFinding(.blocking, "i2c", "bus \(name) (\(spec)): \(error.description)", fix: i2cHint()))
          continue
        }
        guard FileManager.default.fileExists(atPath: path(device)) else {
          findings.append(DoctorFinding(.blocking, "i2c", "bus \(name): \(device) does not exist", fix: i2cHint()))
          continue
        }
        guard access(path(device), R_OK | W_OK) == 0 else {
          findings.append(
            DoctorFinding(
              .blocking, "i2c", "bus \(name): no read/write access to \(device)",
              fix: "add the user to group i2c (usermod -aG i2c USER) and install the udev rule 60-cloak.rules"))
          continue
        }
        findings.append(DoctorFinding(.ok, "i2c", "bus \(name) is \(device)"))
      }
    #endif
  }

  /// How to enable an I2C bus on this machine.
  func i2cHint() -> String {
    if !FileManager.default.fileExists(atPath: path("/sys/class/i2c-dev")) {
      return "load i2c-dev (modprobe i2c-dev; add it to /etc/modules)"
    }
    let model = (try? String(contentsOfFile: path("/proc/device-tree/model"), encoding: .utf8)) ?? ""
    if model.contains("Raspberry Pi") {
      return "enable the bus: dtparam=i2c_arm=on in /boot/firmware/config.txt (raspi-config nonint do_i2c 0), "
        + "or dtoverlay=i2c-gpio for another bus, then reboot"
    }
    if model.contains("BeagleBone") {
      return "enable the bus with a device-tree overlay (uEnv.txt: uboot_overlay_addrN=...-I2C...), then reboot"
    }
    return "enable the bus in the device tree (overlay) and check the board file's bus name"
  }

  func checkGroups(_ board: BoardDescription, into findings: inout [DoctorFinding]) {
    guard board.backend == .linux else { return }
    let wanted = ["gpio", "i2c"]
    let missingGroups = wanted.filter { getgrnam($0) == nil }
    if !missingGroups.isEmpty {
      findings.append(
        DoctorFinding(
          .warning, "groups", "no group \(missingGroups.joined(separator: ", "))",
          fix: "/usr/lib/cloak/setup-user (the package runs it) or groupadd --system NAME"))
    }
    if getuid() == 0 {
      guard let user = getpwnam(serviceUser) else {
        findings.append(
          DoctorFinding(
            .warning, "groups", "running as root; the service user \(serviceUser) does not exist",
            fix: "/usr/lib/cloak/setup-user (the package runs it)"))
        return
      }
      let missing = wanted.filter { !member(user.pointee, of: $0) }
      findings.append(
        missing.isEmpty
          ? DoctorFinding(.ok, "groups", "service user \(serviceUser) is in gpio and i2c")
          : DoctorFinding(
            .blocking, "groups", "service user \(serviceUser) is not in \(missing.joined(separator: ", "))",
            fix: "usermod -aG \(missing.joined(separator: ",")) \(serviceUser)"))
      return
    }
    var groups = [gid_t](repeating: 0, count: 256)
    let count = getgroups(Int32(groups.count), &groups)
    let mine = Set(groups.prefix(max(Int(count), 0))).union([getegid()])
    let missing = wanted.filter { name in getgrnam(name).map { !mine.contains($0.pointee.gr_gid) } ?? true }
    findings.append(
      missing.isEmpty
        ? DoctorFinding(.ok, "groups", "this user is in gpio and i2c")
        : DoctorFinding(
          .warning, "groups", "this user is not in \(missing.joined(separator: ", "))",
          fix: "usermod -aG \(missing.joined(separator: ",")) $USER, then log in again (the service user has them)"))
  }

  private func member(_ user: passwd, of group: String) -> Bool {
    guard let entry = getgrnam(group) else { return false }
    if entry.pointee.gr_gid == user.pw_gid { return true }
    let name = String(cString: user.pw_name)
    var index = 0
    while let memberName = entry.pointee.gr_mem[index] {
      if String(cString: memberName) == name { return true }
      index += 1
    }
    return false
  }

  func checkRealtime(_ options: RealtimeOptions, into findings: inout [DoctorFinding]) {
    var limit = rlimit()
    let isRoot = getuid() == 0
    if let priority = options.priority, !isRoot, getrlimit(__rlimit_resource_t(__RLIMIT_RTPRIO.rawValue), &limit) == 0,
      limit.rlim_cur < rlim_t(priority)
    {
      findings.append(
        DoctorFinding(
          .warning, "realtime", "RLIMIT_RTPRIO is \(limit.rlim_cur), the configuration asks for priority \(priority)",
          fix: "the unit sets LimitRTPRIO=99; for a shell, an rtprio line in /etc/security/limits.d"))
    } else {
      findings.append(
        DoctorFinding(.ok, "realtime", "SCHED_FIFO priority \(options.priority.map(String.init) ?? "none") allowed"))
    }
    if options.lockMemory, !isRoot, getrlimit(__rlimit_resource_t(__RLIMIT_MEMLOCK.rawValue), &limit) == 0,
      limit.rlim_cur != rlim_t.max
    {
      findings.append(
        DoctorFinding(
          .warning, "realtime", "RLIMIT_MEMLOCK is \(limit.rlim_cur / 1024) KiB, mlockall needs unlimited",
          fix: "the unit sets LimitMEMLOCK=infinity; for a shell, a memlock line in /etc/security/limits.d"))
    }
    let latency = path("/dev/cpu_dma_latency")
    if !FileManager.default.fileExists(atPath: latency) {
      findings.append(
        DoctorFinding(
          options.holdCPULatency ? .warning : .ok, "realtime", "no /dev/cpu_dma_latency (PM QoS unavailable)",
          fix: options.holdCPULatency ? "a kernel with CONFIG_PM (every Debian kernel), or hold_cpu_latency: false" : ""
        ))
    } else if access(latency, W_OK) != 0 {
      findings.append(
        DoctorFinding(
          options.holdCPULatency ? .warning : .ok, "realtime", "/dev/cpu_dma_latency is not writable by this user",
          fix: "the udev rule 60-cloak.rules gives it to group cloak (the service user)"))
    } else {
      findings.append(DoctorFinding(.ok, "realtime", "/dev/cpu_dma_latency writable"))
    }
  }

  func checkClock(into findings: inout [DoctorFinding]) {
    let file = path("/sys/devices/system/clocksource/clocksource0/current_clocksource")
    let source = ((try? String(contentsOfFile: file, encoding: .utf8)) ?? "")
      .trimmingCharacters(in: .whitespacesAndNewlines)
    if source.isEmpty {
      findings.append(DoctorFinding(.warning, "clock", "clock source unknown (\(file) unreadable)"))
    } else if source.contains("jiffies") {
      findings.append(
        DoctorFinding(
          .warning, "clock", "clock source \(source): tick resolution only, the loop's deadlines will be late",
          fix: "enable the board's timer (arch_sys_counter on ARM, tsc on x86) in the kernel/device tree"))
    } else {
      findings.append(DoctorFinding(.ok, "clock", "clock source \(source)"))
    }
    var resolution = timespec()
    if clock_getres(CLOCK_MONOTONIC, &resolution) == 0, resolution.tv_sec > 0 || resolution.tv_nsec > 1_000 {
      findings.append(
        DoctorFinding(
          .warning, "clock", "CLOCK_MONOTONIC resolution \(resolution.tv_nsec) ns: no high-resolution timers",
          fix: "a kernel with CONFIG_HIGH_RES_TIMERS"))
    }
  }

  func checkWatchdog(_ board: BoardDescription, into findings: inout [DoctorFinding]) {
    switch board.watchdog {
    case .none:
      let present = FileManager.default.fileExists(atPath: path("/dev/watchdog"))
      findings.append(
        DoctorFinding(
          board.backend == .linux ? .warning : .ok, "watchdog",
          "board \(board.name) declares no watchdog"
            + (present ? " (/dev/watchdog exists)" : "") + ": a hung kernel is not reset; the service's "
            + "WatchdogSec still restarts a stuck loop",
          fix: board.backend == .linux ? "declare watchdog: in \(board.file) (docs in boards/README.md)" : ""))
    case .device(let device, _):
      if !FileManager.default.fileExists(atPath: path(device)) {
        findings.append(
          DoctorFinding(
            .blocking, "watchdog", "\(device) does not exist (cloak run opens it)",
            fix: "enable the SoC watchdog (dtparam=watchdog=on on a Pi) or run with --no-watchdog"))
      } else if access(path(device), W_OK) != 0 {
        findings.append(
          DoctorFinding(
            .blocking, "watchdog", "\(device) is not writable by this user",
            fix: "a udev rule giving it to group cloak, or watchdog: systemd in the board file"))
      } else {
        findings.append(DoctorFinding(.ok, "watchdog", "\(device) writable"))
      }
    case .systemd:
      findings.append(
        DoctorFinding(
          .ok, "watchdog", "systemd's watchdog (WatchdogSec); cloak run needs NOTIFY_SOCKET: start it as the service"))
    }
  }

  // MARK: Helpers

  func path(_ absolute: String) -> String {
    root == "/" ? absolute : (root as NSString).appendingPathComponent(absolute)
  }

  func entries(of directory: String, prefix: String) -> [String] {
    ((try? FileManager.default.contentsOfDirectory(atPath: path(directory))) ?? [])
      .filter { $0.hasPrefix(prefix) }.sorted()
  }
}
