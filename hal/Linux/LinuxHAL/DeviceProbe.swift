import HAL

/// A chip `cloak probe` knows how to identify.
public enum ProbedChip: String, CaseIterable, Hashable, Sendable {
  case bmp280
  case bme280
  case pca9685
  case ms5611
}

/// One row of a probe report.
public struct ProbeRow: Hashable, Sendable {
  public enum Status: String, Hashable, Sendable {
    case ok = "OK"
    /// Nothing answered (or the bus/chip/line does not exist).
    case missing = "MISSING"
    /// Something answered but it is not the expected chip.
    case mismatch = "MISMATCH"
    case error = "ERROR"
  }

  /// What was checked: `i2c /dev/i2c-1 0x76` or `gpio pinctrl-bcm2711/GPIO17`.
  public var target: String
  /// The expectation: `bmp280`, `line exists`.
  public var check: String
  public var status: Status
  public var detail: String

  public init(target: String, check: String, status: Status, detail: String) {
    self.target = target
    self.check = check
    self.status = status
    self.detail = detail
  }

  public var passed: Bool { status == .ok }
}

/// Identity checks for I2C devices, on any ``I2CBus`` (so they run on the mock HAL too).
public enum DeviceProbe {
  /// BMP280 chip id; engineering samples read 0x56 or 0x57.
  public static let bmp280IDs: Set<UInt8> = [0x58, 0x56, 0x57]
  public static let bme280ID: UInt8 = 0x60

  /// Checks that `kind` answers at `address` on `bus` and is what it claims to be:
  /// BMP280/BME280 chip id at 0xD0; PCA9685 MODE1 (0x00) readable; MS5611 PROM words
  /// 0..7 pass the 4-bit CRC in word 7. Reads only: nothing is reset or configured.
  public static func check(bus: some I2CBus, address: UInt8, kind: ProbedChip) -> ProbeRow {
    let target = "i2c \(bus.name) \(hex(address))"
    func row(_ status: ProbeRow.Status, _ detail: String) -> ProbeRow {
      ProbeRow(target: target, check: kind.rawValue, status: status, detail: detail)
    }
    func failure(_ error: I2CError) -> ProbeRow {
      switch error.kind {
      case .nack, .notFound: return row(.missing, error.description)
      default: return row(.error, error.description)
      }
    }
    do {
      switch kind {
      case .bmp280, .bme280:
        let id = try bus.readRegister(address: address, register: 0xD0)
        let expected = kind == .bmp280 ? bmp280IDs : [bme280ID]
        if expected.contains(id) { return row(.ok, "chip id \(hex(id))") }
        let other = id == bme280ID ? " (a BME280)" : (bmp280IDs.contains(id) ? " (a BMP280)" : "")
        return row(.mismatch, "chip id \(hex(id))\(other), expected \(kind == .bmp280 ? "0x58" : "0x60")")
      case .pca9685:
        let mode1 = try bus.readRegister(address: address, register: 0x00)
        return row(.ok, "MODE1 = \(hex(mode1))")
      case .ms5611:
        var prom = [UInt16](repeating: 0, count: 8)
        for index in 0..<8 {
          let bytes = try bus.transfer(address: address, write: [0xA0 + UInt8(index * 2)], read: 2)
          prom[index] = UInt16(bytes[0]) << 8 | UInt16(bytes[1])
        }
        if prom.allSatisfy({ $0 == 0 }) || prom.allSatisfy({ $0 == 0xFFFF }) {
          return row(.mismatch, "PROM reads all \(prom[0] == 0 ? "zeros" : "ones"): not an MS5611, or never reset")
        }
        let expected = MS5611PROM.crc4(prom)
        let stored = UInt8(prom[7] & 0x000F)
        if expected == stored { return row(.ok, "PROM CRC \(hex(stored)) matches") }
        return row(.mismatch, "PROM CRC is \(hex(stored)), computed \(hex(expected))")
      }
    } catch {
      return failure(error)
    }
  }

  /// Formats rows as an aligned table with a header.
  public static func table(_ rows: [ProbeRow]) -> String {
    let header = ProbeRow(target: "TARGET", check: "CHECK", status: .ok, detail: "DETAIL")
    let targetWidth = ([header] + rows).map(\.target.count).max() ?? 0
    let checkWidth = ([header] + rows).map(\.check.count).max() ?? 0
    func pad(_ text: String, _ width: Int) -> String {
      text + String(repeating: " ", count: max(0, width - text.count))
    }
    var lines = [pad("TARGET", targetWidth) + "  " + pad("CHECK", checkWidth) + "  " + pad("STATUS", 8) + "  DETAIL"]
    for row in rows {
      lines.append(
        pad(row.target, targetWidth) + "  " + pad(row.check, checkWidth) + "  " + pad(row.status.rawValue, 8) + "  "
          + row.detail)
    }
    return lines.joined(separator: "\n")
  }
}

/// The MS5611 PROM check (TE application note AN520): a 4-bit CRC over the eight
/// 16-bit words with the CRC nibble of word 7 zeroed.
public enum MS5611PROM {
  public static func crc4(_ words: [UInt16]) -> UInt8 {
    guard words.count == 8 else { return 0xFF }
    var prom = words
    prom[7] &= 0xFF00
    var remainder: UInt16 = 0
    for count in 0..<16 {
      let word = prom[count >> 1]
      remainder ^= count & 1 == 1 ? word & 0x00FF : word >> 8
      for _ in 0..<8 {
        remainder = remainder & 0x8000 != 0 ? (remainder << 1) ^ 0x3000 : remainder << 1
      }
    }
    return UInt8((remainder >> 12) & 0x000F)
  }
}
