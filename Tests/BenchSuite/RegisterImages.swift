/// The register images the virtual bench preloads into i2c-stub, and the bytes the I2C
/// tests expect to read back.
///
/// BMP280 at 0x76: the datasheet's worked example (calibration dig_T1..T3 = 27504,
/// 26435, -1000; dig_P1..P9 = 36477, -10685, 3024, 2855, 140, -7, 15500, -14600, 6000;
/// adc_P = 415148, adc_T = 519888; chip id 0x58; ctrl_meas 0xB7; config 0x10), the
/// same bytes as /work/shared/data/i2cdump/bmp280-datasheet-example.txt. Expected:
/// 25.08 C and 100653.25 Pa (64-bit formula).
/// PCA9685 at 0x40: power-on defaults (MODE1 0x11 sleep + allcall, MODE2 0x04 totem
/// pole, sub-addresses E2/E4/E8, all-call E0, every LEDn_OFF_H 0x10 full off,
/// PRE_SCALE 0x1E).
enum RegisterImages {
  static var bmp280: [UInt8] {
    var image = [UInt8](repeating: 0, count: 256)
    let calibration: [UInt8] = [
      0x70, 0x6B, 0x43, 0x67, 0x18, 0xFC, 0x7D, 0x8E, 0x43, 0xD6, 0xD0, 0x0B,
      0x27, 0x0B, 0x8C, 0x00, 0xF9, 0xFF, 0x8C, 0x3C, 0xF8, 0xC6, 0x70, 0x17,
    ]
    image.replaceSubrange(0x88..<0xA0, with: calibration)
    image[0xD0] = 0x58
    image[0xF4] = 0xB7
    image[0xF5] = 0x10
    image.replaceSubrange(0xF7..<0xFD, with: [0x65, 0x5A, 0xC0, 0x7E, 0xED, 0x00])
    return image
  }

  static var pca9685: [UInt8] {
    var image = [UInt8](repeating: 0, count: 256)
    image[0x00] = 0x11
    image[0x01] = 0x04
    image[0x02] = 0xE2
    image[0x03] = 0xE4
    image[0x04] = 0xE8
    image[0x05] = 0xE0
    for channel in 0..<16 { image[0x09 + 4 * channel] = 0x10 }
    image[0xFE] = 0x1E
    return image
  }
}
