/// An I2C failure, naming the bus and (where known) the device address.
///
/// The Linux errno mapping follows the kernel's `Documentation/i2c/fault-codes.rst`;
/// the table is in `hal/Linux/README.md`.
public struct I2CError: Error, Hashable, Sendable, CustomStringConvertible {
  /// Which part of the transfer was not acknowledged.
  public enum NackPhase: String, Hashable, Sendable {
    /// The address byte (nothing answers at that address).
    case address
    /// A data byte (the device refused or is busy).
    case data
    /// The adapter cannot tell (most Linux adapters report every NACK alike).
    case unknown
  }

  public enum Kind: Hashable, Sendable {
    case nack(NackPhase)
    /// The bus stayed busy too long (transient).
    case busBusy
    /// Another master won arbitration (transient).
    case arbitrationLost
    /// The transfer took too long (transient).
    case timeout
    /// The process may not open the bus device; `detail` says what grants access.
    case permissionDenied
    /// The bus device does not exist (or no device answers where one must).
    case notFound
    /// The adapter cannot do this transfer shape.
    case unsupported
    /// Protocol error (bad PEC, malformed reply).
    case protocolError
    /// Any other errno from the kernel.
    case io(errno: Int32)
  }

  public var kind: Kind
  public var bus: String
  public var address: UInt8?
  public var detail: String

  public init(_ kind: Kind, bus: String, address: UInt8? = nil, detail: String = "") {
    self.kind = kind
    self.bus = bus
    self.address = address
    self.detail = detail
  }

  /// Whether retrying the same transaction may succeed.
  public var isTransient: Bool {
    switch kind {
    case .busBusy, .arbitrationLost, .timeout: return true
    case .nack(.data), .nack(.unknown): return true
    default: return false
    }
  }

  public var description: String {
    let what: String
    switch kind {
    case .nack(let phase): what = "no acknowledge (\(phase.rawValue) phase)"
    case .busBusy: what = "bus busy"
    case .arbitrationLost: what = "arbitration lost"
    case .timeout: what = "timed out"
    case .permissionDenied: what = "permission denied"
    case .notFound: what = "not found"
    case .unsupported: what = "transfer not supported by the adapter"
    case .protocolError: what = "protocol error"
    case .io(let errno): what = "I/O error (errno \(errno))"
    }
    let target = address.map { " address \(hex($0))" } ?? ""
    let suffix = detail.isEmpty ? "" : ": \(detail)"
    return "i2c \(bus)\(target): \(what)\(suffix)"
  }
}

/// `0x76`-style formatting for addresses and registers.
public func hex(_ value: UInt8) -> String {
  let digits = String(value, radix: 16)
  return "0x" + (digits.count < 2 ? "0" + digits : digits)
}
