#if canImport(Glibc)
  import Glibc
  import HAL

  /// Maps Linux errnos to ``I2CError`` following the kernel's
  /// `Documentation/i2c/fault-codes.rst` (table in hal/Linux/README.md).
  public enum I2CErrno {
    /// What `group`/udev advice a permission error carries.
    public static let permissionHint = "add the user to group 'i2c' (or a udev rule giving /dev/i2c-* to it)"

    /// The error for a failed transfer ioctl on `bus` to `address`.
    public static func transferError(_ code: Int32, bus: String, address: UInt8?) -> I2CError {
      switch code {
      case ENXIO:
        return I2CError(.nack(.address), bus: bus, address: address, detail: "no device acknowledged the address")
      case ENODEV:
        // fault-codes.rst reserves ENODEV for probe(), but i2c-stub answers an empty address with it.
        return I2CError(.nack(.address), bus: bus, address: address, detail: "no device at this address")
      case EREMOTEIO:
        return I2CError(.nack(.unknown), bus: bus, address: address, detail: "not acknowledged (EREMOTEIO)")
      case EAGAIN:
        return I2CError(.arbitrationLost, bus: bus, address: address)
      case EBUSY:
        return I2CError(.busBusy, bus: bus, address: address)
      case ETIMEDOUT:
        return I2CError(.timeout, bus: bus, address: address)
      case EOPNOTSUPP:
        return I2CError(.unsupported, bus: bus, address: address, detail: "the adapter cannot do this transfer type")
      case EPROTO:
        return I2CError(.protocolError, bus: bus, address: address, detail: "slave protocol violation")
      case EBADMSG:
        return I2CError(.protocolError, bus: bus, address: address, detail: "bad PEC byte")
      case EMSGSIZE:
        return I2CError(.unsupported, bus: bus, address: address, detail: "message too long for the adapter")
      case EACCES, EPERM:
        return I2CError(.permissionDenied, bus: bus, address: address, detail: permissionHint)
      case EINVAL:
        return I2CError(.io(errno: code), bus: bus, address: address, detail: "the kernel rejected the parameters")
      case ESHUTDOWN:
        return I2CError(.io(errno: code), bus: bus, address: address, detail: "adapter suspended")
      default:
        return I2CError(.io(errno: code), bus: bus, address: address)
      }
    }

    /// The error for failing to open the bus device at `path`.
    public static func openError(_ code: Int32, path: String) -> I2CError {
      switch code {
      case ENOENT, ENODEV, ENXIO:
        return I2CError(.notFound, bus: path, detail: "no such bus device (is i2c-dev loaded and the bus enabled?)")
      case EACCES, EPERM:
        return I2CError(.permissionDenied, bus: path, detail: permissionHint)
      default:
        return I2CError(.io(errno: code), bus: path, detail: "cannot open the bus device")
      }
    }
  }

  extension I2CCapabilities {
    /// The capabilities in a Linux `I2C_FUNCS` word. A read+write pair counts only when
    /// both directions are there.
    public init(linuxFunctionality funcs: UInt) {
      var caps: I2CCapabilities = []
      func has(_ bits: UInt) -> Bool { funcs & bits == bits }
      if has(0x0000_0001) { caps.insert(.plainI2C) }
      if has(0x0001_0000) { caps.insert(.smbusQuick) }
      if has(0x0002_0000 | 0x0004_0000) { caps.insert(.smbusByte) }
      if has(0x0008_0000 | 0x0010_0000) { caps.insert(.smbusByteData) }
      if has(0x0020_0000 | 0x0040_0000) { caps.insert(.smbusWordData) }
      if has(0x0400_0000 | 0x0800_0000) { caps.insert(.smbusI2CBlock) }
      self = caps
    }
  }
#endif
