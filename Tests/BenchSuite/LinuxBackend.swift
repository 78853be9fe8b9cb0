// Linux only: the bench drives Linux kernel interfaces (gpio-sim, i2c-dev, softdog).
#if os(Linux)
  import Glibc

  import HAL

  #if canImport(LinuxHAL)
    import LinuxHAL
  #endif

  /// The one file that names the concrete Linux backend types (hal/Linux/LinuxHAL).
  /// Everything else in the suite sees only the hal/HAL protocols.
  enum LinuxBackend {
    /// Which backend and library the suite runs against, for the run header.
    static var summary: String { "LinuxHAL: no GPIO/I2C/watchdog backend in this tree yet" }

    /// The GPIO controller under test (libgpiod).
    static func gpio() throws -> any GPIOController {
      throw BenchSkip("LinuxHAL has no GPIO backend in this tree yet")
    }

    /// The I2C bus under test, from a device path or an adapter name.
    static func i2cBus(_ spec: String) throws -> any I2CBus {
      throw BenchSkip("LinuxHAL has no I2C backend in this tree yet")
    }

    /// The /dev/watchdog backend under test.
    static func watchdog(path: String) throws -> any Watchdog {
      throw BenchSkip("LinuxHAL has no watchdog backend in this tree yet")
    }
  }
#endif
