import HAL
import Synchronization

/// Serialises every transaction on `base` with a lock, so rate groups on several threads
/// can share a simulated bus the way they share a real one (the Linux backend serialises
/// its buses the same way). The mock HAL itself is single-threaded (decision 0100).
public final class SerializedI2CBus: I2CBus, @unchecked Sendable {
  public let base: any I2CBus
  private let lock = Mutex(())

  public init(_ base: any I2CBus) { self.base = base }

  public var name: String { base.name }
  public var capabilities: I2CCapabilities { base.capabilities }

  public func writeRead(
    address: UInt8, write: UnsafeRawBufferPointer, read: UnsafeMutableRawBufferPointer
  ) throws(I2CError) {
    try lock.withLock { (_) throws(I2CError) in
      try base.writeRead(address: address, write: write, read: read)
    }
  }
}
