import HAL

/// A device model that answers on a ``SimulatedI2CBus``.
///
/// The bus hands each transaction to the model at its address as one call, the way the
/// wire carries it: the written bytes, then (after a repeated start) the bytes to
/// read. Models keep real register state; the chip emulators (in the `Emulators`
/// target) implement this protocol beside their drivers.
public protocol SimulatedI2CDevice: AnyObject {
  /// Handles one transaction. Throw `I2CError` with kind `.nack(.data)` to refuse a
  /// byte; the bus fills in its name and the address.
  func transfer(write: UnsafeRawBufferPointer, read: UnsafeMutableRawBufferPointer) throws(I2CError)

  /// Why the device cannot sit at `address` (its address pins cannot select it, or the
  /// I2C specification reserves it), or nil when it can. ``SimulatedI2CBus/attach(_:at:)``
  /// refuses a placement with a problem. Default: any address.
  func placementProblem(at address: UInt8) -> String?

  /// Whether the device may acknowledge addresses besides its own (group addresses such
  /// as the PCA9685's LED All Call). The bus asks ``answersGroupAddress(_:)`` only of
  /// devices that say yes. Default: false.
  var hasGroupAddresses: Bool { get }

  /// Whether the device acknowledges `address` now, as a group address. Default: false.
  func answersGroupAddress(_ address: UInt8) -> Bool
}

extension SimulatedI2CDevice {
  public func placementProblem(at address: UInt8) -> String? { nil }
  public var hasGroupAddresses: Bool { false }
  public func answersGroupAddress(_ address: UInt8) -> Bool { false }
}

/// A byte-register device with an auto-incrementing register pointer: the common I2C
/// sensor shape (first written byte selects the register, later bytes write from
/// there, reads continue from the pointer). Subclasses hook writes per byte
/// (``writeRegister(_:_:)``) and reads per transaction (``readRegisters(from:into:)``).
open class RegisterFileDevice: SimulatedI2CDevice {
  /// The 256 registers.
  public var registers: [UInt8]
  /// Register pointer, as the chip keeps it between transactions.
  public private(set) var pointer: UInt8 = 0
  /// Registers that ignore writes (chip id, calibration, data).
  public var readOnly: Set<UInt8> = []

  public init(registers: [UInt8] = [UInt8](repeating: 0, count: 256)) {
    var regs = registers
    if regs.count < 256 { regs += [UInt8](repeating: 0, count: 256 - regs.count) }
    self.registers = Array(regs.prefix(256))
  }

  open func transfer(write: UnsafeRawBufferPointer, read: UnsafeMutableRawBufferPointer) throws(I2CError) {
    if let first = write.first {
      pointer = first
      for byte in write.dropFirst() {
        try writeRegister(pointer, byte)
        pointer &+= 1
      }
    }
    guard !read.isEmpty else { return }
    let start = pointer
    // The pointer wraps after 0xFF, as it does per byte.
    pointer = start &+ UInt8(truncatingIfNeeded: read.count)
    try readRegisters(from: start, into: read)
  }

  /// Any address by default; chip models override with their pins' rule (declared here
  /// so that subclasses' overrides are what the bus calls).
  open func placementProblem(at address: UInt8) -> String? { nil }
  /// No group addresses by default.
  open var hasGroupAddresses: Bool { false }
  open func answersGroupAddress(_ address: UInt8) -> Bool { false }

  /// Called for each written register byte. Default: store unless read-only.
  open func writeRegister(_ register: UInt8, _ value: UInt8) throws(I2CError) {
    if !readOnly.contains(register) { registers[Int(register)] = value }
  }

  /// Called once per read phase: fills `buffer` with the registers from `start` on,
  /// wrapping after 0xFF (the auto-increment). Default: the stored values, copied in
  /// one access to ``registers`` (a 10-byte sample read is one exclusivity check, not
  /// ten: the simulation's hot path).
  open func readRegisters(from start: UInt8, into buffer: UnsafeMutableRawBufferPointer) throws(I2CError) {
    registers.withUnsafeBufferPointer { stored in
      var register = start
      for index in 0..<buffer.count {
        buffer[index] = stored[Int(register)]
        register &+= 1
      }
    }
  }

  /// Loads consecutive registers from `start` (test set-up; ignores read-only).
  public func load(_ bytes: [UInt8], at start: UInt8) {
    for (offset, byte) in bytes.enumerated() where Int(start) + offset < 256 {
      registers[Int(start) + offset] = byte
    }
  }
}
