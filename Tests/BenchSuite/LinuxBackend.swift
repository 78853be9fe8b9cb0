// Linux only: the bench drives Linux kernel interfaces (gpio-sim, i2c-dev, softdog).
#if os(Linux)
  import Glibc

  import HAL

  import LinuxHAL

  /// The one file that names the concrete Linux backend types (hal/Linux/LinuxHAL).
  /// Everything else in the suite sees only the hal/HAL protocols.
  enum LinuxBackend {
    /// Which backend and library the suite runs against, for the run header.
    static var summary: String {
      "LinuxHAL on libgpiod \(LinuxGPIO.libraryVersion)"
    }

    /// The GPIO controller under test (libgpiod).
    static func gpio() throws -> any GPIOController { LinuxGPIO() }

    /// The I2C bus under test, from a device path, bus number, device-tree node or
    /// adapter name (LinuxHAL's I2CBusResolver).
    static func i2cBus(_ spec: String) throws -> any I2CBus {
      try LinuxI2CBus(resolving: spec)
    }

    /// The /dev/watchdog backend under test.
    static func watchdog(path: String) throws -> any Watchdog {
      try DevWatchdog(path: path)
    }
  }
#endif
