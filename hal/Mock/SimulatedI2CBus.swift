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

  /// Everything a transaction reads or changes, in one value: a transaction touches it
  /// in two accesses (before the device's turn and after it) instead of one exclusivity
  /// check per field; the simulation makes thousands of transactions per simulated
  /// second (decision 1220). The public properties below forward to it.
  private var state = State()

  fileprivate struct State {
    var capabilities: I2CCapabilities = .full
    var recordsTransactions = true
    var reportsNackPhase = true
    var transactionCount = 0
    var timing: I2CBusTiming?
    var log: [Record] = []
    /// The device at each 8-bit address value (index = address; an array, not a
    /// dictionary: one bounds-checked load per transaction, no hashing).
    var devices = [(any SimulatedI2CDevice)?](repeating: nil, count: 256)
    /// Devices that may answer group addresses, with their own address.
    var groupDevices: [(address: UInt8, device: any SimulatedI2CDevice)] = []
    var faults: [UInt8: [ScheduledFault]] = [:]
  }

  /// Each address's last non-empty read (index = address), for `.stuck`: a byte buffer
  /// per address that grows to the longest read seen, and the length of the last read.
  /// Storage the bus owns (`let` pointers), so keeping a read is one copy, with no
  /// exclusivity check or uniqueness test of a nested array per transaction.
  private let lastReads = UnsafeMutablePointer<UnsafeMutableRawBufferPointer>.allocate(capacity: 256)
  private let lastReadCounts = UnsafeMutablePointer<Int>.allocate(capacity: 256)

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

  /// What the adapter can carry (shapes it cannot throw `.unsupported`).
  public var capabilities: I2CCapabilities {
    get { state.capabilities }
    set { state.capabilities = newValue }
  }
  /// Whether to keep a log of transactions (allocates; off for benchmarks).
  public var recordsTransactions: Bool {
    get { state.recordsTransactions }
    set { state.recordsTransactions = newValue }
  }
  public var log: [Record] { state.log }
  /// Whether NACKs say which phase failed. Set to `false` to behave like the Raspberry
  /// Pi's and BeagleBone's adapters, which report every NACK as `.unknown` (EREMOTEIO).
  public var reportsNackPhase: Bool {
    get { state.reportsNackPhase }
    set { state.reportsNackPhase = newValue }
  }
  /// Number of transactions attempted, including failed ones.
  public var transactionCount: Int { state.transactionCount }

  /// When set, every transaction advances this clock by its time on the wire (see
  /// ``I2CBusTiming``); nil (the default): transactions take no virtual time.
  public var timing: I2CBusTiming? {
    get { state.timing }
    set { state.timing = newValue }
  }

  public init(name: String = "sim-i2c", capabilities: I2CCapabilities = .full) {
    self.name = name
    state.capabilities = capabilities
    lastReads.initialize(repeating: UnsafeMutableRawBufferPointer(start: nil, count: 0), count: 256)
    lastReadCounts.initialize(repeating: 0, count: 256)
  }

  deinit {
    for index in 0..<256 { lastReads[index].deallocate() }
    lastReads.deallocate()
    lastReadCounts.deallocate()
  }

  /// Connects `device` at `address` (replacing any device there). Throws `.unsupported`
  /// when the device's address pins cannot select `address`
  /// (``SimulatedI2CDevice/placementProblem(at:)``): a chip emulator sits only where the
  /// real chip can.
  public func attach(_ device: any SimulatedI2CDevice, at address: UInt8) throws(I2CError) {
    if let problem = device.placementProblem(at: address) {
      throw I2CError(.unsupported, bus: name, address: address, detail: "cannot place the device here: \(problem)")
    }
    let grouped = device.hasGroupAddresses
    state.devices[Int(address)] = device
    state.groupDevices.removeAll { $0.address == address }
    if grouped { state.groupDevices.append((address, device)) }
  }

  /// Disconnects the device at `address`: it stops answering (address NACK).
  public func detach(address: UInt8) {
    state.devices[Int(address)] = nil
    state.groupDevices.removeAll { $0.address == address }
  }

  /// The attached devices that acknowledge `address` now as a group address (a
  /// PCA9685's LED All Call, for instance), by their own address, ascending.
  public func groupResponders(at address: UInt8) -> [UInt8] {
    let groupDevices = state.groupDevices
    return groupDevices.filter { $0.address != address && $0.device.answersGroupAddress(address) }.map(\.address)
      .sorted()
  }

  public func device(at address: UInt8) -> (any SimulatedI2CDevice)? { state.devices[Int(address)] }

  /// Addresses with a device attached, ascending.
  public var attachedAddresses: [UInt8] {
    let devices = state.devices
    return devices.indices.filter { devices[$0] != nil }.map { UInt8($0) }
  }

  /// Injects `fault` for transactions to `address`: the next `count` transactions, or
  /// every one until ``clearFaults(address:)`` when `count` is nil.
  /// A count of zero or below injects nothing. Faults for one address apply in the
  /// order they were injected.
  public func inject(_ fault: I2CFault, address: UInt8, count: Int? = 1) {
    if let count, count <= 0 { return }
    state.faults[address, default: []].append(ScheduledFault(fault: fault, remaining: count))
  }

  public func clearFaults(address: UInt8? = nil) {
    if let address { state.faults[address] = nil } else { state.faults.removeAll() }
  }

  public func clearLog() { state.log.removeAll(keepingCapacity: true) }

  public func writeRead(
    address: UInt8, write: UnsafeRawBufferPointer, read: UnsafeMutableRawBufferPointer
  ) throws(I2CError) {
    // First access: count it, check its shape, take its fault, find who answers.
    let start = state.begin(bus: name, address: address, write: write.count, read: read.count)
    let outcome: Result<Void, I2CError>
    switch start {
    case .refused(let error):
      // Refused by the adapter before anything went on the wire: no bus time.
      _ = state.finish(address: address, write: write, read: read, error: error)
      throw error
    case .answered(let fault, let device, let groupDevices, let reportsNackPhase):
      do throws(I2CError) {
        try perform(
          address: address, fault: fault, own: device, groupDevices: groupDevices,
          reportsNackPhase: reportsNackPhase, write: write, read: read)
        outcome = .success(())
      } catch {
        outcome = .failure(error)
      }
    }
    // Second access: the log. The time on the wire is spent after it, with no access
    // held (advancing the clock runs its observers).
    switch outcome {
    case .success:
      state.finish(address: address, write: write, read: read, error: nil)?
        .spend(.transaction(write: write.count, read: read.count))
    case .failure(let error):
      state.finish(address: address, write: write, read: read, error: error)?
        .spend(error.kind == .timeout ? .timeout : .addressPhase)
      throw error
    }
  }

  /// The device's (or devices') turn, with no access to ``state`` held: devices and
  /// their hooks may use the bus's public API.
  private func perform(
    address: UInt8, fault: I2CFault?, own: (any SimulatedI2CDevice)?,
    groupDevices: [(address: UInt8, device: any SimulatedI2CDevice)], reportsNackPhase: Bool,
    write: UnsafeRawBufferPointer, read: UnsafeMutableRawBufferPointer
  ) throws(I2CError) {
    func reported(_ phase: I2CError.NackPhase) -> I2CError.NackPhase { reportsNackPhase ? phase : .unknown }
    switch fault {
    case .nack(let phase)?: throw I2CError(.nack(reported(phase)), bus: name, address: address)
    case .timeout?: throw I2CError(.timeout, bus: name, address: address)
    case .busBusy?: throw I2CError(.busBusy, bus: name, address: address)
    case .arbitrationLost?: throw I2CError(.arbitrationLost, bus: name, address: address)
    case .stuck?:
      // The device returns the bytes of its previous read again, whatever was asked.
      let previous = lastReads[Int(address)]
      let count = lastReadCounts[Int(address)]
      for index in 0..<read.count { read[index] = index < count ? previous[index] : 0xFF }
      return
    default: break
    }
    var grouped = false
    for entry in groupDevices where entry.address != address && entry.device.answersGroupAddress(address) {
      grouped = true
      break
    }
    if grouped {
      try performOnGroup(
        address: address, own: own, groupDevices: groupDevices, reportsNackPhase: reportsNackPhase, write: write,
        read: read)
    } else {
      guard let device = own else {
        throw I2CError(.nack(reported(.address)), bus: name, address: address, detail: "no device at this address")
      }
      try deliver(to: device, address: address, reportsNackPhase: reportsNackPhase, write: write, read: read)
    }
    if case .corrupt(let index, let mask)? = fault, (0..<read.count).contains(index) {
      read[index] ^= mask
    }
    // Kept for `.stuck` (write-only transactions leave it alone), in the address's
    // buffer: steady-state reads do not allocate.
    guard !read.isEmpty else { return }
    let slot = Int(address)
    if lastReads[slot].count < read.count {
      lastReads[slot].deallocate()
      lastReads[slot] = .allocate(byteCount: read.count, alignment: 1)
    }
    lastReads[slot].copyMemory(from: UnsafeRawBufferPointer(read))
    lastReadCounts[slot] = read.count
  }

  /// Several devices acknowledge `address` (a group address): each receives the write,
  /// and a read returns the wired AND of their answers, as open-drain SDA does when
  /// several devices drive it at once.
  private func performOnGroup(
    address: UInt8, own: (any SimulatedI2CDevice)?, groupDevices: [(address: UInt8, device: any SimulatedI2CDevice)],
    reportsNackPhase: Bool, write: UnsafeRawBufferPointer, read: UnsafeMutableRawBufferPointer
  ) throws(I2CError) {
    var responders: [any SimulatedI2CDevice] = own.map { [$0] } ?? []
    for entry in groupDevices where entry.address != address && entry.device.answersGroupAddress(address) {
      responders.append(entry.device)
    }
    for index in 0..<read.count { read[index] = 0xFF }
    let answer = UnsafeMutableRawBufferPointer.allocate(byteCount: read.count, alignment: 1)
    defer { answer.deallocate() }
    for device in responders {
      try deliver(to: device, address: address, reportsNackPhase: reportsNackPhase, write: write, read: answer)
      for index in 0..<read.count { read[index] &= answer[index] }
    }
  }

  private func deliver(
    to device: any SimulatedI2CDevice, address: UInt8, reportsNackPhase: Bool, write: UnsafeRawBufferPointer,
    read: UnsafeMutableRawBufferPointer
  ) throws(I2CError) {
    do {
      try device.transfer(write: write, read: read)
    } catch {
      var kind = error.kind
      if case .nack = kind, !reportsNackPhase { kind = .nack(.unknown) }
      throw I2CError(kind, bus: name, address: address, detail: error.detail)
    }
  }

  fileprivate struct ScheduledFault {
    var fault: I2CFault
    var remaining: Int?
  }
}

