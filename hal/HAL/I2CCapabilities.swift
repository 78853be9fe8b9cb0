/// Transfer types an I2C adapter supports (the subset of Linux `I2C_FUNC_*` that
/// matters to Cloak).
public struct I2CCapabilities: OptionSet, Hashable, Sendable {
  public let rawValue: UInt32
  public init(rawValue: UInt32) { self.rawValue = rawValue }

  /// Plain I2C messages with repeated start (Linux `I2C_RDWR`).
  public static let plainI2C = I2CCapabilities(rawValue: 1 << 0)
  /// SMBus receive/send byte.
  public static let smbusByte = I2CCapabilities(rawValue: 1 << 1)
  /// SMBus read/write byte data (one register).
  public static let smbusByteData = I2CCapabilities(rawValue: 1 << 2)
  /// SMBus read/write word data.
  public static let smbusWordData = I2CCapabilities(rawValue: 1 << 3)
  /// I2C block read/write through SMBus (1...32 bytes after a command byte).
  public static let smbusI2CBlock = I2CCapabilities(rawValue: 1 << 4)
  /// SMBus quick command (used for safe probing).
  public static let smbusQuick = I2CCapabilities(rawValue: 1 << 5)

  /// Everything an SMBus-only adapter such as the kernel's i2c-stub offers.
  public static let smbusOnly: I2CCapabilities = [
    .smbusByte, .smbusByteData, .smbusWordData, .smbusI2CBlock, .smbusQuick,
  ]
  /// A full I2C adapter with SMBus emulation (most SBC controllers).
  public static let full: I2CCapabilities = [.plainI2C, .smbusOnly]

  /// Largest I2C-block transfer over SMBus.
  public static let smbusBlockMax = 32
}
