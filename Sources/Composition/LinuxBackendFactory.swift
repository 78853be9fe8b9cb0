import Boards
import HAL

#if canImport(LinuxHAL)
  import LinuxHAL
#endif

extension BoardAssembly {
  static func makeLinuxBackend(for board: BoardDescription) throws(CompositionError) -> any HardwareBackend {
    #if canImport(LinuxHAL)
      return LinuxBackend()
    #else
      throw CompositionError(role: board.name, .unsupported("the Linux backend is not available in this build"))
    #endif
  }
}

#if canImport(LinuxHAL)
  /// The `linux` backend: libgpiod chips, i2c-dev buses, sysfs PWM, /dev/watchdog or
  /// systemd's watchdog, and the real monotonic clock (hal/Linux/README.md).
  public final class LinuxBackend: HardwareBackend {
    public let clock: any MonotonicClock
    public let gpio: any GPIOController
    /// Where buses and PWM chips are looked up (a fake tree in tests).
    public let sysfsRoot: String

    public init(sysfsRoot: String = "/sys") {
      self.clock = SystemClock()
      self.gpio = LinuxGPIO()
      self.sysfsRoot = sysfsRoot
    }

    public func i2cBus(_ spec: I2CBusSpec) throws(CompositionError) -> any I2CBus {
      let resolver = I2CBusResolver(sysfsRoot: sysfsRoot)
      do {
        switch spec.locator {
        case .devicePath(let path): return try LinuxI2CBus(path: path)
        case .deviceTreeNode(let node): return try LinuxI2CBus(path: try resolver.resolve(deviceTreeNode: node))
        case .adapterName(let name): return try LinuxI2CBus(path: try resolver.resolve(adapterName: name))
        case .simulated(let name):
          throw CompositionError(
            role: spec.name, .unsupported("bus '\(name)' is simulated: only the sim backend has it"))
        }
      } catch let error as CompositionError {
        throw error
      } catch let error as I2CError {
        throw CompositionError(role: spec.name, .i2c(error))
      } catch {
        throw CompositionError(role: spec.name, .unsupported("\(error)"))
      }
    }

    public func sysfsPWM(deviceTreeNode: String, channel: Int, period: Duration, role: String)
      throws(CompositionError) -> any PWMChannel
    {
      do {
        let pwm = try SysfsPWMChannel(chip: .deviceTreeNode(deviceTreeNode), channel: channel, sysfsRoot: sysfsRoot)
        // Keep the current pulse if it fits the board's period; the safe value follows at once.
        try pwm.configure(period: period, pulseWidth: pwm.pulseWidth <= period ? pwm.pulseWidth : .zero)
        return pwm
      } catch {
        throw CompositionError(role: role, .pwm(error))
      }
    }

    public func watchdog(_ spec: WatchdogSpec) throws(CompositionError) -> (any Watchdog)? {
      do {
        switch spec {
        case .none:
          return nil
        case .device(let path, let timeout):
          return try DevWatchdog(path: path, timeout: timeout)
        case .systemd:
          guard let notifier = try SystemdNotifier.fromEnvironment() else {
            throw CompositionError(
              role: "watchdog", .unsupported("systemd watchdog: NOTIFY_SOCKET is not set (run as a Type=notify unit)"))
          }
          return notifier
        }
      } catch let error as CompositionError {
        throw error
      } catch let error as WatchdogError {
        throw CompositionError(role: "watchdog", .watchdog(error))
      } catch {
        throw CompositionError(role: "watchdog", .unsupported("\(error)"))
      }
    }
  }
#endif
