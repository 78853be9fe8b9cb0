import HAL

/// One row of a probe report (`cloak probe`).
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

/// Identity checks for I2C devices with the drivers' own chip knowledge (BMP280/BME280
/// chip ids, the MS5611 PROM check), on any ``I2CBus`` (so they run on the mock HAL
/// too). The Linux backend gives only raw bus access; identification lives here.
public enum DeviceProbe {
  /// Checks that `kind` answers at `address` on `bus` and is what it claims to be:
  /// BMP280/BME280 chip id at 0xD0 (``BMP280Kind/chipIDs``); PCA9685 MODE1 (0x00)
  /// readable; MS5611 PROM words 0...7 pass ``MS5611PROM/validate()`` (the CRC-4 of
  /// AN520). Reads only: nothing is reset or configured. A device at the PCA9685 LED
  /// All Call address says that other PCA9685s may answer there too.
  public static func check(bus: some I2CBus, address: UInt8, kind: I2CChipKind) -> ProbeRow {
    let target = "i2c \(bus.name) \(hex(address))"
    let note = I2CAddressNotes.note(for: address).map { "; note: \($0)" } ?? ""
    func row(_ status: ProbeRow.Status, _ detail: String) -> ProbeRow {
      ProbeRow(target: target, check: kind.rawValue, status: status, detail: detail + note)
    }
    if let problem = kind.addressProblem(address) { return row(.error, problem) }
    do {
      switch kind {
      case .bmp280, .bme280:
        let id = try bus.readRegister(address: address, register: BMP280Register.chipID)
        let expected: BMP280Kind = kind == .bme280 ? .bme280 : .bmp280
        if expected.chipIDs.contains(id) { return row(.ok, "chip id \(hex(id))") }
        let other = BMP280Kind.allCases.first { $0 != expected && $0.chipIDs.contains(id) }
        let also = other.map { " (a \($0.rawValue.uppercased()))" } ?? ""
        let wanted = expected.chipIDs.sorted().map(hex).joined(separator: "/")
        return row(.mismatch, "chip id \(hex(id))\(also), expected \(wanted)")
      case .pca9685:
        let mode1 = try bus.readRegister(address: address, register: PCA9685Register.mode1)
        return row(.ok, "MODE1 = \(hex(mode1))")
      case .ms5611:
        var words = [UInt16](repeating: 0, count: 8)
        for index in 0..<8 {
          let bytes = try bus.transfer(address: address, write: [0xA0 + UInt8(index * 2)], read: 2)
          words[index] = UInt16(bytes[0]) << 8 | UInt16(bytes[1])
        }
        let prom = MS5611PROM(words: words)
        do { try prom.validate() } catch {
          if error == .blank {
            return row(.mismatch, "PROM reads all \(words[0] == 0 ? "zeros" : "ones"): not an MS5611, or never reset")
          }
          return row(.mismatch, error.description)
        }
        return row(.ok, "PROM CRC \(hex(prom.storedCRC)) matches")
      }
    } catch {
      switch error.kind {
      case .nack, .notFound: return row(.missing, error.description)
      default: return row(.error, error.description)
      }
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

/// What an answer at a particular address may mean beyond "a device is there".
public enum I2CAddressNotes {
  /// A note for an answer at `address`: at 0x70, the PCA9685 LED All Call address, which
  /// every PCA9685 on the bus acknowledges from power-up (MODE1.ALLCALL), so the answer
  /// may come from PCA9685s elsewhere on the bus rather than (or besides) a device of its
  /// own. Nil for other addresses (the sub-call addresses are disabled at power-up and
  /// never enabled by Cloak's driver).
  public static func note(for address: UInt8) -> String? {
    guard address == PCA9685.allCallAddress else { return nil }
    return "0x70 is the PCA9685 LED All Call address: every PCA9685 on the bus answers there while its "
      + "MODE1.ALLCALL is set (the power-up state), so an answer at 0x70 may be PCA9685s at other addresses"
  }
}
