import HAL

/// Which adapter capabilities can carry one `writeRead` of a given shape.
///
/// Mirrors how the Linux backend maps a transaction onto an SMBus-only adapter (see
/// `I2CBus.writeRead(address:write:read:)`): an adapter with plain I2C carries any
/// non-empty shape; otherwise the shape must match one SMBus transfer, at most
/// ``I2CCapabilities/smbusBlockMax`` data bytes after the command byte.
enum I2CTransferShape {
  /// Whether an adapter with `capabilities` can perform a transaction writing
  /// `write` bytes then reading `read` bytes.
  static func isSupported(write: Int, read: Int, by capabilities: I2CCapabilities) -> Bool {
    let block = I2CCapabilities.smbusBlockMax
    switch (write, read) {
    case (0, 0): return capabilities.contains(.smbusQuick)
    case _ where capabilities.contains(.plainI2C): return true
    case (0, 1), (1, 0): return capabilities.contains(.smbusByte)
    case (1, 1), (2, 0): return !capabilities.isDisjoint(with: [.smbusByteData, .smbusI2CBlock])
    case (1, 2), (3, 0): return !capabilities.isDisjoint(with: [.smbusWordData, .smbusI2CBlock])
    case (1, 3...block), (4...(block + 1), 0): return capabilities.contains(.smbusI2CBlock)
    default: return false
    }
  }

  /// The error an adapter gives for a shape it cannot carry, naming bus and address.
  static func unsupported(write: Int, read: Int, bus: String, address: UInt8) -> I2CError {
    I2CError(
      .unsupported, bus: bus, address: address,
      detail: "adapter cannot do a \(write)-byte write + \(read)-byte read (no SMBus equivalent)")
  }
}
