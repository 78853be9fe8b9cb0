import HAL

/// A simulated I2C bus that routes each transaction by address to a device model.
///
/// A device is attached only where it can sit (``SimulatedI2CDevice/placementProblem(at:)``:
/// chip emulators enforce their address pins). Devices that acknowledge group addresses
/// (a PCA9685's All Call) take part in transactions there too: a write reaches every
/// device that acknowledges the address, a read returns the wired AND of their answers.
///
/// Deterministic and allocation-free per transaction when ``recordsTransactions`` is
/// off (after the first read from each address). Faults can be injected per address
/// (see ``I2CFault``); ``detach(address:)`` makes a device disappear (address NACK).
/// Transaction shapes the ``capabilities`` cannot carry throw `.unsupported` before
/// any fault or device is consulted, as the Linux backend does on an SMBus-only
/// adapter. Confined to one thread, like the rest of the mock HAL (decision 0100).
public final class SimulatedI2CBus: I2CBus, @unchecked Sendable {
  public let name: String
  public var capabilities: I2CCapabilities
  /// The device at each 8-bit address value (index = address; an array, not a
  /// dictionary: one bounds-checked load per transaction, no hashing).
  private var devices = [(any SimulatedI2CDevice)?](repeating: nil, count: 256)
  /// Devices that may answer group addresses, with their own address.
  private var groupDevices: [(address: UInt8, device: any SimulatedI2CDevice)] = []
  private var faults: [UInt8: [ScheduledFault]] = [:]
  /// Each address's last non-empty read (index = address), for `.stuck`.
  private var lastRead = [[UInt8]](repeating: [], count: 256)

  /// One completed (or failed) transaction, for assertions.
  public struct Record: Equatable, Sendable {
    public var address: UInt8
    public var written: [UInt8]
    public var read: [UInt8]
    public var error: I2CError.Kind?

    public init(address: UInt8, written: [UInt8], read: [UInt8], error: I2CError.Kind?) {
      self.address = address
      self.written = written
      self.read = read
      self.error = error
    }
  }

  /// Whether to keep a log of transactions (allocates; off for benchmarks).
  public var recordsTransactions = true
  public private(set) var log: [Record] = []
  /// Whether NACKs say which phase failed. Set to `false` to behave like the Raspberry
  /// Pi's and BeagleBone's adapters, which report every NACK as `.unknown` (EREMOTEIO).
  public var reportsNackPhase = true
  /// Number of transactions attempted, including failed ones.
  public private(set) var transactionCount = 0

  /// When set, every transaction advances this clock by its time on the wire (see
  /// ``I2CBusTiming``); nil (the default): transactions take no virtual time.
  public var timing: I2CBusTiming?

  public init(name: String = "sim-i2c", capabilities: I2CCapabilities = .full) {
    self.name = name
    self.capabilities = capabilities
  }

  /// Connects `device` at `address` (replacing any device there). Throws `.unsupported`
  /// when the device's address pins cannot select `address`
  /// (``SimulatedI2CDevice/placementProblem(at:)``): a chip emulator sits only where the
  /// real chip can.
  public func attach(_ device: any SimulatedI2CDevice, at address: UInt8) throws(I2CError) {
    if let problem = device.placementProblem(at: address) {
      throw I2CError(.unsupported, bus: name, address: address, detail: "cannot place the device here: \(problem)")
    }
    devices[Int(address)] = device
    groupDevices.removeAll { $0.address == address }
    if device.hasGroupAddresses { groupDevices.append((address, device)) }
  }

  /// Disconnects the device at `address`: it stops answering (address NACK).
  public func detach(address: UInt8) {
    devices[Int(address)] = nil
    groupDevices.removeAll { $0.address == address }
  }

  /// The attached devices that acknowledge `address` now as a group address (a
  /// PCA9685's LED All Call, for instance), by their own address, ascending.
  public func groupResponders(at address: UInt8) -> [UInt8] {
    groupDevices.filter { $0.address != address && $0.device.answersGroupAddress(address) }.map(\.address).sorted()
  }

  public func device(at address: UInt8) -> (any SimulatedI2CDevice)? { devices[Int(address)] }

  /// Addresses with a device attached, ascending.
  public var attachedAddresses: [UInt8] { devices.indices.filter { devices[$0] != nil }.map { UInt8($0) } }

  /// Injects `fault` for transactions to `address`: the next `count` transactions, or
  /// every one until ``clearFaults(address:)`` when `count` is nil.
  /// A count of zero or below injects nothing. Faults for one address apply in the
  /// order they were injected.
  public func inject(_ fault: I2CFault, address: UInt8, count: Int? = 1) {
    if let count, count <= 0 { return }
    faults[address, default: []].append(ScheduledFault(fault: fault, remaining: count))
  }

  public func clearFaults(address: UInt8? = nil) {
    if let address { faults[address] = nil } else { faults.removeAll() }
  }

  public func clearLog() { log.removeAll(keepingCapacity: true) }