extension SimulatedI2CBus.State {
  /// How a transaction starts: refused by the adapter, or on the wire with its injected
  /// fault (if any) and who may answer.
  enum Start {
    case refused(I2CError)
    case answered(
      fault: I2CFault?, device: (any SimulatedI2CDevice)?,
      groupDevices: [(address: UInt8, device: any SimulatedI2CDevice)], reportsNackPhase: Bool)
  }

  /// Counts the transaction, checks its shape against the capabilities and takes the
  /// address's next fault. Transaction shapes the capabilities cannot carry are refused
  /// before any fault or device is consulted, as the Linux backend does on an SMBus-only
  /// adapter (the error's bus name is filled in by the caller).
  mutating func begin(bus: String, address: UInt8, write: Int, read: Int) -> Start {
    transactionCount &+= 1
    guard I2CTransferShape.isSupported(write: write, read: read, by: capabilities) else {
      return .refused(I2CTransferShape.unsupported(write: write, read: read, bus: bus, address: address))
    }
    return .answered(
      fault: takeFault(address: address), device: devices[Int(address)],
      groupDevices: groupDevices, reportsNackPhase: reportsNackPhase)
  }

  private mutating func takeFault(address: UInt8) -> I2CFault? {
    guard !faults.isEmpty, var list = faults[address], !list.isEmpty else { return nil }
    let fault = list[0].fault
    if let remaining = list[0].remaining {
      if remaining <= 1 { list.removeFirst() } else { list[0].remaining = remaining - 1 }
      faults[address] = list.isEmpty ? nil : list
    }
    return fault
  }

  /// Logs the transaction (when asked); returns the timing to charge it to, if any.
  mutating func finish(
    address: UInt8, write: UnsafeRawBufferPointer, read: UnsafeMutableRawBufferPointer, error: I2CError?
  ) -> I2CBusTiming? {
    if recordsTransactions {
      log.append(
        SimulatedI2CBus.Record(
          address: address, written: Array(write), read: error == nil ? Array(read) : [], error: error?.kind))
    }
    return timing
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
