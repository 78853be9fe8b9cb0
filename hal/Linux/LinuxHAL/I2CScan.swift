import HAL

/// How one address is probed during a scan.
public enum I2CProbeMethod: String, Hashable, Sendable {
  /// SMBus quick write (no data: safe for almost everything).
  case quickWrite = "quick write"
  /// SMBus receive byte (for EEPROM and similar ranges, where a quick write can
  /// corrupt some parts, as i2cdetect does).
  case readByte = "read byte"
}

/// What a scan found at one address.
public enum I2CScanResult: Hashable, Sendable {
  case present
  case absent
  /// A kernel driver owns the address (i2cdetect's `UU`).
  case claimed
  /// Not probed: the adapter lacks the method this address needs.
  case skipped
  case failed(I2CError)
}

/// `i2cdetect`-style scanning: the probe method per address and the table.
public enum I2CScan {
  /// The addresses i2cdetect scans by default (0x03..0x77 minus the reserved ones it
  /// also skips: it starts at 0x08).
  public static let defaultRange: ClosedRange<UInt8> = 0x08...0x77

  /// i2cdetect's auto mode: receive byte for 0x30-0x37 and 0x50-0x5F (EEPROMs, some
  /// of which a quick write corrupts), quick write elsewhere. Nil when the adapter lacks
  /// that method (i2cdetect then skips the address too).
  public static func method(for address: UInt8, capabilities: I2CCapabilities) -> I2CProbeMethod? {
    let eepromRange = (0x30...0x37).contains(address) || (0x50...0x5F).contains(address)
    if eepromRange { return capabilities.contains(.smbusByte) ? .readByte : nil }
    return capabilities.contains(.smbusQuick) ? .quickWrite : nil
  }

  /// Formats results as i2cdetect does: a 16-column grid, `--` absent, the address in
  /// hex when present, `UU` claimed, blank when not probed or outside the range.
  public static func table(_ results: [UInt8: I2CScanResult]) -> String {
    var lines = ["     0  1  2  3  4  5  6  7  8  9  a  b  c  d  e  f"]
    for row in stride(from: 0, to: 0x80, by: 0x10) {
      var line = String(hex(UInt8(row)).dropFirst(2)) + ":"
      for column in 0..<16 {
        let address = UInt8(row + column)
        let cell: String
        switch results[address] {
        case .present: cell = String(hex(address).dropFirst(2))
        case .absent: cell = "--"
        case .claimed: cell = "UU"
        case .failed: cell = "XX"
        case .skipped, nil: cell = "  "
        }
        line += " " + cell
      }
      lines.append(line)
    }
    return lines.joined(separator: "\n")
  }
}

#if canImport(Glibc)
  extension I2CScan {
    /// Scans `range` on `bus`, one probe per address, no retries.
    public static func scan(_ bus: LinuxI2CBus, range: ClosedRange<UInt8> = defaultRange) -> [UInt8: I2CScanResult] {
      var results: [UInt8: I2CScanResult] = [:]
      for address in range {
        guard let method = method(for: address, capabilities: bus.capabilities) else {
          results[address] = .skipped
          continue
        }
        do {
          results[address] = try bus.probe(address: address, readByte: method == .readByte) ? .present : .absent
        } catch {
          results[address] = error.kind == .busBusy ? .claimed : .failed(error)
        }
      }
      return results
    }
  }
#endif
