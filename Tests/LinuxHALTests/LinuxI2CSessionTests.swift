import Glibc
import HAL
import Synchronization
import Testing

@testable import LinuxHAL

/// Sessions (`withExclusiveAccess`) over a descriptor that is not an adapter: a private
/// temporary file, so the `flock` these tests observe is theirs alone.
@Suite("LinuxI2CBus sessions without an adapter")
struct LinuxI2CSessionTests {
  /// A bus over a fresh temporary file, and the file's path (unlinked by `cleanUp`).
  func makeBus(_ caps: I2CCapabilities = .full) throws -> (LinuxI2CBus, String) {
    var template = Array("/tmp/cloak-i2c-session-XXXXXX".utf8CString)
    let fd = mkstemp(&template)
    try #require(fd >= 0)
    let path = String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    return (LinuxI2CBus(testingDescriptor: fd, name: "/dev/i2c-test", capabilities: caps), path)
  }

  /// Whether another open file description of `path` can take the flock right now.
  func deviceLockIsFree(_ path: String) -> Bool {
    let fd = open(path, O_RDWR)
    defer { close(fd) }
    guard flock(fd, LOCK_EX | LOCK_NB) == 0 else { return false }
    flock(fd, LOCK_UN)
    return true
  }

  @Test func sessionHoldsTheDeviceLockForItsWholeBodyAndReleasesIt() throws {
    let (bus, path) = try makeBus()
    defer { unlink(path) }
    #expect(deviceLockIsFree(path))
    let heldInside = bus.withExclusiveAccess { (_) -> Bool in !deviceLockIsFree(path) }
    #expect(heldInside)
    #expect(deviceLockIsFree(path))
  }

