import HAL

/// An I2C bus double that answers from a ``TransactionScript``.
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
