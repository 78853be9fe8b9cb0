// Linux only: the bench drives Linux kernel interfaces (gpio-sim, i2c-dev, softdog).
#if os(Linux)
  import Foundation
  import Glibc
  import Synchronization

  import HAL

  /// Register bursts from several threads of one process on a real adapter (decision
  /// 0427): on an SMBus-only adapter a burst goes through its address's own open file,
  /// so it neither waits for another thread's session nor is disturbed by another
  /// thread's transactions to another address on the shared file.
  enum I2CThreadTests {
    static var all: [BenchTest] {
      [
        BenchTest(name: "i2c.burst-on-another-thread-does-not-wait-for-a-session", body: burstDuringSession),
        BenchTest(name: "i2c.bursts-and-other-addresses-from-two-threads-stay-correct", body: twoThreads),
      ]
    }

    final class Flag: Sendable { let value = Atomic<Bool>(false) }
    /// The bus, shared with the other thread (LinuxI2CBus is made for several threads).
    final class Shared: @unchecked Sendable {
      let bus: any I2CBus
      init(_ bus: any I2CBus) { self.bus = bus }
    }

    /// While this thread holds a session, another thread's 6-byte burst completes
    /// (inside the session, within 10 s) with the right bytes.
    static func burstDuringSession(_ ctx: BenchContext) throws {
      let bus = try I2CTests.bus(ctx)
      let address = try I2CTests.bmp280(ctx)
      guard !bus.capabilities.contains(.plainI2C) else {
        throw BenchSkip("plain-I2C adapter: covered by the I2C_RDWR path (decision 0425)")
      }
      let done = Flag()
      let result = Mutex<[UInt8]>([])
      var finishedInside = false
      try bus.withExclusiveAccess { (_) throws(I2CError) in
        let shared = Shared(bus)
        let thread = Thread {
          let bus = shared.bus
          var buffer = [UInt8](repeating: 0xAA, count: 6)
          if (try? bus.readRegisters(address: address, start: 0xF7, into: &buffer)) != nil {
            result.withLock { $0 = buffer }
          }
          done.value.store(true, ordering: .sequentiallyConsistent)
        }
        thread.start()
        let end = Date().addingTimeInterval(10)
        while !done.value.load(ordering: .sequentiallyConsistent), Date() < end { usleep(1_000) }
        finishedInside = done.value.load(ordering: .sequentiallyConsistent)
      }
      while !done.value.load(ordering: .sequentiallyConsistent) { usleep(1_000) }
      try expect(finishedInside, "the burst waited for the other thread's session to end")
      try I2CTests.compare(ctx, result.withLock { $0 }, from: 0xF7, what: "burst read during a session")
    }

    /// One thread reads the BMP280's data burst 2,000 times while another reads and
    /// writes the PCA9685 (which moves the shared file's slave address back and forth):
    /// every burst has the BMP280's bytes and every PCA9685 read its own.
    static func twoThreads(_ ctx: BenchContext) throws {
      guard let pca = try ctx.i2c().pca9685 else { throw BenchSkip("the fixture has no PCA9685") }
      let pcaAddress = UInt8(truncatingIfNeeded: pca)
      let bus = try I2CTests.bus(ctx)
      let bmp = try I2CTests.bmp280(ctx)
      let expected = try bus.transfer(address: bmp, write: [0xF7], read: 6)
      let original = try bus.transfer(address: pcaAddress, write: [0x42], read: 1)
      defer { try? bus.writeRegister(address: pcaAddress, register: 0x42, value: original[0]) }
      let stop = Flag()
      let otherFailure = Mutex<String?>(nil)
      let otherDone = Flag()
      let shared = Shared(bus)
      let other = Thread {
        let bus = shared.bus
        var value: UInt8 = 0
        while !stop.value.load(ordering: .sequentiallyConsistent) {
          value &+= 1
          do {
            try bus.writeRegister(address: pcaAddress, register: 0x42, value: value)
            let back = try bus.readRegister(address: pcaAddress, register: 0x42)
            if back != value {
              otherFailure.withLock { $0 = "PCA9685 register 0x42 read back \(back), wrote \(value)" }
              break
            }
          } catch {
            otherFailure.withLock { $0 = "PCA9685: \(error)" }
            break
          }
        }
        otherDone.value.store(true, ordering: .sequentiallyConsistent)
      }
      other.start()
      defer {
        stop.value.store(true, ordering: .sequentiallyConsistent)
        while !otherDone.value.load(ordering: .sequentiallyConsistent) { usleep(1_000) }
      }
      var buffer = [UInt8](repeating: 0, count: 6)
      for index in 0..<2_000 {
        try bus.readRegisters(address: bmp, start: 0xF7, into: &buffer)
        try expect(buffer == expected, "burst \(index) read \(buffer), expected \(expected)")
      }
      stop.value.store(true, ordering: .sequentiallyConsistent)
      while !otherDone.value.load(ordering: .sequentiallyConsistent) { usleep(1_000) }
      if let failure = otherFailure.withLock({ $0 }) { throw BenchFailure(failure) }
    }
  }
#endif
