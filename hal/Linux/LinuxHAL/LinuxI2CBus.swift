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
  /// - Serialised within the process (one mutex per bus) and between processes (an
  ///   exclusive `flock` on the bus device around each transaction, so a bench command
  ///   and a running controller never interleave).
  /// - Bus-level transient errors are retried per ``I2CRetryPolicy``.
  /// - Steady state allocates nothing: buffers are the caller's, messages live on the
  ///   C shim's stack.
  public final class LinuxI2CBus: I2CBus, Sendable {
    public let name: String
    public let capabilities: I2CCapabilities
    public let retryPolicy: I2CRetryPolicy
    /// Whether each transaction takes the inter-process `flock`.
    public let interProcessLock: Bool
    private let fd: Int32
    /// Cached from `capabilities`: the HAL's option-set constants are lazy globals of
    /// another module, each read costs an accessor call on the hot path.
    private let usesRDWR: Bool
    private let hasI2CBlock: Bool
    private let state = Mutex<BusState>(BusState())

    private struct BusState {
      /// The address last set with I2C_SLAVE (SMBus path only); -1 when none.
      var slaveAddress: Int32 = -1
    }

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
      self.fd = opened
      self.capabilities = I2CCapabilities(linuxFunctionality: funcs)
      self.usesRDWR = capabilities.contains(.plainI2C)
      self.hasI2CBlock = capabilities.contains(.smbusI2CBlock)
      self.retryPolicy = retry
      self.interProcessLock = interProcessLock
    }

    /// Wraps an already open descriptor with given capabilities (tests: drives the
    /// transaction logic over a descriptor that is not an I2C adapter). Takes ownership.
    init(testingDescriptor fd: Int32, name: String, capabilities: I2CCapabilities, retry: I2CRetryPolicy = .none) {
      self.name = name
      self.fd = fd
      self.capabilities = capabilities
      self.usesRDWR = capabilities.contains(.plainI2C)
      self.hasI2CBlock = capabilities.contains(.smbusI2CBlock)
      self.retryPolicy = retry
      self.interProcessLock = true
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

    deinit { close(fd) }

    public func writeRead(address: UInt8, write: UnsafeRawBufferPointer, read: UnsafeMutableRawBufferPointer)
      throws(I2CError)
    {
      guard address < 0x80 else {
        throw I2CError(.unsupported, bus: name, address: address, detail: "not a 7-bit address")
      }
      try state.withLock { (state) throws(I2CError) in
        try lockedTransaction { () throws(I2CError) in
          try retryPolicy.run(
            { () throws(I2CError) -> Int32 in try perform(&state, address: address, write: write, read: read) },
            error: { I2CErrno.transferError($0, bus: name, address: address) }, pause: { pause($0) })
        }
      }
    }

    /// Probes `address` the way i2cdetect does, without retries: `true` when a device
    /// acknowledged. Throws `.busBusy` with detail when a kernel driver owns the address
    /// (i2cdetect's "UU"), `.unsupported` when the adapter lacks the transfer.
    public func probe(address: UInt8, readByte: Bool) throws(I2CError) -> Bool {
      try state.withLock { (state) throws(I2CError) -> Bool in
        try lockedTransaction { () throws(I2CError) -> Bool in
          try select(&state, address: address)
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
      }
    }

    // MARK: - Internals

    /// Runs `body` under the inter-process lock when enabled.
    @inline(__always)
    private func lockedTransaction<R>(_ body: () throws(I2CError) -> R) throws(I2CError) -> R {
      guard interProcessLock else { return try body() }
      while flock(fd, LOCK_EX) != 0 {
        let code = errno
        if code != EINTR { throw I2CError(.io(errno: code), bus: name, detail: "flock on the bus device failed") }
      }
      defer { flock(fd, LOCK_UN) }
      return try body()
    }

    private func select(_ state: inout BusState, address: UInt8) throws(I2CError) {
      guard state.slaveAddress != Int32(address) else { return }
      let rc = cloak_i2c_set_address(fd, UInt16(address), 0)
      guard rc == 0 else {
        state.slaveAddress = -1
        if rc == -EBUSY {
          throw I2CError(.busBusy, bus: name, address: address, detail: "address is claimed by a kernel driver (UU)")
        }
        throw I2CErrno.transferError(-rc, bus: name, address: address)
      }
      state.slaveAddress = Int32(address)
    }

    /// One attempt. Returns 0 on success or the kernel's errno (the caller maps it and
    /// decides on a retry); throws the errors that are never retried (a shape the
    /// adapter cannot do, an address owned by a kernel driver).
    private func perform(
      _ state: inout BusState, address: UInt8, write: UnsafeRawBufferPointer, read: UnsafeMutableRawBufferPointer
    ) throws(I2CError) -> Int32 {
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
      if write.count == 1, read.count >= 2, read.count <= 32, state.slaveAddress == Int32(address), hasI2CBlock,
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
      do {
        try select(&state, address: address)
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

    /// One SMBus transfer; returns 0 or -errno.
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
