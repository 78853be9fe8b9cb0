/// PCA9685 registers and bits (NXP datasheet section 7.3).
public enum PCA9685Register {
  public static let mode1: UInt8 = 0x00
  public static let mode2: UInt8 = 0x01
  /// LEDn_ON_L of channel 0; channel n is at 0x06 + 4n (ON_L, ON_H, OFF_L, OFF_H).
  public static let led0OnL: UInt8 = 0x06
  public static let allLedOnL: UInt8 = 0xFA
  public static let allLedOffH: UInt8 = 0xFD
  public static let preScale: UInt8 = 0xFE

  public static let restart: UInt8 = 0x80
  public static let extclk: UInt8 = 0x40
  public static let autoIncrement: UInt8 = 0x20
  public static let sleep: UInt8 = 0x10
  public static let allCall: UInt8 = 0x01
  public static let invert: UInt8 = 0x10
  public static let outputChangeOnAck: UInt8 = 0x08
  public static let totemPole: UInt8 = 0x04
  /// Bit 4 of ON_H (full on) and of OFF_H (full off; wins over full on).
  public static let fullBit: UInt8 = 0x10

  /// The first register of channel `n`.
  public static func channel(_ n: Int) -> UInt8 { UInt8(truncatingIfNeeded: 0x06 + 4 * n) }
}
