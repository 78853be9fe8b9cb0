/// One I2C bus (adapter), shared by every driver on it.
///
/// A bus performs one transaction at a time: implementations serialise callers, so
/// drivers on the same bus may share it. Buffers are caller-owned, so a steady-state
/// read allocates nothing.
public protocol I2CBus: AnyObject {
  /// A name for errors and logs: the device path (`/dev/i2c-1`) or the simulated
  /// bus's name.
  var name: String { get }

  /// What transfers the adapter can do. The Linux backend reads `I2C_FUNCS` once and
  /// picks the transfer path from this set; drivers need not care.
  var capabilities: I2CCapabilities { get }

  /// One transaction with the 7-bit `address`.
  ///
  /// On the wire (plain I2C): START, address+W, the bytes of `write`, then, if `read`
  /// is not empty, a repeated START, address+R, `read.count` bytes (ACK on all but the
  /// last, NACK on the last), STOP. An empty `write` is a read-only transaction; an
  /// empty `read` is a write-only one. Both empty is a zero-length probe, which some
  /// adapters cannot do (`.unsupported`).
  ///
  /// On an SMBus-only adapter the backend maps the transaction to SMBus transfers
  /// (write byte, write byte data, I2C block write/read with the first written byte
  /// as command, split at 32 bytes); a shape with no SMBus equivalent throws
  /// `.unsupported`.
  ///
  /// Errors: `.nack` when the device did not acknowledge (most Linux adapters cannot
  /// tell the address phase from the data phase and report `.unknown`); `.busBusy`,
  /// `.arbitrationLost` and `.timeout` are transient and may be retried; `.notFound`,
  /// `.permissionDenied` and `.unsupported` are not. `read` is undefined after an error.
  func writeRead(
    address: UInt8, write: UnsafeRawBufferPointer, read: UnsafeMutableRawBufferPointer
  ) throws(I2CError)
}
