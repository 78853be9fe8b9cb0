/// BMP280/BME280 register addresses and bits (datasheet section 4).
public enum BMP280Register {
  public static let calibration: UInt8 = 0x88
  public static let calibrationCount = 24
  public static let humidityH1: UInt8 = 0xA1
  public static let chipID: UInt8 = 0xD0
  public static let reset: UInt8 = 0xE0
  public static let humidityCalibration: UInt8 = 0xE1
  public static let humidityCalibrationCount = 7
  public static let ctrlHum: UInt8 = 0xF2
  public static let status: UInt8 = 0xF3
  public static let ctrlMeas: UInt8 = 0xF4
  public static let config: UInt8 = 0xF5
  public static let pressMSB: UInt8 = 0xF7
  public static let humLSB: UInt8 = 0xFE

  /// Writing this to 0xE0 resets the chip.
  public static let resetCommand: UInt8 = 0xB6
  /// status bit 3: a conversion is running.
  public static let statusMeasuring: UInt8 = 0x08
  /// status bit 0: the NVM calibration is being copied to the registers.
  public static let statusImUpdate: UInt8 = 0x01
}
