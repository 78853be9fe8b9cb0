#if canImport(Glibc)
  import CLinuxShims
  import Glibc
  import HAL
  import Synchronization

  /// An I2C bus through `/dev/i2c-N` (i2c-dev).
  ///
  /// - Reads `I2C_FUNCS` once at open. With plain I2C a transaction is one `I2C_RDWR`
  ///   ioctl (write message, repeated start, read message); on an SMBus-only adapter it
  ///   becomes the SMBus transfers ``SMBusPlan`` chooses (the slave address is set with
  ///   `I2C_SLAVE` only when it changes).
  /// - ``writeRead(address:write:read:)``: an `I2C_RDWR` transaction is one ioctl, atomic
  ///   in the kernel, and takes no lock at all (decision 0425). On an SMBus-only adapter
  ///   a register burst (one I2C-block read of 2...32 bytes) goes through its address's
  ///   own open file and takes no lock either (decision 0427); any other SMBus
  ///   transaction is serialised within the process (one mutex per bus: the slave
  ///   address of the shared file is this object's state); between processes, one of a single transfer takes no further
  ///   lock and one that spans several transfers (an SMBus plan of two or more
  ///   operations) takes an exclusive `flock` on the bus device around them
  ///   (docs/decisions/0424-i2c-lock-only-multi-transfer-transactions.md).
  /// - ``withExclusiveAccess(_:)`` / ``withSession(_:)`` take the mutex and the `flock`
  ///   once for a group of transactions; inside, each transaction is a bare ioctl
  ///   (docs/decisions/0420-i2c-sessions-hold-the-bus.md). Another session or
  ///   multi-transfer transaction, in this process or another, waits for it; a
  ///   single-transfer transaction does not.
  /// - Bus-level transient errors are retried per ``I2CRetryPolicy``.
  /// - Steady state allocates nothing: buffers are the caller's, messages live on the
  ///   C shim's stack, the session object is made once per bus.
  // @unchecked: `session`'s mutable state is touched only by the thread holding `lock`.
  public final class LinuxI2CBus: I2CBus, @unchecked Sendable {
    public let name: String
    public let capabilities: I2CCapabilities
    public let retryPolicy: I2CRetryPolicy
    /// Whether sessions and multi-transfer transactions take the inter-process `flock`.
    public let interProcessLock: Bool
    /// The transaction engine; also what `withSession` bodies get. Owns the descriptor.
    private let session: LinuxI2CBusSession
    /// From `capabilities`, read once (as the session's): the hot path tests these.
    private let usesRDWR: Bool
    private let hasI2CBlock: Bool
    /// SMBus-only with I2C-block reads: register bursts may go through address files.
    private let burstsThroughAddressFiles: Bool
    private let lock = Mutex<Void>(())
    /// `pthread_self()` of the thread inside a session, 0 when none. Only that thread
    /// ever stores its own id, so a relaxed load that equals the caller's id is exact.
    private let holder = Atomic<UInt>(0)
    /// The device path, for the per-address files (nil: a test descriptor, none made).
    private let devicePath: String?
    /// Per-address open files of an SMBus-only adapter (decision 0427): a register burst
    /// goes through its address's own file, whose slave address never changes, so it
    /// takes no lock. Each slot is `(address + 1) << 32 | fd` once filled (by compare-and-exchange,
    /// published with release ordering and never changed until deinit); fd `-1` marks
    /// an address whose file could not be made (it takes the locked path); 0 is empty.
    private let addressFile0 = Atomic<UInt64>(0)
    private let addressFile1 = Atomic<UInt64>(0)
    private let addressFile2 = Atomic<UInt64>(0)
    private let addressFile3 = Atomic<UInt64>(0)
    private static let addressFileSlots = 4

    /// Opens `path` (e.g. `/dev/i2c-1`). Throws `.notFound` naming the path when it does
    /// not exist, `.permissionDenied` with the group/udev hint.
    public init(path: String, retry: I2CRetryPolicy = I2CRetryPolicy(), interProcessLock: Bool = true)
      throws(I2CError)
    {
      let opened = cloak_i2c_open(path)
      guard opened >= 0 else { throw I2CErrno.openError(-opened, path: path) }
      var funcs: UInt = 0
      let rc = cloak_i2c_funcs(opened, &funcs)
      guard rc == 0 else {
        close(opened)
        throw I2CError(.io(errno: -rc), bus: path, detail: "I2C_FUNCS failed: not an i2c-dev device?")
      }
      self.name = path
      self.capabilities = I2CCapabilities(linuxFunctionality: funcs)
      self.retryPolicy = retry
      self.interProcessLock = interProcessLock
      self.session = LinuxI2CBusSession(fd: opened, name: path, capabilities: capabilities, retry: retry)
      self.usesRDWR = session.usesRDWR
      self.hasI2CBlock = session.hasI2CBlock
      self.burstsThroughAddressFiles = !session.usesRDWR && session.hasI2CBlock
      self.devicePath = path
    }

    deinit {
      for slot in 0..<Self.addressFileSlots {
        let fd = Int32(bitPattern: UInt32(truncatingIfNeeded: loadAddressFile(slot)))
        if loadAddressFile(slot) != 0, fd >= 0 { close(fd) }
      }
    }

    /// Wraps an already open descriptor with given capabilities (tests: drives the
    /// transaction logic over a descriptor that is not an I2C adapter). Takes ownership.
    init(testingDescriptor fd: Int32, name: String, capabilities: I2CCapabilities, retry: I2CRetryPolicy = .none) {
      self.name = name
      self.capabilities = capabilities
      self.retryPolicy = retry
      self.interProcessLock = true
      self.session = LinuxI2CBusSession(fd: fd, name: name, capabilities: capabilities, retry: retry)
      self.usesRDWR = session.usesRDWR
      self.hasI2CBlock = session.hasI2CBlock
      self.burstsThroughAddressFiles = !session.usesRDWR && session.hasI2CBlock
      self.devicePath = nil
    }

    /// Opens the bus `spec` names: a path, a bus number, a device-tree node or an
    /// adapter name (see ``I2CBusResolver``).
    public convenience init(
      resolving spec: String, sysfsRoot: String = "/sys", retry: I2CRetryPolicy = I2CRetryPolicy()
    )
      throws(I2CError)
    {
      let path = try I2CBusResolver(sysfsRoot: sysfsRoot).resolve(spec)
      try self.init(path: path, retry: retry)
    }

    /// One transaction. On a plain-I2C adapter it is one `I2C_RDWR` ioctl with no lock
    /// (atomic in the kernel). On an SMBus-only adapter a register burst is one I2C-block
    /// read through its address's own file, with no lock either; any other SMBus
    /// transaction runs under the in-process mutex (the slave address set with
    /// `I2C_SLAVE` is this object's state) and, when it spans several adapter transfers,
    /// under the `flock` on the bus device for those transfers. From inside this
    /// thread's session it runs under the session's locks.
    // Always inlined, so the protocol witness thunk behind `any I2CBus` holds the whole
    // first attempt of the two lock-free shapes (one call level, a small frame); every
    // other shape, and every retry, is one out-of-line call (decision 0428).
    @inline(__always)
    public func writeRead(address: UInt8, write: UnsafeRawBufferPointer, read: UnsafeMutableRawBufferPointer)
      throws(I2CError)
    {
      // One I2C_RDWR ioctl is atomic on its adapter, and its path reads only this bus's
      // constant state (descriptor, name, retry policy): it needs no lock, in this
      // process or between processes (decision 0425).
      if usesRDWR {
        let code = try session.attemptRDWR(address: address, write: write, read: read)
        if code != 0 { try session.retry(after: code, address: address, write: write, read: read, lockSpans: false) }
        return
      }
      // An SMBus register burst (the drivers' steady-state read) is one adapter transfer
      // through its address's own file: no shared state, no lock (decision 0427), from
      // any thread, this session's holder included. A failed first attempt is retried
      // by the policy on the shared file, under the lock.
      if write.count == 1, read.count >= 2, read.count <= 32, hasI2CBlock, Int(write[0]) + read.count <= 0x100,
        let fd = addressFile(address)
      {
        let code = LinuxI2CBusSession.readI2CBlock(fd: fd, command: write[0], into: read)
        if code != 0 { try retryBurst(after: code, address: address, write: write, read: read) }
        return
      }
      try writeReadSMBus(address: address, write: write, read: read)
    }

    /// Burst-reads `buffer.count` consecutive registers from `start` (the drivers'
    /// steady-state read): the same transaction, on the wire and in its locking, as
    /// ``writeRead(address:write:read:)`` with `start` as the one written byte. A
    /// requirement of ``HAL/I2CBus`` implemented here so that a call through `any I2CBus`
    /// reaches the register burst without the general shape tests (decision 0428).
    @inline(__always)
    public func readRegisters(address: UInt8, start: UInt8, into buffer: UnsafeMutableRawBufferPointer)
      throws(I2CError)
    {
      if burstsThroughAddressFiles, buffer.count >= 2, buffer.count <= 32, Int(start) + buffer.count <= 0x100,
        let fd = addressFile(address)
      {
        let code = LinuxI2CBusSession.readI2CBlock(fd: fd, command: start, into: buffer)
        if code != 0 { try retryBurst(after: code, address: address, start: start, read: buffer) }
        return
      }
      if usesRDWR {
        var register = start
        let code = try _withUnprotectedUnsafeBytes(of: &register) { (write) throws(I2CError) -> Int32 in
          try session.attemptRDWR(address: address, write: write, read: buffer)
        }
        if code != 0 { try retryRDWR(after: code, address: address, start: start, read: buffer) }
        return
      }
      try readRegistersThroughWriteRead(address: address, start: start, into: buffer)
    }

    /// The retries of a register read on a plain-I2C adapter whose first `I2C_RDWR`
    /// attempt failed with errno `code` (no lock, as the attempt).
    @inline(never)
    private func retryRDWR(after code: Int32, address: UInt8, start: UInt8, read: UnsafeMutableRawBufferPointer)
      throws(I2CError)
    {
      var register = start
      try withUnsafeBytes(of: &register) { (write) throws(I2CError) in
        try session.retry(after: code, address: address, write: write, read: read, lockSpans: false)
      }
    }

    /// Every other register read on an SMBus-only adapter, as the HAL's default: one
    /// ``writeRead(address:write:read:)``. Out of line, so the witness thunk's frame
    /// stays small.
    @inline(never)
    private func readRegistersThroughWriteRead(
      address: UInt8, start: UInt8, into buffer: UnsafeMutableRawBufferPointer
    ) throws(I2CError) {
      var register = start
      try withUnsafeBytes(of: &register) { (write) throws(I2CError) in
        try writeRead(address: address, write: write, read: buffer)
      }
    }

    /// ``retryBurst(after:address:write:read:)`` for a burst from register `start`.
    @inline(never)
    private func retryBurst(after code: Int32, address: UInt8, start: UInt8, read: UnsafeMutableRawBufferPointer)
      throws(I2CError)
    {
      var register = start
      try withUnsafeBytes(of: &register) { (write) throws(I2CError) in
        try retryBurst(after: code, address: address, write: write, read: read)
      }
    }

    /// The retries of a register burst whose first attempt through its address's file
    /// failed with errno `code`: on the shared file, under the mutex (or the session
    /// this thread holds), per the retry policy.
    @inline(never)
    private func retryBurst(
      after code: Int32, address: UInt8, write: UnsafeRawBufferPointer, read: UnsafeMutableRawBufferPointer
    ) throws(I2CError) {
      if holder.load(ordering: .relaxed) == pthread_self() {
        return try session.retry(after: code, address: address, write: write, read: read, lockSpans: false)
      }
      try lock.withLock { (_) throws(I2CError) in
        try session.retry(after: code, address: address, write: write, read: read, lockSpans: interProcessLock)
      }
    }

    /// Every SMBus transaction that is not a register burst through its address's file:
    /// planned by ``SMBusPlan`` on the shared file, under the mutex, or under the session
    /// this thread holds.
    @inline(never)
    private func writeReadSMBus(
      address: UInt8, write: UnsafeRawBufferPointer, read: UnsafeMutableRawBufferPointer
    ) throws(I2CError) {
      if holder.load(ordering: .relaxed) == pthread_self() {
        return try session.transact(address: address, write: write, read: read, lockSpans: false)
      }
      try lock.withLock { (_) throws(I2CError) in
        try session.transact(address: address, write: write, read: read, lockSpans: interProcessLock)
      }
    }

    /// The open file for `address` (its slave address set once), made on first use;
    /// nil when it cannot be made (not a 7-bit address, no path, no free slot,
    /// `I2C_SLAVE` refused: the locked path then reports what is wrong).
    @inline(__always)
    private func addressFile(_ address: UInt8) -> Int32? {
      let key = UInt32(address) &+ 1
      for slot in 0..<Self.addressFileSlots {
        let value = loadAddressFile(slot)
        if value == 0 { return makeAddressFile(address) }
        if UInt32(truncatingIfNeeded: value >> 32) == key {
          let fd = Int32(bitPattern: UInt32(truncatingIfNeeded: value))
          return fd >= 0 ? fd : nil
        }
      }
      return nil
    }

    @inline(__always)
    private func loadAddressFile(_ slot: Int) -> UInt64 {
      switch slot {
      case 0: return addressFile0.load(ordering: .acquiring)
      case 1: return addressFile1.load(ordering: .acquiring)
      case 2: return addressFile2.load(ordering: .acquiring)
      default: return addressFile3.load(ordering: .acquiring)
      }
    }

    /// Opens the device again for `address`, sets its slave address and publishes it in
    /// the first free slot with a compare-and-exchange, without the mutex, so a first
    /// burst does not wait for another thread's session either. A thread that loses the
    /// race for a slot to the same address closes its own file and uses the winner's.
    @inline(never)
    private func makeAddressFile(_ address: UInt8) -> Int32? {
      // Not a 7-bit address: no slot spent on it (the locked path refuses it).
      guard address < 0x80 else { return nil }
      let key = (UInt64(address) + 1) << 32
      var fd: Int32 = -1
      if let devicePath {
        fd = cloak_i2c_open(devicePath)
        if fd >= 0, cloak_i2c_set_address(fd, UInt16(address), 0) != 0 {
          close(fd)
          fd = -1
        }
      }
      let entry = key | UInt64(UInt32(bitPattern: fd))
      for slot in 0..<Self.addressFileSlots {
        var seen = loadAddressFile(slot)
        if seen == 0 {
          let exchanged: Bool
          switch slot {
          case 0:
            (exchanged, seen) = addressFile0.compareExchange(
              expected: 0, desired: entry, ordering: .acquiringAndReleasing)
          case 1:
            (exchanged, seen) = addressFile1.compareExchange(
              expected: 0, desired: entry, ordering: .acquiringAndReleasing)
          case 2:
            (exchanged, seen) = addressFile2.compareExchange(
              expected: 0, desired: entry, ordering: .acquiringAndReleasing)
          default:
            (exchanged, seen) = addressFile3.compareExchange(
              expected: 0, desired: entry, ordering: .acquiringAndReleasing)
          }
          if exchanged { return fd >= 0 ? fd : nil }
        }
        if seen & 0xFFFF_FFFF_0000_0000 == key {
          if fd >= 0 { close(fd) }
          let theirs = Int32(bitPattern: UInt32(truncatingIfNeeded: seen))
          return theirs >= 0 ? theirs : nil
        }
      }
      if fd >= 0 { close(fd) }
      return nil
    }

    /// ``withSession(_:)`` behind the HAL's type-erased contract.
    public func withExclusiveAccess<R, E: Error>(_ body: (any I2CBus) throws(E) -> R) throws(E) -> R {
      try withSession { (session) throws(E) -> R in try body(session) }
    }

    /// Holds the bus (this object's mutex, then the `flock` on the device) for the whole
    /// of `body`, which gets the session: each of its transactions is the bare ioctl(s)
    /// plus the retry policy, nothing else. Nested calls on the same thread run `body`
    /// at once. See ``HAL/I2CBus/withExclusiveAccess(_:)`` for the contract; a failed
    /// `flock` makes every transaction of the session throw it.
    public func withSession<R, E: Error>(_ body: (LinuxI2CBusSession) throws(E) -> R) throws(E) -> R {
      let me = pthread_self()
      if holder.load(ordering: .relaxed) == me { return try body(session) }
      return try lock.withLock { (_) throws(E) -> R in
        let failure = interProcessLock ? session.lockDevice() : nil
        session.begin(lockFailure: failure)
        holder.store(me, ordering: .relaxed)
        defer {
          holder.store(0, ordering: .relaxed)
          session.end()
          if interProcessLock && failure == nil { flock(session.fd, LOCK_UN) }
        }
        return try body(session)
      }
    }

    /// Probes `address` the way i2cdetect does, without retries: `true` when a device
    /// acknowledged. Throws `.busBusy` with detail when a kernel driver owns the address
    /// (i2cdetect's "UU"), `.unsupported` when the adapter lacks the transfer. One
    /// adapter transfer: under the in-process mutex only, as i2cdetect.
    public func probe(address: UInt8, readByte: Bool) throws(I2CError) -> Bool {
      if holder.load(ordering: .relaxed) == pthread_self() {
        return try session.probe(address: address, readByte: readByte)
      }
      return try lock.withLock { (_) throws(I2CError) -> Bool in
        try session.probe(address: address, readByte: readByte)
      }
    }
  }

  /// The transactions of one ``LinuxI2CBus`` with no locking: what a
  /// ``LinuxI2CBus/withSession(_:)`` body gets, and the engine behind the bus's own
  /// locked calls. Valid only inside the session that handed it out, on that thread
  /// (not `Sendable`); afterwards a transaction throws `.unsupported`, except while
  /// another session of the same bus is open: this object is reused, one per bus.
  public final class LinuxI2CBusSession: I2CBus {
    public let name: String
    public let capabilities: I2CCapabilities
    public let retryPolicy: I2CRetryPolicy
    let fd: Int32
    /// Cached from `capabilities`: the HAL's option-set constants are lazy globals of
    /// another module, each read costs an accessor call on the hot path.
    let usesRDWR: Bool
    let hasI2CBlock: Bool
    /// The address last set with I2C_SLAVE (SMBus path only); -1 when none.
    private var slaveAddress: Int32 = -1
    /// Whether a session is open (only the lock holder changes or reads it).
    private var isOpen = false
    /// Open and locked: transactions may run.
    private var isReady = false
    /// Why the session could not take the inter-process lock, if it could not.
    private var lockFailure: I2CError?

    init(fd: Int32, name: String, capabilities: I2CCapabilities, retry: I2CRetryPolicy) {
      self.fd = fd
      self.name = name
      self.capabilities = capabilities
      self.retryPolicy = retry
      self.usesRDWR = capabilities.contains(.plainI2C)
      self.hasI2CBlock = capabilities.contains(.smbusI2CBlock)
    }

    deinit { close(fd) }

    func begin(lockFailure: I2CError?) {
      self.lockFailure = lockFailure
      isOpen = true
      isReady = lockFailure == nil
    }

    func end() {
      isOpen = false
      isReady = false
      lockFailure = nil
    }

    /// One transaction of the open session: the bare ioctl(s) and the retry policy.
    // Always inlined so the protocol witness thunk holds the whole hot path (one call
    // level fewer through `any I2CBus`).
    @inline(__always)
    public func writeRead(address: UInt8, write: UnsafeRawBufferPointer, read: UnsafeMutableRawBufferPointer)
      throws(I2CError)
    {
      guard isReady else { throw notReadyError(address: address) }
      try transact(address: address, write: write, read: read, lockSpans: false)
    }

    /// Takes the exclusive `flock` on the bus device; the failure, if any.
    func lockDevice() -> I2CError? {
      while flock(fd, LOCK_EX) != 0 {
        let code = errno
        if code != EINTR { return I2CError(.io(errno: code), bus: name, detail: "flock on the bus device failed") }
      }
      return nil
    }

    /// Why a transaction of this session cannot run (kept off the hot path).
    @inline(never)
    private func notReadyError(address: UInt8) -> I2CError {
      if isOpen, let lockFailure { return lockFailure }
      return I2CError(
        .unsupported, bus: name, address: address, detail: "session used after withExclusiveAccess returned")
    }

    /// One transaction with retries; the caller holds the in-process mutex. With
    /// `lockSpans`, an attempt that takes several adapter transfers holds the `flock`
    /// on the bus device across them (each attempt is a whole transaction, so retries
    /// need no lock between attempts). The first attempt is inline; a failure goes to
    /// ``retry(after:address:write:read:lockSpans:)``.
    @inline(__always)
    func transact(
      address: UInt8, write: UnsafeRawBufferPointer, read: UnsafeMutableRawBufferPointer, lockSpans: Bool
    )
      throws(I2CError)
    {
      guard address < 0x80 else {
        throw I2CError(.unsupported, bus: name, address: address, detail: "not a 7-bit address")
      }
      let code = try perform(address: address, write: write, read: read, lockSpans: lockSpans)
      if code != 0 { try retry(after: code, address: address, write: write, read: read, lockSpans: lockSpans) }
    }

    /// The retry policy, from a first attempt that failed with errno `code`.
    @inline(never)
    func retry(
      after code: Int32, address: UInt8, write: UnsafeRawBufferPointer, read: UnsafeMutableRawBufferPointer,
      lockSpans: Bool
    ) throws(I2CError) {
      var first: Int32? = code
      try retryPolicy.run(
        { () throws(I2CError) -> Int32 in
          if let pending = first {
            first = nil
            return pending
          }
          return try perform(address: address, write: write, read: read, lockSpans: lockSpans)
        },
        error: { I2CErrno.transferError($0, bus: name, address: address) }, pause: { pause($0) })
    }

    /// i2cdetect's probe; the caller holds the bus.
    func probe(address: UInt8, readByte: Bool) throws(I2CError) -> Bool {
      guard address < 0x80 else {
        throw I2CError(.unsupported, bus: name, address: address, detail: "not a 7-bit address")
      }
      try select(address: address)
      if readByte {
        guard capabilities.contains(.smbusByte) else {
          throw I2CError(.unsupported, bus: name, address: address, detail: "no SMBus receive byte")
        }
        let rc = cloak_i2c_smbus_read_byte(fd)
        return rc >= 0
      }
      guard capabilities.contains(.smbusQuick) else {
        throw I2CError(.unsupported, bus: name, address: address, detail: "no SMBus quick command")
      }
      return cloak_i2c_smbus_quick(fd, 0) == 0
    }

    private func select(address: UInt8) throws(I2CError) {
      guard slaveAddress != Int32(address) else { return }
      let rc = cloak_i2c_set_address(fd, UInt16(address), 0)
      guard rc == 0 else {
        slaveAddress = -1
        if rc == -EBUSY {
          throw I2CError(.busBusy, bus: name, address: address, detail: "address is claimed by a kernel driver (UU)")
        }
        throw I2CErrno.transferError(-rc, bus: name, address: address)
      }
      slaveAddress = Int32(address)
    }

    /// One attempt. Returns 0 on success or the kernel's errno (the caller maps it and
    /// decides on a retry); throws the errors that are never retried (a shape the
    /// adapter cannot do, an address owned by a kernel driver, a failed `flock`).
    /// `I2C_RDWR` and a one-operation SMBus plan are one adapter transfer (`I2C_SLAVE`
    /// only sets this open file's client address, nothing another process shares);
    /// a plan of several operations runs under the `flock` when `lockSpans`.
    @inline(__always)
    private func perform(
      address: UInt8, write: UnsafeRawBufferPointer, read: UnsafeMutableRawBufferPointer, lockSpans: Bool
    )
      throws(I2CError) -> Int32
    {
      if usesRDWR { return try attemptRDWR(address: address, write: write, read: read) }
      // Fast path for the steady-state shape (a register burst of 2...32 bytes): the
      // same transfer the plan would choose, without building it.
      if write.count == 1, read.count >= 2, read.count <= 32, slaveAddress == Int32(address), hasI2CBlock,
        Int(write[0]) + read.count <= 0x100
      {
        return -execute(.readI2CBlock(command: write[0], readOffset: 0, count: read.count), write: write, read: read)
      }
      let plan: SMBusPlan
      do {
        plan = try SMBusPlan.plan(
          writeCount: write.count, firstByte: write.count > 0 ? write[0] : 0,
          secondByte: write.count > 1 ? write[1] : 0, readCount: read.count, capabilities: capabilities)
      } catch {
        throw I2CError(.unsupported, bus: name, address: address, detail: error.reason)
      }
      let spansTransfers = lockSpans && plan.operationCount > 1
      if spansTransfers, let failure = lockDevice() { throw failure }
      defer { if spansTransfers { flock(fd, LOCK_UN) } }
      do {
        try select(address: address)
      } catch {
        // EBUSY from I2C_SLAVE is ownership, not a busy bus: never retried.
        guard error.kind == .busBusy else { throw error }
        throw I2CError(.io(errno: EBUSY), bus: name, address: address, detail: error.detail)
      }
      for index in 0..<plan.operationCount {
        let rc = execute(plan.operation(at: index), write: write, read: read)
        if rc < 0 { return -rc }
      }
      return 0
    }

    /// One `I2C_RDWR` attempt (a plain-I2C adapter): 0 or the kernel's errno; throws
    /// `.unsupported` for an address over 7 bits or a message over 8192 bytes. A write
    /// message (if `write` is not empty), then after a repeated start a read message (if
    /// `read` is not empty); both empty sends one zero-length write (a probe). The
    /// messages live on this frame (decision 0428: built here, not in the C shim).
    @inline(__always)
    func attemptRDWR(address: UInt8, write: UnsafeRawBufferPointer, read: UnsafeMutableRawBufferPointer)
      throws(I2CError) -> Int32
    {
      guard address < 0x80, write.count <= 8192, read.count <= 8192 else { throw rdwrRefusal(address: address) }
      let writeMessage = i2c_msg(
        addr: UInt16(address), flags: 0, len: UInt16(truncatingIfNeeded: write.count),
        buf: UnsafeMutablePointer(mutating: write.baseAddress?.assumingMemoryBound(to: UInt8.self)))
      let readMessage = i2c_msg(
        addr: UInt16(address), flags: UInt16(I2C_M_RD), len: UInt16(truncatingIfNeeded: read.count),
        buf: read.baseAddress?.assumingMemoryBound(to: UInt8.self))
      let writes = write.count > 0 || read.count == 0
      var messages = writes ? (writeMessage, readMessage) : (readMessage, writeMessage)
      let count: UInt32 = (writes ? 1 : 0) + (read.count > 0 ? 1 : 0)
      // The kernel only reads these two frames (a fixed size) and writes into the
      // caller's `read`, `len` bytes at most: no stack protector needed (decision 0428).
      let rc = _withUnprotectedUnsafeMutablePointer(to: &messages) { (pair) -> Int32 in
        pair.withMemoryRebound(to: i2c_msg.self, capacity: 2) { (list) -> Int32 in
          var data = i2c_rdwr_ioctl_data(msgs: list, nmsgs: count)
          return _withUnprotectedUnsafeMutablePointer(to: &data) { (request) -> Int32 in
            cloak_i2c_rdwr_ioctl(fd, request)
          }
        }
      }
      return rc < 0 ? Self.lastErrno() : 0
    }

    /// Why an `I2C_RDWR` transaction cannot be made (kept off the hot path).
    @inline(never)
    private func rdwrRefusal(address: UInt8) -> I2CError {
      address < 0x80
        ? I2CError(.unsupported, bus: name, address: address, detail: "message > 8192 bytes")
        : I2CError(.unsupported, bus: name, address: address, detail: "not a 7-bit address")
    }

    /// An SMBus I2C-block read of `read.count` (1...32) bytes from register `command` on
    /// `fd` (its slave address already set): 0 or the errno (`EINVAL` for an empty or
    /// over-long buffer, `EPROTO` for a short block). The request lives on this frame
    /// (decision 0428: built here, not in the C shim).
    @inline(__always)
    static func readI2CBlock(fd: Int32, command: UInt8, into read: UnsafeMutableRawBufferPointer) -> Int32 {
      let count = read.count
      guard let base = read.baseAddress, count >= 1, count <= Int(I2C_SMBUS_BLOCK_MAX) else { return EINVAL }
      // The kernel copies the union in and out whole (its fixed size), so these frames
      // need no stack protector, and the union no zeroing: the kernel reads only the
      // count byte of an I2C-block read (decision 0428).
      return _withUnprotectedUnsafeTemporaryAllocation(of: i2c_smbus_data.self, capacity: 1) { (data) -> Int32 in
        let block = data.baseAddress.unsafelyUnwrapped
        let bytes = UnsafeMutableRawPointer(block)
        bytes.storeBytes(of: UInt8(truncatingIfNeeded: count), as: UInt8.self)
        var args = i2c_smbus_ioctl_data(
          read_write: UInt8(I2C_SMBUS_READ), command: command, size: UInt32(I2C_SMBUS_I2C_BLOCK_DATA), data: block)
        let rc = _withUnprotectedUnsafeMutablePointer(to: &args) { (request) -> Int32 in
          cloak_i2c_smbus_ioctl(fd, request)
        }
        if rc < 0 { return lastErrno() }
        // The kernel sets block[0] to the count it read: fewer is a malformed reply.
        guard Int(bytes.load(as: UInt8.self)) >= count else { return EPROTO }
        base.copyMemory(from: bytes + 1, byteCount: count)
        return 0
      }
    }

    /// The errno of the call that just failed (EIO if there is none).
    @inline(never)
    static func lastErrno() -> Int32 {
      let code = errno
      return code > 0 ? code : EIO
    }

    /// One SMBus transfer; returns 0 or -errno.
    @inline(__always)
    private func execute(_ op: SMBusOperation, write: UnsafeRawBufferPointer, read: UnsafeMutableRawBufferPointer)
      -> Int32
    {
      switch op {
      case .quickWrite:
        return cloak_i2c_smbus_quick(fd, 0)
      case .receiveByte(let offset):
        let rc = cloak_i2c_smbus_read_byte(fd)
        if rc >= 0 { read[offset] = UInt8(truncatingIfNeeded: rc) }
        return min(rc, 0)
      case .sendByte(let command):
        return cloak_i2c_smbus_write_byte(fd, command)
      case .writeByteData(let command, let value):
        return cloak_i2c_smbus_write_byte_data(fd, command, value)
      case .readByteData(let command, let offset):
        let rc = cloak_i2c_smbus_read_byte_data(fd, command)
        if rc >= 0 { read[offset] = UInt8(truncatingIfNeeded: rc) }
        return min(rc, 0)
      case .readWordData(let command, let offset):
        let rc = cloak_i2c_smbus_read_word_data(fd, command)
        if rc >= 0 {
          read[offset] = UInt8(truncatingIfNeeded: rc)
          read[offset + 1] = UInt8(truncatingIfNeeded: rc >> 8)
        }
        return min(rc, 0)
      case .readI2CBlock(let command, let offset, let count):
        return -Self.readI2CBlock(
          fd: fd, command: command, into: UnsafeMutableRawBufferPointer(rebasing: read[offset..<offset + count]))
      case .writeI2CBlock(let command, let offset, let count):
        guard let base = write.baseAddress else { return -EINVAL }
        return cloak_i2c_smbus_write_i2c_block(
          fd, command, (base + offset).assumingMemoryBound(to: UInt8.self), UInt8(truncatingIfNeeded: count))
      }
    }

    private func pause(_ duration: Duration) {
      let nanos = max(duration.nanosecondsSaturated, 0)
      var request = timespec(tv_sec: Int(nanos / 1_000_000_000), tv_nsec: Int(nanos % 1_000_000_000))
      var remaining = timespec()
      while nanosleep(&request, &remaining) != 0 && errno == EINTR { request = remaining }
    }
  }
#endif