  @Test func sessionTransactionsReachTheKernelAndMapItsErrors() throws {
    let (bus, path) = try makeBus(.smbusOnly)
    defer { unlink(path) }
    #expect {
      try bus.withExclusiveAccess { (session) throws(I2CError) in
        _ = try session.readRegister(address: 0x76, register: 0xD0)
      }
    } throws: { error in
      (error as? I2CError)?.kind == .io(errno: ENOTTY) && (error as? I2CError)?.address == 0x76
        && (error as? I2CError)?.bus == "/dev/i2c-test"
    }
  }

  @Test func theBusItselfAndNestedSessionsWorkInsideASessionOnTheSameThread() throws {
    let (bus, path) = try makeBus()
    defer { unlink(path) }
    // Without re-entrancy the bus's own call would wait for its own mutex forever.
    let errors = bus.withExclusiveAccess { (_) -> [I2CError.Kind] in
      var kinds: [I2CError.Kind] = []
      do throws(I2CError) { _ = try bus.readRegister(address: 0x76, register: 0xD0) } catch { kinds.append(error.kind) }
      bus.withExclusiveAccess { (inner) in
        do throws(I2CError) { _ = try inner.readRegister(address: 0x76, register: 0xD0) } catch {
          kinds.append(error.kind)
        }
      }
      do throws(I2CError) { _ = try bus.probe(address: 0x76, readByte: false) } catch { kinds.append(error.kind) }
      return kinds
    }
    #expect(errors == [.io(errno: ENOTTY), .io(errno: ENOTTY), .io(errno: ENOTTY)])
    #expect(deviceLockIsFree(path))
  }

  @Test func aSessionThatEscapedItsBodyRefusesTransactions() throws {
    let (bus, path) = try makeBus()
    defer { unlink(path) }
    let escaped = bus.withSession { $0 }
    #expect {
      _ = try escaped.readRegister(address: 0x76, register: 0xD0)
    } throws: { error in
      guard let error = error as? I2CError else { return false }
      return error.kind == .unsupported && error.bus == "/dev/i2c-test" && error.detail.contains("session")
    }
  }

  /// On an SMBus-only adapter a transaction is serialised in the process (the slave
  /// address is the bus object's state): another thread's waits for the session. (A
  /// register burst is not: it has its address's own file, decision 0427, which a test
  /// descriptor cannot open; the bench shows it. This one reads one byte.)
  @Test func anotherThreadsSMBusTransactionWaitsForTheSessionToEnd() throws {
    let (bus, path) = try makeBus(.smbusOnly)
    defer { unlink(path) }
    final class Flags: Sendable {
      let started = Atomic<Bool>(false)
      let sessionOver = Atomic<Bool>(false)
      let sawSessionOver = Atomic<Bool>(false)
    }
    final class Job: @unchecked Sendable {
      let run: () -> Void
      init(_ run: @escaping () -> Void) { self.run = run }
    }
    let flags = Flags()
    var thread = pthread_t()
    try bus.withExclusiveAccess { (_) throws(I2CError) in
      let job = Job {
        flags.started.store(true, ordering: .sequentiallyConsistent)
        _ = try? bus.readRegister(address: 0x76, register: 0xD0)
        flags.sawSessionOver.store(
          flags.sessionOver.load(ordering: .sequentiallyConsistent), ordering: .sequentiallyConsistent)
      }
      let context = Unmanaged.passRetained(job).toOpaque()
      let rc = pthread_create(
        &thread, nil,
        { raw in
          guard let raw else { return nil }
          let job = Unmanaged<Job>.fromOpaque(raw).takeRetainedValue()
          job.run()
          return nil
        }, context)
      guard rc == 0 else { throw I2CError(.io(errno: rc), bus: "test thread") }
      // Let the other thread reach the bus while it is held (no timing is asserted:
      // whenever it runs, it must not finish inside the session).
      while !flags.started.load(ordering: .sequentiallyConsistent) { sched_yield() }
      usleep(20_000)
      flags.sessionOver.store(true, ordering: .sequentiallyConsistent)
    }
    pthread_join(thread, nil)
    let waited = flags.sawSessionOver.load(ordering: .sequentiallyConsistent)
    #expect(waited)
  }

  /// On a plain-I2C adapter a transaction is one `I2C_RDWR` ioctl, atomic in the kernel,
  /// and takes no lock (decision 0425): another thread's completes while a session is
  /// open (here: inside the session, within 5 s; it would wait for the whole session if
  /// it took the mutex).
  @Test func anotherThreadsSingleTransferDoesNotWaitForASession() throws {
    let (bus, path) = try makeBus(.full)
    defer { unlink(path) }
    final class Done: Sendable { let value = Atomic<Bool>(false) }
    final class Job: @unchecked Sendable {
      let run: () -> Void
      init(_ run: @escaping () -> Void) { self.run = run }
    }
    let done = Done()
    var thread = pthread_t()
    var finishedInside = false
    try bus.withExclusiveAccess { (_) throws(I2CError) in
      let job = Job {
        _ = try? bus.readRegister(address: 0x76, register: 0xD0)
        done.value.store(true, ordering: .sequentiallyConsistent)
      }
      let context = Unmanaged.passRetained(job).toOpaque()
      let rc = pthread_create(
        &thread, nil,
        { raw in
          guard let raw else { return nil }
          Unmanaged<Job>.fromOpaque(raw).takeRetainedValue().run()
          return nil
        }, context)
      guard rc == 0 else { throw I2CError(.io(errno: rc), bus: "test thread") }
      for _ in 0..<5_000 where !done.value.load(ordering: .sequentiallyConsistent) { usleep(1_000) }
      finishedInside = done.value.load(ordering: .sequentiallyConsistent)
    }
    pthread_join(thread, nil)
    #expect(finishedInside)
  }

  /// Holds the device's `flock` from another open file description while `body` runs.
  func whileAnotherHolderHasTheDeviceLock<R>(_ path: String, _ body: () throws -> R) throws -> R {
    let fd = open(path, O_RDWR)
    try #require(fd >= 0)
    defer { close(fd) }
    try #require(flock(fd, LOCK_EX | LOCK_NB) == 0)
    defer { flock(fd, LOCK_UN) }
    return try body()
  }

  @Test(arguments: [I2CCapabilities.full, .smbusOnly])
  func aOneTransferTransactionTakesNoDeviceLock(caps: I2CCapabilities) throws {
    let (bus, path) = try makeBus(caps)
    defer { unlink(path) }
    // With the lock held elsewhere, a transaction that took it would block here for
    // ever; one adapter transfer (I2C_RDWR, or one SMBus operation) reaches the kernel.
    let kind = try whileAnotherHolderHasTheDeviceLock(path) { () -> I2CError.Kind? in
      let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 6, alignment: 1)
      defer { buffer.deallocate() }
      do throws(I2CError) { try bus.readRegisters(address: 0x76, start: 0xF7, into: buffer) } catch {
        return error.kind
      }
      return nil
    }
    #expect(kind == .io(errno: ENOTTY))
  }

  @Test func aTransactionOfSeveralSMBusTransfersWaitsForTheDeviceLock() throws {
    let (bus, path) = try makeBus(.smbusOnly)
    defer { unlink(path) }
    final class Flags: Sendable {
      let started = Atomic<Bool>(false)
      let released = Atomic<Bool>(false)
      let finishedAfterRelease = Atomic<Bool>(false)
    }
    final class Job: @unchecked Sendable {
      let run: () -> Void
      init(_ run: @escaping () -> Void) { self.run = run }
    }
    let flags = Flags()
    var thread = pthread_t()
    try whileAnotherHolderHasTheDeviceLock(path) {
      // 40 bytes from register 0x88: two I2C block reads (32 + 8), so the flock.
      let job = Job {
        flags.started.store(true, ordering: .sequentiallyConsistent)
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 40, alignment: 1)
        defer { buffer.deallocate() }
        _ = try? bus.readRegisters(address: 0x76, start: 0x88, into: buffer)
        flags.finishedAfterRelease.store(
          flags.released.load(ordering: .sequentiallyConsistent), ordering: .sequentiallyConsistent)
      }
      let context = Unmanaged.passRetained(job).toOpaque()
      let rc = pthread_create(
        &thread, nil,
        { raw in
          guard let raw else { return nil }
          Unmanaged<Job>.fromOpaque(raw).takeRetainedValue().run()
          return nil
        }, context)
      try #require(rc == 0)
      while !flags.started.load(ordering: .sequentiallyConsistent) { sched_yield() }
      usleep(20_000)
      flags.released.store(true, ordering: .sequentiallyConsistent)
    }
    pthread_join(thread, nil)
    let waited = flags.finishedAfterRelease.load(ordering: .sequentiallyConsistent)
    #expect(waited)
    #expect(deviceLockIsFree(path))
  }
}
