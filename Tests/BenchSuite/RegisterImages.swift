// Linux only: the bench drives Linux kernel interfaces (gpio-sim, i2c-dev, softdog).
#if os(Linux)
  import Glibc

  import Emulators
  import MockHAL

  /// The register images the virtual bench preloads into i2c-stub, and the bytes the I2C
  /// tests expect to read back. The chips' register maps come from the drivers' emulators
  /// (one source of truth per chip); the bench pins only what a live chip would change.
  ///
  /// BMP280 at 0x76: the emulator's power-on registers with the datasheet calibration
  /// (dig_T1..T3 = 27504, 26435, -1000; dig_P1..P9 = 36477, -10685, 3024, 2855, 140, -7,
  /// 15500, -14600, 6000; chip id 0x58), then, as in
  /// shared/data/i2cdump/bmp280-datasheet-example.txt, ctrl_meas 0xB7, config 0x10, status
  /// 0 and the data burst adc_P = 415148, adc_T = 519888. The driver must read 25.08 C and
  /// 100653.25 Pa (64-bit formula: 25767233 / 256).
  /// PCA9685 at 0x40: the emulator's power-on defaults (MODE1 0x11, MODE2 0x04, every
  /// LEDn_OFF_H 0x10 full off, PRE_SCALE 0x1E).
  enum RegisterImages {
    static var bmp280: [UInt8] {
      var image = BMP280Emulator(kind: .bmp280, clock: VirtualClock()).registers
      image[0xF3] = 0x00
      image[0xF4] = 0xB7
      image[0xF5] = 0x10
      image.replaceSubrange(0xF7..<0xFD, with: [0x65, 0x5A, 0xC0, 0x7E, 0xED, 0x00])
      // A BMP280 has no humidity registers (the emulator's BME280 reset value 0x80 at
      // 0xFD): zero, as in the capture.
      image.replaceSubrange(0xFD...0xFF, with: [0x00, 0x00, 0x00])
      return image
    }

    static var pca9685: [UInt8] { PCA9685Emulator(clock: VirtualClock()).registers }
  }
#endif
