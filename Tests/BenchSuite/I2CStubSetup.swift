// Linux only: the bench drives Linux kernel interfaces (gpio-sim, i2c-dev, softdog).
#if os(Linux)
  import Glibc

  /// Finds I2C adapters by name and preloads i2c-stub chips, independently of the
  /// backend under test (sysfs and i2c-tools' i2cset).
  enum I2CStubSetup {
    /// `/dev/i2c-N` for an adapter name (from /sys/class/i2c-dev/i2c-N/name), or `spec`
    /// itself when it is already a path.
    static func devicePath(for spec: String) throws -> String {
      if spec.hasPrefix("/") { return spec }
      let root = "/sys/class/i2c-dev"
      for entry in try SysFS.list(root) where (try? SysFS.read("\(root)/\(entry)/name")) == spec {
        return "/dev/\(entry)"
      }
      throw BenchFailure("no I2C adapter named '\(spec)' under \(root)")
    }

    /// Loads `image` into the stub chip at `address` with SMBus word writes: i2c-stub
    /// keeps one 16-bit word per register, so register r gets image[r] | image[r+1] << 8.
    /// Then byte, word (low byte first) and I2C block reads all see the byte map a real
    /// auto-incrementing chip would show.
    static func preload(bus: String, address: Int, image: [UInt8]) throws {
      let path = try devicePath(for: bus)
      guard let dash = path.lastIndex(of: "-") else { throw BenchFailure("\(path) is not an i2c-dev device path") }
      let number = String(path[path.index(after: dash)...])
      for register in 0..<256 {
        let low = image[register]
        let high = register < 255 ? image[register + 1] : 0
        guard low != 0 || high != 0 else { continue }
        let word = String(Int(low) | Int(high) << 8, radix: 16)
        let status = try run([
          "i2cset", "-y", number, "0x" + String(address, radix: 16), "0x" + String(register, radix: 16), "0x" + word,
          "w",
        ])
        guard status == 0 else {
          throw BenchFailure("i2cset of register \(register) at address \(address) on \(bus) exited \(status)")
        }
      }
    }

    /// Runs a program from PATH and returns its exit status.
    static func run(_ arguments: [String]) throws -> Int32 {
      let argv = arguments.map { strdup($0) }
      defer { for arg in argv { free(arg) } }
      var cArgv: [UnsafeMutablePointer<CChar>?] = argv + [nil]
      var pid: pid_t = 0
      let program = arguments.first ?? ""
      let spawned = posix_spawnp(&pid, program, nil, nil, &cArgv, environ)
      guard spawned == 0 else { throw BenchFailure("cannot start \(program): \(String(cString: strerror(spawned)))") }
      var status: Int32 = 0
      while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
      return (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
    }
  }
#endif
