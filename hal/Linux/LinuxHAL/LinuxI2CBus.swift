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
    /// (atomic in the kernel). On an SMBus-only adapter it runs under the in-process
    /// mutex (the slave address set with `I2C_SLAVE` is this object's state) and, when
    /// it spans several adapter transfers, under the `flock` on the bus device for
    /// those transfers. From inside this thread's session it runs under the session's
    /// locks.
    public func writeRead(address: UInt8, write: UnsafeRawBufferPointer, read: UnsafeMutableRawBufferPointer)
      throws(I2CError)
    {
      // One I2C_RDWR ioctl is atomic on its adapter, and its path reads only this bus's
      // constant state (descriptor, name, retry policy): it needs no lock, in this
      // process or between processes (decision 0425). So does a call from inside this
      // thread's own session.
      if session.usesRDWR || holder.load(ordering: .relaxed) == pthread_self() {
        return try session.transact(address: address, write: write, read: read, lockSpans: false)
      }
      // An SMBus register burst (the drivers' steady-state read) is one adapter transfer
      // through its address's own file: no shared state, no lock (decision 0427). A
      // failed first attempt is retried by the policy under the lock on the shared file.
      if write.count == 1, read.count >= 2, read.count <= 32, session.hasI2CBlock, address < 0x80,
        Int(write[0]) + read.count <= 0x100, let fd = addressFile(address)
      {
        let code = LinuxI2CBusSession.readI2CBlock(fd: fd, command: write[0], into: read)
        if code == 0 { return }
        return try lock.withLock { (_) throws(I2CError) in
          try session.retry(after: code, address: address, write: write, read: read, lockSpans: interProcessLock)
        }
      }
      try lock.withLock { (_) throws(I2CError) in
        try session.transact(address: address, write: write, read: read, lockSpans: interProcessLock)
      }
    }

    /// The open file for `address` (its slave address set once), made on first use;
    /// nil when it cannot be made (no path, no free slot, `I2C_SLAVE` refused: the
    /// locked path then reports what is wrong).
    @inline(__always)
    private func addressFile(_ address: UInt8) -> Int32? {
      let key = (UInt64(address) + 1) << 32
      for slot in 0..<Self.addressFileSlots {
        let value = loadAddressFile(slot)
        if value == 0 { return makeAddressFile(address) }
        if value & 0xFFFF_FFFF_0000_0000 == key {
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
      if usesRDWR {
        guard write.count <= 8192, read.count <= 8192 else {
          throw I2CError(.unsupported, bus: name, address: address, detail: "message > 8192 bytes")
        }
        let rc = cloak_i2c_rdwr(
          fd, UInt16(address), write.baseAddress?.assumingMemoryBound(to: UInt8.self), UInt16(write.count),
          read.baseAddress?.assumingMemoryBound(to: UInt8.self), UInt16(read.count))
        return -rc
      }
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

    /// An SMBus I2C-block read of `read.count` bytes from register `command` on `fd`
    /// (its slave address already set); 0 or the errno (`EPROTO` for a short block).
    @inline(__always)
    static func readI2CBlock(fd: Int32, command: UInt8, into read: UnsafeMutableRawBufferPointer) -> Int32 {
      guard let base = read.baseAddress else { return EINVAL }
      let rc = cloak_i2c_smbus_read_i2c_block(
        fd, command, base.assumingMemoryBound(to: UInt8.self), UInt8(truncatingIfNeeded: read.count))
      if rc >= 0 && rc < read.count { return EPROTO }
      return rc < 0 ? -rc : 0
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
        guard let base = read.baseAddress else { return -EINVAL }
        let rc = cloak_i2c_smbus_read_i2c_block(
          fd, command, (base + offset).assumingMemoryBound(to: UInt8.self), UInt8(truncatingIfNeeded: count))
        if rc >= 0 && rc < count { return -EPROTO }  // short block: the reply is malformed
        return min(rc, 0)
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
