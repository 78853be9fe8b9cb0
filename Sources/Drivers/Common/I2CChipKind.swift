import HAL

/// The I2C chips the drivers know, with what their silicon fixes about addressing.
///
/// Board validation, the emulators and `cloak probe` all ask this type, so the address
/// rules live in one place (boards/README.md, "Addresses", cites the datasheet facts).
public enum I2CChipKind: String, CaseIterable, Hashable, Sendable {
  case bmp280
  case bme280
  case ms5611
  case pca9685

  /// The 7-bit addresses the I2C specification reserves (general call, CBUS, other
  /// bus formats, high-speed master codes; 10-bit addressing and device ID). No device
  /// may be placed there, whatever its pins allow.
  public static let reservedAddresses: [ClosedRange<UInt8>] = [0x00...0x07, 0x78...0x7F]

  /// The addresses the chip's address pins can select.
  /// - BMP280/BME280: 0x76 (SDO to GND) or 0x77 (SDO to VDDIO) (Bosch datasheets, 5.2).
  /// - MS5611: 0x76 or 0x77, chosen by the CSB pin (TE datasheet, "I2C interface").
  /// - PCA9685: 0b1 A5 A4 A3 A2 A1 A0 = 0x40...0x7F (NXP datasheet 7.1.1); the part of
  ///   that range the I2C specification reserves (0x78...0x7F) is still refused.
  public var pinAddresses: ClosedRange<UInt8> {
    switch self {
    case .bmp280, .bme280, .ms5611: return 0x76...0x77
    case .pca9685: return 0x40...0x7F
    }
  }

  /// How the pins select the address, for messages.
  public var addressPins: String {
    switch self {
    case .bmp280, .bme280: return "0x76 (SDO low) or 0x77 (SDO high)"
    case .ms5611: return "0x76 or 0x77 (set by the CSB pin)"
    case .pca9685: return "0x40...0x7F (1 A5 A4 A3 A2 A1 A0)"
    }
  }

  /// Whether the chip measures pressure.
  public var isPressureSensor: Bool { self != .pca9685 }

  /// Why `address` cannot hold this chip, or nil when it can.
  public func addressProblem(_ address: UInt8) -> String? {
    if let reserved = Self.reservedAddresses.first(where: { $0.contains(address) }) {
      return "\(hex(address)) is in the I2C reserved range \(hex(reserved.lowerBound))-\(hex(reserved.upperBound))"
    }
    guard pinAddresses.contains(address) else {
      return "a \(rawValue) answers only at \(addressPins), not at \(hex(address))"
    }
    return nil
  }
}
