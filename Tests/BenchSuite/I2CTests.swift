// Linux only: the bench drives Linux kernel interfaces (gpio-sim, i2c-dev, softdog).
#if os(Linux)
  import Glibc

  import HAL

  /// I2C through the backend under test. On the virtual bench the chips are i2c-stub
  /// images (RegisterImages), so reads are compared byte for byte; on a real board only
  /// what does not change (chip id, calibration stable across reads) is compared.
  enum I2CTests {
    static var all: [BenchTest] {
      [
        BenchTest(name: "i2c.bus-resolved-by-adapter-name", body: busByName),
        BenchTest(name: "i2c.smbus-only-capabilities-detected", body: capabilities),
        BenchTest(name: "i2c.byte-read-chip-id", body: byteRead),
        BenchTest(name: "i2c.word-read", body: wordRead),
        BenchTest(name: "i2c.block-read-calibration", body: blockRead),
        BenchTest(name: "i2c.six-byte-data-burst", body: sixByteRead),
        BenchTest(name: "i2c.read-over-32-bytes-split", body: longRead),
        BenchTest(name: "i2c.register-write-read-back", body: writeReadBack),
        BenchTest(name: "i2c.absent-device-typed-error", body: absentDevice),
        BenchTest(name: "i2c.one-transfer-read-takes-no-bus-lock", body: oneTransferIgnoresBusLock),
        BenchTest(name: "i2c.multi-transfer-read-waits-for-bus-lock", body: multiTransferWaitsForBusLock),
        BenchTest(name: "i2c.session-excludes-other-process-session", body: sessionExcludesOtherProcess),
        BenchTest(name: "i2c.session-excludes-other-process-multi-transfer", body: sessionExcludesMultiTransfer),
      ]
    }

    static func bus(_ ctx: BenchContext) throws -> any I2CBus {
      try LinuxBackend.i2cBus(try ctx.i2c().bus)
    }

    static func bmp280(_ ctx: BenchContext) throws -> UInt8 {
      guard let address = try ctx.i2c().bmp280 else { throw BenchSkip("the fixture has no BMP280") }
      return UInt8(truncatingIfNeeded: address)
    }

    static func busByName(_ ctx: BenchContext) throws {
      let spec = try ctx.i2c().bus
      let expected = try I2CStubSetup.devicePath(for: spec)
      let bus = try bus(ctx)
      try expect(bus.name == expected, "bus '\(spec)' resolved to \(bus.name), the kernel says \(expected)")
    }

    static func capabilities(_ ctx: BenchContext) throws {
      let caps = try bus(ctx).capabilities
      guard ctx.config.isVirtual else {
        throw BenchSkip("real adapter: capabilities \(caps.rawValue) (no fixed expectation)")
      }
      try expect(!caps.contains(.plainI2C), "i2c-stub reported plain I2C (I2C_RDWR), which it cannot do")
      try expect(
        caps.isSuperset(of: [.smbusByteData, .smbusWordData, .smbusI2CBlock]),
        "i2c-stub capabilities \(caps.rawValue) lack byte/word/I2C-block SMBus")
    }

    static func byteRead(_ ctx: BenchContext) throws {
      let id = try bus(ctx).readRegister(address: try bmp280(ctx), register: 0xD0)
      try expect(id == 0x58 || id == 0x60, "chip id register 0xD0 reads \(hex(id)), expected 0x58 (or BME280 0x60)")
    }

    static func wordRead(_ ctx: BenchContext) throws {
      let bytes = try bus(ctx).transfer(address: try bmp280(ctx), write: [0x88], read: 2)
      try compare(ctx, bytes, from: 0x88, what: "dig_T1")
    }

    static func blockRead(_ ctx: BenchContext) throws {
      let bus = try bus(ctx)
      let first = try bus.transfer(address: try bmp280(ctx), write: [0x88], read: 24)
      let second = try bus.transfer(address: try bmp280(ctx), write: [0x88], read: 24)
      try expect(first == second, "calibration differs between two reads")
      try compare(ctx, first, from: 0x88, what: "calibration 0x88..0x9F")
    }

    static func sixByteRead(_ ctx: BenchContext) throws {
      let bus = try bus(ctx)
      var buffer = [UInt8](repeating: 0xAA, count: 6)
      try bus.readRegisters(address: try bmp280(ctx), start: 0xF7, into: &buffer)
      try compare(ctx, buffer, from: 0xF7, what: "data burst 0xF7..0xFC")
    }

    static func longRead(_ ctx: BenchContext) throws {
      let bytes = try bus(ctx).transfer(address: try bmp280(ctx), write: [0x80], read: 80)
      try expect(bytes.count == 80, "read \(bytes.count) bytes, asked 80")
      try compare(ctx, Array(bytes[8..<32]), from: 0x88, what: "calibration inside an 80-byte read")
      if ctx.config.isVirtual { try compare(ctx, bytes, from: 0x80, what: "80 bytes from 0x80") }
    }

    static func writeReadBack(_ ctx: BenchContext) throws {
      guard let pca = try ctx.i2c().pca9685 else { throw BenchSkip("the fixture has no PCA9685") }
      let address = UInt8(truncatingIfNeeded: pca)
      let bus = try bus(ctx)
      // LED15 ON/OFF registers: harmless while the chip sleeps (MODE1 power-on 0x11).
      let original = try bus.transfer(address: address, write: [0x42], read: 4)
      defer { try? bus.writeRegisters(address: address, start: 0x42, bytes: original) }
      try bus.writeRegister(address: address, register: 0x42, value: 0x5A)
      try expect(try bus.readRegister(address: address, register: 0x42) == 0x5A, "byte write not read back")
      try bus.writeRegisters(address: address, start: 0x42, bytes: [0x01, 0x02, 0x03, 0x04])
      let back = try bus.transfer(address: address, write: [0x42], read: 4)
      try expect(back == [0x01, 0x02, 0x03, 0x04], "block write read back as \(back.map(hex))")
      if ctx.config.isVirtual {
        let mode1 = try bus.readRegister(address: address, register: 0x00)
        try expect(mode1 == 0x11, "PCA9685 MODE1 reads \(hex(mode1)), power-on default is 0x11")
      }
    }

    static func absentDevice(_ ctx: BenchContext) throws {
      let address = UInt8(truncatingIfNeeded: try ctx.i2c().absent)
      let bus = try bus(ctx)
      let error = try expectI2CError("reading from empty address \(hex(address))") { () throws(I2CError) in
        _ = try bus.readRegister(address: address, register: 0x00)
      }
      try expect(error.address == address, "error names address \(error.address.map(hex) ?? "none")")
      try expect(error.bus == bus.name, "error names bus \(error.bus), not \(bus.name)")
      switch error.kind {
      case .nack(.address), .nack(.unknown), .notFound: break
      default: throw BenchFailure("kind is \(error.kind), expected a NACK or not-found: \(error)")
      }
    }

    /// A helper process reading `count` bytes from `register` (in a session when
    /// `session`), started and ready.
    static func readHelper(_ ctx: BenchContext, register: UInt8, count: Int, session: Bool) throws -> ChildProcess {
      let child = try ChildProcess(
        arguments: [
          "--board", ctx.config.boardPath, "--fixture", ctx.config.fixturePath, "--i2c-read", try ctx.i2c().bus,
          String(try bmp280(ctx)), String(register), "--i2c-count", String(count),
        ] + (session ? ["--i2c-session"] : []))
      guard let ready = child.readLine(timeout: .seconds(30)), ready == "ready" else {
        throw BenchFailure("the helper did not get ready")
      }
      return child
    }

    /// Holds the bus device's `flock` (as another process's session or multi-transfer
    /// transaction would) from a file description of this process while `body` runs.
    static func whileBusLockHeld<R>(_ ctx: BenchContext, _ body: () throws -> R) throws -> R {
      _ = try bus(ctx)  // skips here, not in the helper, when there is no backend
      let path = try I2CStubSetup.devicePath(for: try ctx.i2c().bus)
      let fd = open(path, O_RDWR | O_CLOEXEC)
      guard fd >= 0 else { throw BenchFailure("open \(path): \(String(cString: strerror(errno)))") }
      defer { close(fd) }
      guard flock(fd, LOCK_EX) == 0 else { throw BenchFailure("flock \(path): \(String(cString: strerror(errno)))") }
      defer { flock(fd, LOCK_UN) }
      return try body()
    }

    /// The helper must not finish within 300 ms (only "not finished yet" is observable).
    static func expectStillWaiting(_ child: ChildProcess, _ what: String) throws {
      if let early = child.waitExit(timeout: .milliseconds(300)) {
        let said = child.readLine(timeout: .milliseconds(10)) ?? ""
        throw BenchFailure("the helper finished (status \(early): \(said)) while \(what)")
      }
    }

    /// The helper finishes within 30 s, successfully, with the image's bytes from
    /// `register` on the virtual bench.
    static func expectFinished(_ ctx: BenchContext, _ child: ChildProcess, register: Int, _ what: String) throws {
      guard let status = child.waitExit(timeout: .seconds(30)) else {
        throw BenchFailure("the helper did not finish \(what)")
      }
      let said = child.readLine(timeout: .milliseconds(100)) ?? ""
      try expect(status == 0 && said.hasPrefix("value"), "the helper failed \(what): \(said)")
      let bytes = said.split(separator: " ").dropFirst().compactMap { UInt8($0.dropFirst(2), radix: 16) }
      try compare(ctx, bytes, from: register, what: "the helper's read")
    }

    /// A 6-byte data burst is one adapter transfer (one SMBus I2C block read here, one
    /// I2C_RDWR on a plain-I2C adapter), atomic in the kernel: it takes no `flock`, so it
    /// completes while another process holds the bus lock (decision 0424).
    static func oneTransferIgnoresBusLock(_ ctx: BenchContext) throws {
      try whileBusLockHeld(ctx) {
        let child = try readHelper(ctx, register: 0xF7, count: 6, session: false)
        try expectFinished(ctx, child, register: 0xF7, "while another process held the bus lock")
      }
    }

    /// A 40-byte read is two SMBus block reads on an SMBus-only adapter: it waits for the
    /// bus lock, then completes. On a plain-I2C adapter it is one I2C_RDWR and does not.
    static func multiTransferWaitsForBusLock(_ ctx: BenchContext) throws {
      guard !(try bus(ctx).capabilities.contains(.plainI2C)) else {
        throw BenchSkip("plain-I2C adapter: a 40-byte read is one transfer, no lock to wait for")
      }
      let child = try whileBusLockHeld(ctx) { () throws -> ChildProcess in
        let child = try readHelper(ctx, register: 0x88, count: 40, session: false)
        try expectStillWaiting(child, "another process held the bus lock")
        return child
      }
      try expectFinished(ctx, child, register: 0x88, "after the bus lock was released")
    }

    /// While this process holds a session (`withExclusiveAccess`), another process's
    /// session must wait, and this session's own transactions still work.
    static func sessionExcludesOtherProcess(_ ctx: BenchContext) throws {
      try sessionExcludes(ctx, register: 0xD0, count: 1, session: true)
    }

    /// ... and so must another process's multi-transfer transaction (SMBus-only adapters).
    static func sessionExcludesMultiTransfer(_ ctx: BenchContext) throws {
      guard !(try bus(ctx).capabilities.contains(.plainI2C)) else {
        throw BenchSkip("plain-I2C adapter: a 40-byte read is one transfer")
      }
      try sessionExcludes(ctx, register: 0x88, count: 40, session: false)
    }

    static func sessionExcludes(_ ctx: BenchContext, register: UInt8, count: Int, session: Bool) throws {
      let bus = try bus(ctx)
      let address = try bmp280(ctx)
      let child = try bus.withExclusiveAccess { (held) throws -> ChildProcess in
        let child = try readHelper(ctx, register: register, count: count, session: session)
        try expectStillWaiting(child, "the session held the bus")
        let id = try held.readRegister(address: address, register: 0xD0)
        try expect(id == 0x58 || id == 0x60, "chip id through the session is \(hex(id))")
        return child
      }
      try expectFinished(ctx, child, register: Int(register), "after the session ended")
    }

    /// Helper mode: one read of `count` bytes from `register` (in a session when
    /// `session`); prints `ready`, then `value 0x.. 0x..` or the error.
    static func readOnce(bus spec: String, address: UInt8, register: UInt8, count: Int, session: Bool) -> Int32 {
      do {
        let bus = try LinuxBackend.i2cBus(spec)
        say("ready")
        let bytes =
          session
          ? try bus.withExclusiveAccess { (held) throws(I2CError) in
            try held.transfer(address: address, write: [register], read: count)
          } : try bus.transfer(address: address, write: [register], read: count)
        say("value " + bytes.map(hex).joined(separator: " "))
        return 0
      } catch let error as I2CError {
        say(error.kind == .busBusy ? "busy: \(error)" : "error: \(error)")
        return 4
      } catch {
        say("error: \(oneLine(error))")
        return 3
      }
    }

    /// On the virtual bench, `bytes` must equal the preloaded image from `start`.
    static func compare(_ ctx: BenchContext, _ bytes: [UInt8], from start: Int, what: String) throws {
      guard ctx.config.isVirtual else { return }
      let image = RegisterImages.bmp280
      let end = min(start + bytes.count, image.count)
      let expected = Array(image[start..<end])
      try expect(bytes == expected, "\(what): read \(bytes.map(hex)), image has \(expected.map(hex))")
    }
  }
#endif
