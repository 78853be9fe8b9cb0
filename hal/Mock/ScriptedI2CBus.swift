import HAL

/// An I2C bus double that answers from a ``TransactionScript``.
///
/// Each `writeRead` consumes the script's next expectation: an ``ExpectedInteraction/i2c(bus:address:write:read:)``
/// fills the read buffer; an ``ExpectedInteraction/i2cFailure(bus:address:write:readCount:error:)``
/// throws that error kind. A transaction that is not the next expectation is recorded as a
/// script failure and throws `.protocolError`. Shapes the ``capabilities`` cannot carry
/// throw `.unsupported` without consuming anything, as the real adapter would.
public final class ScriptedI2CBus: I2CBus, @unchecked Sendable {
  public let name: String
  public var capabilities: I2CCapabilities
  private let script: TransactionScript

  public init(name: String = "scripted-i2c", script: TransactionScript, capabilities: I2CCapabilities = .full) {
    self.name = name
    self.script = script
    self.capabilities = capabilities
  }

  public func writeRead(
    address: UInt8, write: UnsafeRawBufferPointer, read: UnsafeMutableRawBufferPointer
  ) throws(I2CError) {
    guard I2CTransferShape.isSupported(write: write.count, read: read.count, by: capabilities) else {
      throw I2CTransferShape.unsupported(write: write.count, read: read.count, bus: name, address: address)
    }
    let actual = Interaction.i2c(bus: name, address: address, write: Array(write), readCount: read.count)
    switch script.consume(actual, from: name) {
    case .i2c(_, _, _, let bytes)?:
      for (index, byte) in bytes.enumerated() where index < read.count { read[index] = byte }
    case .i2cFailure(_, _, _, _, let kind)?:
      throw I2CError(kind, bus: name, address: address, detail: "scripted failure")
    default:
      throw I2CError(.protocolError, bus: name, address: address, detail: "not in the script: \(actual)")
    }
  }
}
