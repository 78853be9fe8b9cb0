import HAL

/// A sensor driver failure, naming the chip and where it sits (bus and address).
public struct SensorError: Error, Hashable, Sendable, CustomStringConvertible {
  public enum Kind: Hashable, Sendable {
    /// The bus transaction failed.
    case bus(I2CError)
    /// The chip-id register holds something other than the expected chip.
    case wrongChip(found: UInt8)
    /// The chip did not finish its start-up (NVM copy or PROM load) in time.
    case notReady
    /// The calibration would overflow the compensation formulas or make them divide
    /// by zero or return 0; `detail` names the coefficient or formula step.
    case calibration
    /// The PROM's CRC-4 does not match its contents (MS5611).
    case crcMismatch(stored: UInt8, computed: UInt8)
    /// A raw value outside what the chip can report, or the "skipped" marker while the
    /// channel is enabled.
    case invalidRawValue
    /// The chip lost its configuration (reset itself); the driver re-initialises on
    /// the next ``startMeasurement`` call.
    case deviceReset
    /// A conversion that should have ended had not (the chip is stuck or was reset).
    case conversionIncomplete
    /// The driver was used before initialisation or with a bad setting.
    case invalidState
  }

  public var kind: Kind
  /// `bmp280@/dev/i2c-1:0x76`-style location.
  public var device: String
  public var detail: String

  public init(_ kind: Kind, device: String, detail: String = "") {
    self.kind = kind
    self.device = device
    self.detail = detail
  }

  public var description: String {
    let what: String
    switch kind {
    case .bus(let error): what = "bus error: \(error)"
    case .wrongChip(let found): what = "unexpected chip id \(hex(found))"
    case .notReady: what = "chip not ready after start-up"
    case .calibration: what = "invalid calibration"
    case .crcMismatch(let stored, let computed): what = "PROM CRC mismatch (stored \(stored), computed \(computed))"
    case .invalidRawValue: what = "invalid raw value"
    case .deviceReset: what = "device reset itself; re-initialising"
    case .conversionIncomplete: what = "conversion did not complete"
    case .invalidState: what = "invalid driver state"
    }
    let suffix = detail.isEmpty ? "" : ": \(detail)"
    return "\(device): \(what)\(suffix)"
  }
}

/// Formats a device location for errors: `bmp280@sim-i2c:0x76`.
public func deviceLabel(_ chip: String, bus: String, address: UInt8) -> String {
  "\(chip)@\(bus):\(hex(address))"
}
