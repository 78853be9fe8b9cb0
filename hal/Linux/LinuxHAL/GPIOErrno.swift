#if canImport(Glibc)
  import CLinuxShims
  import Glibc
  import HAL

  /// Maps the GPIO shim's return codes (-errno or `CLOAK_GPIO_ERR_*`) to ``GPIOError``.
  public enum GPIOErrno {
    /// What grants access to the GPIO character devices.
    public static let permissionHint = "add the user to group 'gpio' (or a udev rule giving /dev/gpiochip* to it)"

    /// The error for shim return code `code` (negative) about `line`, during `operation`.
    public static func error(_ code: Int32, line: GPIOLineID, operation: String) -> GPIOError {
      switch code {
      case CLOAK_GPIO_ERR_CHIP_NOT_FOUND:
        return GPIOError(.chipNotFound, line: line, detail: "no /dev/gpiochip* has this label (see gpiodetect)")
      case CLOAK_GPIO_ERR_LINE_NOT_FOUND:
        return GPIOError(.lineNotFound, line: line, detail: "see gpioinfo for the chip's line names")
      case -EBUSY:
        return GPIOError(.lineBusy, line: line, detail: "\(operation): another consumer holds it (see gpioinfo)")
      case -EACCES, -EPERM:
        return GPIOError(.permissionDenied, line: line, detail: permissionHint)
      case -EOPNOTSUPP, -ENOTSUP, -EINVAL:
        return GPIOError(
          .unsupported, line: line,
          detail: "\(operation): the kernel or chip refused the configuration (errno \(-code))")
      default:
        return GPIOError(.io(errno: -code), line: line, detail: operation)
      }
    }
  }
#endif
