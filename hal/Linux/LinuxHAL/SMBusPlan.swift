import HAL

/// One SMBus transfer, with its data located in the caller's write/read buffers.
public enum SMBusOperation: Hashable, Sendable {
  /// Quick command, write direction (a zero-length probe).
  case quickWrite
  /// Receive byte into `read[readOffset]`.
  case receiveByte(readOffset: Int)
  /// Send byte `command`.
  case sendByte(command: UInt8)
  /// Write byte data: `value` to `command`.
  case writeByteData(command: UInt8, value: UInt8)
  /// Read byte data from `command` into `read[readOffset]`.
  case readByteData(command: UInt8, readOffset: Int)
  /// Read word data from `command` into `read[readOffset...readOffset+1]` (wire order).
  case readWordData(command: UInt8, readOffset: Int)
  /// I2C block read of `count` bytes from `command` into `read[readOffset...]`.
  case readI2CBlock(command: UInt8, readOffset: Int, count: Int)
  /// I2C block write of `write[writeOffset..<writeOffset+count]` after `command`.
  case writeI2CBlock(command: UInt8, writeOffset: Int, count: Int)
}

/// Why a transaction shape has no SMBus equivalent on an adapter.
public struct SMBusUnsupported: Error, Hashable, Sendable {
  public var reason: String
  public init(_ reason: String) { self.reason = reason }
}

/// The SMBus transfers that carry out one ``I2CBus/writeRead(address:write:read:)``
/// on an SMBus-only adapter. A value type with no storage beyond a few integers, so
/// planning a transaction allocates nothing; ``operation(at:)`` yields the steps.
public struct SMBusPlan: Hashable, Sendable {
  enum Shape: Hashable, Sendable {
    case single(SMBusOperation)
    /// Consecutive I2C block reads of at most 32 bytes, the command advancing with the offset.
    case blockReads(start: UInt8, total: Int)
    /// Consecutive byte-data reads (adapter without I2C block support).
    case byteReads(start: UInt8, total: Int)
  }

  let shape: Shape

  /// How many SMBus transfers the plan takes.
  public var operationCount: Int {
    switch shape {
    case .single: return 1
    case .blockReads(_, let total): return (total + I2CCapabilities.smbusBlockMax - 1) / I2CCapabilities.smbusBlockMax
    case .byteReads(_, let total): return total
    }
  }

  /// The `index`-th transfer (0 ..< operationCount).
  public func operation(at index: Int) -> SMBusOperation {
    switch shape {
    case .single(let op):
      return op
    case .blockReads(let start, let total):
      let offset = index * I2CCapabilities.smbusBlockMax
      let count = min(I2CCapabilities.smbusBlockMax, total - offset)
      return .readI2CBlock(command: start &+ UInt8(truncatingIfNeeded: offset), readOffset: offset, count: count)
    case .byteReads(let start, _):
      return .readByteData(command: start &+ UInt8(truncatingIfNeeded: index), readOffset: index)
    }
  }

  /// All the transfers, in order (allocates; for tests and tools).
  public var operations: [SMBusOperation] { (0..<operationCount).map { operation(at: $0) } }

  /// Plans `write` then `read.count` bytes for an adapter with `capabilities`.
  ///
  /// The first written byte is the SMBus command (register). Reads longer than 32
  /// bytes are split with the command advanced by the offset, which is correct for
  /// auto-incrementing register maps (every chip Cloak drives) and is why a read may
  /// not run past register 0xFF.
  public static func plan(
    writeCount: Int, firstByte: UInt8, secondByte: UInt8, readCount: Int,
    capabilities caps: I2CCapabilities
  ) throws(SMBusUnsupported) -> SMBusPlan {
    let blockMax = I2CCapabilities.smbusBlockMax
    switch (writeCount, readCount) {
    case (0, 0):
      guard caps.contains(.smbusQuick) else { throw SMBusUnsupported("zero-length probe needs SMBus quick") }
      return SMBusPlan(shape: .single(.quickWrite))
    case (0, 1):
      guard caps.contains(.smbusByte) else { throw SMBusUnsupported("1-byte read needs SMBus receive byte") }
      return SMBusPlan(shape: .single(.receiveByte(readOffset: 0)))
    case (0, _):
      throw SMBusUnsupported("a read of \(readCount) bytes without a register byte has no SMBus form")
    case (1, 0):
      guard caps.contains(.smbusByte) else { throw SMBusUnsupported("1-byte write needs SMBus send byte") }
      return SMBusPlan(shape: .single(.sendByte(command: firstByte)))
    case (2, 0):
      if caps.contains(.smbusByteData) {
        return SMBusPlan(shape: .single(.writeByteData(command: firstByte, value: secondByte)))
      }
      guard caps.contains(.smbusI2CBlock) else { throw SMBusUnsupported("2-byte write needs SMBus byte data") }
      return SMBusPlan(shape: .single(.writeI2CBlock(command: firstByte, writeOffset: 1, count: 1)))
    case (let w, 0):
      guard w - 1 <= blockMax else {
        throw SMBusUnsupported("a write of \(w) bytes exceeds one SMBus block (1 + \(blockMax))")
      }
      guard caps.contains(.smbusI2CBlock) else { throw SMBusUnsupported("\(w)-byte write needs SMBus I2C block") }
      return SMBusPlan(shape: .single(.writeI2CBlock(command: firstByte, writeOffset: 1, count: w - 1)))
    case (1, let r):
      guard Int(firstByte) + r - 1 <= 0xFF else {
        throw SMBusUnsupported("a \(r)-byte read from register \(hex(firstByte)) runs past register 0xff")
      }
      if r == 1 {
        if caps.contains(.smbusByteData) {
          return SMBusPlan(shape: .single(.readByteData(command: firstByte, readOffset: 0)))
        }
        guard caps.contains(.smbusI2CBlock) else { throw SMBusUnsupported("register read needs SMBus byte data") }
        return SMBusPlan(shape: .single(.readI2CBlock(command: firstByte, readOffset: 0, count: 1)))
      }
      if caps.contains(.smbusI2CBlock) {
        if r <= blockMax {
          return SMBusPlan(shape: .single(.readI2CBlock(command: firstByte, readOffset: 0, count: r)))
        }
        return SMBusPlan(shape: .blockReads(start: firstByte, total: r))
      }
      if r == 2 && caps.contains(.smbusWordData) {
        return SMBusPlan(shape: .single(.readWordData(command: firstByte, readOffset: 0)))
      }
      guard caps.contains(.smbusByteData) else {
        throw SMBusUnsupported("burst read needs SMBus I2C block or byte data")
      }
      return SMBusPlan(shape: .byteReads(start: firstByte, total: r))
    default:
      throw SMBusUnsupported(
        "writing \(writeCount) bytes then reading \(readCount) has no SMBus form (only a 1-byte register then a read)")
    }
  }

  /// Plans a transaction given as arrays (convenience for tests and tools).
  public static func plan(write: [UInt8], readCount: Int, capabilities: I2CCapabilities)
    throws(SMBusUnsupported) -> SMBusPlan
  {
    try plan(
      writeCount: write.count, firstByte: write.first ?? 0, secondByte: write.count > 1 ? write[1] : 0,
      readCount: readCount, capabilities: capabilities)
  }
}
