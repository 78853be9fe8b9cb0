#if canImport(Glibc)
  import Boards
  import Composition
  import Foundation
  import Glibc
  import HAL
  import Testing

  private let hostHasGPIO: Bool = {
    ((try? FileManager.default.contentsOfDirectory(atPath: "/dev")) ?? []).contains { $0.hasPrefix("gpiochip") }
  }()

  /// The `linux` backend on a host without GPIO or I2C: every failure is a typed error
  /// naming the role and the chip, bus or path, never a crash. (The virtual bench runs
  /// the same board files against real kernel devices.)
  @Suite("Linux backend without hardware")
  struct LinuxBackendTests {
    func board(_ name: String) throws -> BoardDescription {
      try BoardLoader.load(path: SimBoardBringUpTests.boardsDirectory + "/\(name).yaml")
    }

    @Test func boardFilesOfLinuxBoardsSelectTheLinuxBackend() throws {
      let backend = try BoardAssembly.makeBackend(for: try board("raspberry-pi-4"))
      #expect(backend is LinuxBackend)
    }

    @Test func busByDevicePathIsI2CNotFoundNamingThePath() throws {
      let pi = try board("raspberry-pi-4")
      let spec = try #require(pi.i2cBuses["header"])
      #expect {
        _ = try LinuxBackend(sysfsRoot: "/nonexistent").i2cBus(spec)
      } throws: { error in
        guard let error = error as? CompositionError, case .i2c(let cause) = error.cause else { return false }
        return error.role == "header" && cause.kind == .notFound && cause.bus == "/dev/i2c-1"
      }
    }

    @Test func busByAdapterNameIsNotFoundNamingTheName() throws {
      let bench = try board("virtual-bench")
      let spec = try #require(bench.i2cBuses.values.first)
      #expect {
        _ = try LinuxBackend(sysfsRoot: "/nonexistent").i2cBus(spec)
      } throws: { error in
        guard let error = error as? CompositionError, case .i2c(let cause) = error.cause else { return false }
        return cause.kind == .notFound && error.description.contains(spec.name)
      }
    }

    @Test(.enabled(if: !hostHasGPIO, "needs a host without GPIO chips"))
    func bringingUpAPiBoardFailsWithTheRoleAndChip() throws {
      let pi = try board("raspberry-pi-4")
      #expect {
        _ = try RunningBoard(board: pi, backend: LinuxBackend(sysfsRoot: "/nonexistent"))
      } throws: { error in
        guard let error = error as? CompositionError, case .gpio(let cause) = error.cause else { return false }
        return cause.kind == .chipNotFound && pi.lines[error.role] != nil
          && error.description.contains("pinctrl-bcm2711")
      }
    }

    @Test func noWatchdogIsNil() throws {
      #expect(try LinuxBackend().watchdog(.none) == nil)
    }

    @Test(.enabled(if: getenv("NOTIFY_SOCKET") == nil, "not under systemd"))
    func systemdWatchdogOutsideSystemdIsUnsupported() {
      #expect {
        _ = try LinuxBackend().watchdog(.systemd(timeout: .seconds(10)))
      } throws: { error in
        guard let error = error as? CompositionError, case .unsupported(let text) = error.cause else { return false }
        return text.contains("NOTIFY_SOCKET")
      }
    }

    @Test func sysfsPWMChipIsFoundByNodeAndGetsTheBoardPeriod() throws {
      let root = NSTemporaryDirectory() + "cloak-pwm-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
      defer { try? FileManager.default.removeItem(atPath: root) }
      let manager = FileManager.default
      let device = root + "/devices/platform/soc/3f20c000.pwm"
      let channel = root + "/class/pwm/pwmchip0/pwm1"
      try manager.createDirectory(atPath: device, withIntermediateDirectories: true)
      try manager.createDirectory(atPath: channel, withIntermediateDirectories: true)
      try manager.createSymbolicLink(atPath: root + "/class/pwm/pwmchip0/device", withDestinationPath: device)
      for (file, value) in [("npwm", "2"), ("pwm1/period", "0"), ("pwm1/duty_cycle", "0"), ("pwm1/enable", "0")] {
        try (value + "\n").write(toFile: root + "/class/pwm/pwmchip0/" + file, atomically: false, encoding: .utf8)
      }
      let pwm = try LinuxBackend(sysfsRoot: root).sysfsPWM(
        deviceTreeNode: "3f20c000.pwm", channel: 1, period: .milliseconds(20), role: "servo")
      #expect(pwm.period == .milliseconds(20))
      #expect(try String(contentsOfFile: channel + "/period", encoding: .utf8) == "20000000")
    }
  }
#endif