  public func writeRead(
    address: UInt8, write: UnsafeRawBufferPointer, read: UnsafeMutableRawBufferPointer
  ) throws(I2CError) {
    transactionCount &+= 1
    do {
      try checkShape(address: address, write: write, read: read)
    } catch {
      // Refused by the adapter before anything went on the wire: no bus time.
      if recordsTransactions {
        log.append(Record(address: address, written: Array(write), read: [], error: error.kind))
      }
      throw error
    }
    let fault = takeFault(address: address)
    do {
      try perform(address: address, fault: fault, write: write, read: read)
      if recordsTransactions {
        log.append(Record(address: address, written: Array(write), read: Array(read), error: nil))
      }
      timing?.spend(.transaction(write: write.count, read: read.count))
    } catch {
      if recordsTransactions {
        log.append(Record(address: address, written: Array(write), read: [], error: error.kind))
      }
      timing?.spend(error.kind == .timeout ? .timeout : .addressPhase)
      throw error
    }
  }

  private func checkShape(
    address: UInt8, write: UnsafeRawBufferPointer, read: UnsafeMutableRawBufferPointer
  ) throws(I2CError) {
    guard I2CTransferShape.isSupported(write: write.count, read: read.count, by: capabilities) else {
      throw I2CTransferShape.unsupported(write: write.count, read: read.count, bus: name, address: address)
    }
  }

  private func takeFault(address: UInt8) -> I2CFault? {
    guard !faults.isEmpty, var list = faults[address], !list.isEmpty else { return nil }
    let fault = list[0].fault
    if let remaining = list[0].remaining {
      if remaining <= 1 { list.removeFirst() } else { list[0].remaining = remaining - 1 }
      faults[address] = list.isEmpty ? nil : list
    }
    return fault
  }

  private func perform(
    address: UInt8, fault: I2CFault?, write: UnsafeRawBufferPointer, read: UnsafeMutableRawBufferPointer
  ) throws(I2CError) {
    switch fault {
    case .nack(let phase)?: throw I2CError(.nack(reported(phase)), bus: name, address: address)
    case .timeout?: throw I2CError(.timeout, bus: name, address: address)
    case .busBusy?: throw I2CError(.busBusy, bus: name, address: address)
    case .arbitrationLost?: throw I2CError(.arbitrationLost, bus: name, address: address)
    case .stuck?:
      // The device returns the bytes of its previous read again, whatever was asked.
      let previous = lastRead[Int(address)]
      for index in 0..<read.count { read[index] = index < previous.count ? previous[index] : 0xFF }
      return
    default: break
    }
    let own = devices[Int(address)]
    var grouped = false
    if !groupDevices.isEmpty {
      for entry in groupDevices where entry.address != address && entry.device.answersGroupAddress(address) {
        grouped = true
        break
      }
    }
    if grouped {
      try performOnGroup(address: address, own: own, write: write, read: read)
    } else {
      guard let device = own else {
        throw I2CError(.nack(reported(.address)), bus: name, address: address, detail: "no device at this address")
      }
      try deliver(to: device, address: address, write: write, read: read)
    }
    if case .corrupt(let index, let mask)? = fault, (0..<read.count).contains(index) {
      read[index] ^= mask
    }
    // Kept for `.stuck` (write-only transactions leave it alone), reusing the stored
    // array so steady-state reads do not allocate.
    guard !read.isEmpty else { return }
    lastRead[Int(address)].removeAll(keepingCapacity: true)
    lastRead[Int(address)].append(contentsOf: read)
  }

  /// Several devices acknowledge `address` (a group address): each receives the write,
  /// and a read returns the wired AND of their answers, as open-drain SDA does when
  /// several devices drive it at once.
  private func performOnGroup(
    address: UInt8, own: (any SimulatedI2CDevice)?, write: UnsafeRawBufferPointer,
    read: UnsafeMutableRawBufferPointer
  ) throws(I2CError) {
    var responders: [any SimulatedI2CDevice] = own.map { [$0] } ?? []
    for entry in groupDevices where entry.address != address && entry.device.answersGroupAddress(address) {
      responders.append(entry.device)
    }
    for index in 0..<read.count { read[index] = 0xFF }
    let answer = UnsafeMutableRawBufferPointer.allocate(byteCount: read.count, alignment: 1)
    defer { answer.deallocate() }
    for device in responders {
      try deliver(to: device, address: address, write: write, read: answer)
      for index in 0..<read.count { read[index] &= answer[index] }
    }
  }

  private func deliver(
    to device: any SimulatedI2CDevice, address: UInt8, write: UnsafeRawBufferPointer,
    read: UnsafeMutableRawBufferPointer
  ) throws(I2CError) {
    do {
      try device.transfer(write: write, read: read)
    } catch {
      var kind = error.kind
      if case .nack(let phase) = kind { kind = .nack(reported(phase)) }
      throw I2CError(kind, bus: name, address: address, detail: error.detail)
    }
  }

  /// The NACK phase as this adapter reports it.
  private func reported(_ phase: I2CError.NackPhase) -> I2CError.NackPhase {
    reportsNackPhase ? phase : .unknown
  }

  private struct ScheduledFault {
    var fault: I2CFault
    var remaining: Int?
  }
}

/// A fault the simulated bus can inject into a transaction.
public enum I2CFault: Hashable, Sendable {
  /// The transaction is not acknowledged.
  case nack(I2CError.NackPhase)
  /// The transaction times out.
  case timeout
  /// The bus is busy.
  case busBusy
  /// Arbitration is lost.
  case arbitrationLost
  /// The device answers, but byte `index` of the read comes back XOR `mask` (an index
  /// outside the read changes nothing).
  case corrupt(index: Int, mask: UInt8)
  /// The device returns its previous non-empty read again (stuck data), without doing
  /// the transaction; bytes beyond that read come back as 0xFF (a released bus).
  case stuck
}
