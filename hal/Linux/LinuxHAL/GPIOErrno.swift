#if canImport(Glibc)
  import CLinuxShims
  import Glibc
  import HAL

  /// Maps the GPIO shim's return codes (-errno or `CLOAK_GPIO_ERR_*`) to ``GPIOError``.
  public enum GPIOErrno {
    /// What grants access to the GPIO character devices.
    public static let permissionHint = "add the user to group 'gpio' (or a udev rule giving /dev/gpiochip* to it)"

    /// Which two chips or lines share the name (asked of the shim again; the state of
    /// the system may have changed since, which the text then says).
    static func ambiguity(_ line: GPIOLineID, code: Int32) -> String {
      var text = [CChar](repeating: 0, count: 512)
      let rc = cloak_gpio_describe_ambiguity(line.chip, line.line, &text, text.count)
      let hint =
        code == CLOAK_GPIO_ERR_AMBIGUOUS_CHIP
        ? "; chips must have distinct labels (gpiodetect)" : "; give the line a unique name (gpioinfo)"
      guard rc == 0 else { return "ambiguous when requested, but not when described again (code \(rc))" }
      let described = text.withUnsafeBufferPointer { buffer in
        String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
      }
      return described + hint
    }

    /// The error for shim return code `code` (negative) about `line`, during `operation`.
    public static func error(_ code: Int32, line: GPIOLineID, operation: String) -> GPIOError {
      switch code {
      case CLOAK_GPIO_ERR_CHIP_NOT_FOUND:
        return GPIOError(.chipNotFound, line: line, detail: "no /dev/gpiochip* has this label (see gpiodetect)")
      case CLOAK_GPIO_ERR_LINE_NOT_FOUND:
        return GPIOError(.lineNotFound, line: line, detail: "see gpioinfo for the chip's line names")
      case CLOAK_GPIO_ERR_AMBIGUOUS_CHIP, CLOAK_GPIO_ERR_AMBIGUOUS_LINE:
        return GPIOError(.ambiguous, line: line, detail: ambiguity(line, code: code))
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
