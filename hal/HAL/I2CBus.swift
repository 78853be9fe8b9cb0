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

  /// Burst-reads `buffer.count` consecutive registers from `start` into `buffer`
  /// (auto-increment): exactly ``writeRead(address:write:read:)`` with the one byte
  /// `start` written and `buffer` read (START, addr+W, start, Sr, addr+R, n bytes, STOP),
  /// with its errors. The drivers' steady-state read; a requirement so a backend can give
  /// it a path of its own (the Linux backend's SMBus register burst, decision 0428). The
  /// default (I2CRegisters.swift) calls `writeRead`.
  func readRegisters(address: UInt8, start: UInt8, into buffer: UnsafeMutableRawBufferPointer) throws(I2CError)

  /// Holds the bus for the whole of `body`: no transaction of another thread, or (on
  /// Linux) of another process, runs on this bus until `body` returns.
  ///
  /// `body` gets a session: an ``I2CBus`` whose transactions take no lock (on Linux a
  /// plain ioctl each), valid only until `body` returns. Calls on the bus itself from
  /// the same thread inside `body` also skip the lock, so a driver that stores the bus
  /// works unchanged inside a session; nested calls run `body` at once. Use it for a
  /// group of transactions that belong together (a sensors cycle's starts or collects,
  /// a driver's start and collect) and keep `body` short: every other user of the bus
  /// waits for it. Each transaction is still retried per the backend's policy.
  ///
  /// A session must not escape `body` or be handed to another thread. The Linux backend
  /// refuses a transaction through a kept session with `.unsupported` once `body` has
  /// returned, but cannot tell it apart while another session of the bus is open (the
  /// session object is made once per bus, to allocate nothing). If the bus cannot be
  /// locked, every transaction in the session throws that failure.
  ///
  /// The default runs `body` on the bus itself, for buses whose transactions are
  /// already one at a time and private to the process (the mock HAL).
  func withExclusiveAccess<R, E: Error>(_ body: (any I2CBus) throws(E) -> R) throws(E) -> R
}

extension I2CBus {
  /// Runs `body` on the bus itself (see the requirement).
  public func withExclusiveAccess<R, E: Error>(_ body: (any I2CBus) throws(E) -> R) throws(E) -> R {
    try body(self)
  }
}
