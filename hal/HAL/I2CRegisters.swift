/// Register-level helpers for byte-register devices, built on
/// ``I2CBus/writeRead(address:write:read:)``. None of them allocates except
/// ``I2CBus/writeRegisters(address:start:bytes:)`` and ``I2CBus/transfer(address:write:read:)``,
/// which build arrays (configuration and tools, not the sampling path).
extension I2CBus {
  /// Writes `value` to `register`: START, addr+W, register, value, STOP.
  @inlinable @inline(__always)
  public func writeRegister(address: UInt8, register: UInt8, value: UInt8) throws(I2CError) {
    var frame: (UInt8, UInt8) = (register, value)
    try withUnsafeBytes(of: &frame) { (bytes) throws(I2CError) in
      try writeRead(address: address, write: bytes, read: UnsafeMutableRawBufferPointer(start: nil, count: 0))
    }
  }

  /// Sends one command byte with no data: START, addr+W, command, STOP.
  public func writeCommand(address: UInt8, command: UInt8) throws(I2CError) {
    var byte = command
    try withUnsafeBytes(of: &byte) { (bytes) throws(I2CError) in
      try writeRead(address: address, write: bytes, read: UnsafeMutableRawBufferPointer(start: nil, count: 0))
    }
  }

  /// Reads one register: START, addr+W, register, Sr, addr+R, 1 byte, STOP.
  @inlinable @inline(__always)
  public func readRegister(address: UInt8, register: UInt8) throws(I2CError) -> UInt8 {
    var reg = register
    var value: UInt8 = 0
    try withUnsafeBytes(of: &reg) { (w) throws(I2CError) in
      try withUnsafeMutableBytes(of: &value) { (r) throws(I2CError) in
        try writeRead(address: address, write: w, read: r)
      }
    }
    return value
  }

  /// Burst-reads `buffer.count` consecutive registers from `start` into `buffer`
  /// (auto-increment): START, addr+W, start, Sr, addr+R, n bytes, STOP. The default of
  /// the requirement: one ``writeRead(address:write:read:)``.
  @inlinable @inline(__always)
  public func readRegisters(
    address: UInt8, start: UInt8, into buffer: UnsafeMutableRawBufferPointer
  ) throws(I2CError) {
    var reg = start
    try withUnsafeBytes(of: &reg) { (w) throws(I2CError) in
      try writeRead(address: address, write: w, read: buffer)
    }
  }

  /// Burst-reads into a caller-owned array, filling all of it. Does not allocate when
  /// the array is uniquely referenced.
  public func readRegisters(address: UInt8, start: UInt8, into buffer: inout [UInt8]) throws(I2CError) {
    let outcome: Result<Void, I2CError> = buffer.withUnsafeMutableBytes { r in
      do throws(I2CError) {
        return .success(try readRegisters(address: address, start: start, into: r))
      } catch { return .failure(error) }
    }
    try outcome.get()
  }

  /// Writes `bytes` to consecutive registers from `start` in one transaction
  /// (allocates the frame: START, addr+W, start, bytes..., STOP).
  public func writeRegisters(address: UInt8, start: UInt8, bytes: [UInt8]) throws(I2CError) {
    var frame = [UInt8]()
    frame.reserveCapacity(bytes.count + 1)
    frame.append(start)
    frame.append(contentsOf: bytes)
    try withTypedBytes(frame) { (w) throws(I2CError) in
      try writeRead(address: address, write: w, read: UnsafeMutableRawBufferPointer(start: nil, count: 0))
    }
  }

  /// Writes raw bytes and reads `read.count` bytes into an array (convenience for
  /// tools and tests; allocates the write array).
  public func transfer(address: UInt8, write: [UInt8], read count: Int) throws(I2CError) -> [UInt8] {
    var result = [UInt8](repeating: 0, count: max(0, count))
    try withTypedBytes(write) { (w) throws(I2CError) in
      let outcome: Result<Void, I2CError> = result.withUnsafeMutableBytes { r in
        do throws(I2CError) {
          return .success(try writeRead(address: address, write: w, read: r))
        } catch { return .failure(error) }
      }
      try outcome.get()
    }
    return result
  }
}

/// `Array.withUnsafeBytes` with a typed error (the standard library's is `rethrows`,
/// which erases the error type).
@inline(__always)
func withTypedBytes<R>(
  _ array: [UInt8], _ body: (UnsafeRawBufferPointer) throws(I2CError) -> R
) throws(I2CError) -> R {
  let outcome: Result<R, I2CError> = array.withUnsafeBytes { bytes in
    do throws(I2CError) { return .success(try body(bytes)) } catch { return .failure(error) }
  }
  return try outcome.get()
}
