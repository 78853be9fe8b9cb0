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
        BenchTest(name: "i2c.bus-lock-shared-between-processes", body: crossProcessLock),
        BenchTest(name: "i2c.session-excludes-other-process", body: sessionExcludesOtherProcess),
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

    /// A second process must not transact while this one holds the bus lock.
    static func crossProcessLock(_ ctx: BenchContext) throws {
      let spec = try ctx.i2c().bus
      _ = try bus(ctx)  // skips here, not in the helper, when there is no backend
      let path = try I2CStubSetup.devicePath(for: spec)
      let address = try bmp280(ctx)
      let fd = open(path, O_RDWR | O_CLOEXEC)
      guard fd >= 0 else { throw BenchFailure("open \(path): \(String(cString: strerror(errno)))") }
      defer { close(fd) }
      guard flock(fd, LOCK_EX) == 0 else { throw BenchFailure("flock \(path): \(String(cString: strerror(errno)))") }
      let child = try ChildProcess(arguments: [
        "--board", ctx.config.boardPath, "--fixture", ctx.config.fixturePath, "--i2c-read", spec, String(address),
        "208",
      ])
      guard let ready = child.readLine(timeout: .seconds(30)), ready == "ready" else {
        throw BenchFailure("the helper did not get ready")
      }
      // Whether the helper is blocked is only observable as "has not finished yet".
      if let early = child.waitExit(timeout: .milliseconds(300)) {
        let said = child.readLine(timeout: .milliseconds(10)) ?? ""
        try expect(early != 0, "the helper completed a transaction while the bus was locked (\(said))")
        try expect(said.contains("busy"), "the helper failed with something other than bus busy: \(said)")
        return
      }
      flock(fd, LOCK_UN)
      guard let status = child.waitExit(timeout: .seconds(30)) else {
        throw BenchFailure("the helper did not finish after the lock was released")
      }
      let said = child.readLine(timeout: .milliseconds(10)) ?? ""
      try expect(status == 0, "the helper failed after the lock was released: \(said)")
    }

    /// While this process holds a session (`withExclusiveAccess`), a second process's
    /// transaction must wait, and the session's own transactions still work.
    static func sessionExcludesOtherProcess(_ ctx: BenchContext) throws {
      let spec = try ctx.i2c().bus
      let bus = try bus(ctx)
      let address = try bmp280(ctx)
      let child = try bus.withExclusiveAccess { (session) throws -> ChildProcess in
        let child = try ChildProcess(arguments: [
          "--board", ctx.config.boardPath, "--fixture", ctx.config.fixturePath, "--i2c-read", spec,
          String(address), "208",
        ])
        guard let ready = child.readLine(timeout: .seconds(30)), ready == "ready" else {
          throw BenchFailure("the helper did not get ready")
        }
        // Only "has not finished yet" is observable; it must hold however long we wait.
        if let early = child.waitExit(timeout: .milliseconds(300)) {
          let said = child.readLine(timeout: .milliseconds(10)) ?? ""
          throw BenchFailure("the helper finished (status \(early): \(said)) while the session held the bus")
        }
        let id = try session.readRegister(address: address, register: 0xD0)
        try expect(id == 0x58 || id == 0x60, "chip id through the session is \(hex(id))")
        return child
      }
      guard let status = child.waitExit(timeout: .seconds(30)) else {
        throw BenchFailure("the helper did not finish after the session ended")
      }
      let said = child.readLine(timeout: .milliseconds(10)) ?? ""
      try expect(status == 0, "the helper failed after the session ended: \(said)")
    }

    /// Helper mode: one register read; prints `ready`, then the value or the error.
    static func readOnce(bus spec: String, address: UInt8, register: UInt8) -> Int32 {
      do {
        let bus = try LinuxBackend.i2cBus(spec)
        say("ready")
        let value = try bus.readRegister(address: address, register: register)
        say("value \(hex(value))")
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
