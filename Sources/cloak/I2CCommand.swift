import ArgumentParser
import Drivers
import HAL

#if canImport(LinuxHAL)
  import LinuxHAL
#endif

/// `cloak i2c scan`: i2cdetect-style safe probing of one bus or of every bus.
struct I2CCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "i2c", abstract: "I2C bench tools (Linux, i2c-dev).", subcommands: [Scan.self, BenchRead.self])

  struct Scan: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Probe addresses like i2cdetect: quick write, or read byte in the EEPROM ranges 0x30-0x37, 0x50-0x5f.")
    @Option(help: "Bus: /dev/i2c-N, N, a device-tree node (4819c000.i2c) or an adapter name. Default: every bus.")
    var bus: String?
    @Flag(help: "Scan 0x00-0x7f instead of 0x08-0x77.") var all = false
    @Option(help: "sysfs root (for resolving buses).") var sysfs = "/sys"

    func run() throws {
      #if canImport(LinuxHAL)
        let resolver = I2CBusResolver(sysfsRoot: sysfs)
        let targets: [String]
        if let bus {
          targets = [try benchRun { () throws(I2CError) in try resolver.resolve(bus) }]
        } else {
          targets = resolver.listBuses().map(\.path)
          guard !targets.isEmpty else {
            printError("cloak: no I2C buses under \(sysfs)/class/i2c-dev (is i2c-dev loaded?)")
            throw ExitCode(1)
          }
        }
        let range: ClosedRange<UInt8> = all ? 0x00...0x7F : I2CScan.defaultRange
        for path in targets {
          let device = try benchRun { () throws(I2CError) in try LinuxI2CBus(path: path, retry: .none) }
          let kind = device.capabilities.contains(.plainI2C) ? "plain I2C + SMBus" : "SMBus only"
          print("\(path) (\(kind))")
          let results = I2CScan.scan(device, range: range)
          print(I2CScan.table(results))
          // What an answer may mean beyond "a device is there" (the PCA9685 All Call).
          for (address, result) in results.sorted(by: { $0.key < $1.key }) where result == .present {
            if let note = I2CAddressNotes.note(for: address) { print("note: \(note)") }
          }
        }
      #else
        throw ValidationError("cloak i2c needs Linux")
      #endif
    }
  }
}

extension I2CCommand {
  /// The LinuxHAL side of the I2C benchmark (scripts/bench-c/i2c_read_loop.c is the C
  /// side): burst-reads a register block into a preallocated buffer, as drivers do.
  struct BenchRead: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "bench-read", abstract: "Time ITERATIONS register reads through LinuxHAL; print ns per read.")
    @Option(help: "Bus: /dev/i2c-N, N, a device-tree node or an adapter name.") var bus: String
    @Option(help: "7-bit device address (0x76 or 118).") var address: String
    @Option(help: "First register (default 0xf7, the BMP280 data burst).") var register = "0xf7"
    @Option(help: "Bytes per read (1...32).") var count = 6
    @Option(help: "Number of reads.") var iterations = 100_000
    @Flag(help: "Skip the inter-process flock of sessions and multi-transfer reads.") var noFlock = false
    @Flag(help: "Read into a raw buffer instead of an [UInt8] (to measure the array helper's cost).")
    var rawBuffer = false
    @Flag(help: "Do all reads in one session (withExclusiveAccess through any I2CBus: locks taken once).")
    var session = false
    @Option(help: "sysfs root (for resolving buses).") var sysfs = "/sys"

    func run() throws {
      #if canImport(LinuxHAL)
        guard let device = parseByte(address), device <= 0x77 else { throw ValidationError("bad --address") }
        guard let start = parseByte(register) else { throw ValidationError("bad --register") }
        guard (1...32).contains(count), iterations > 0 else { throw ValidationError("bad --count or --iterations") }
        let path = try benchRun { () throws(I2CError) in try I2CBusResolver(sysfsRoot: sysfs).resolve(bus) }
        let i2c = try benchRun { () throws(I2CError) in
          try LinuxI2CBus(path: path, retry: I2CRetryPolicy(), interProcessLock: !noFlock)
        }
        var buffer = [UInt8](repeating: 0, count: count)
        let raw = UnsafeMutableRawBufferPointer.allocate(byteCount: count, alignment: 8)
        defer { raw.deallocate() }
        let clock = SystemClock()
        let begin = clock.now()
        try benchRun { () throws(I2CError) in
          if session {
            let erased: any I2CBus = i2c
            try erased.withExclusiveAccess { (held) throws(I2CError) in
              for _ in 0..<iterations { try held.readRegisters(address: device, start: start, into: raw) }
            }
          } else if rawBuffer {
            for _ in 0..<iterations { try i2c.readRegisters(address: device, start: start, into: raw) }
          } else {
            for _ in 0..<iterations { try i2c.readRegisters(address: device, start: start, into: &buffer) }
          }
        }
        let elapsed = begin.duration(to: clock.now()).nanosecondsSaturated
        let kind = i2c.capabilities.contains(.plainI2C) ? "rdwr" : "smbus"
        print(
          "cloak_i2c_read ns_per_op=\(Double(elapsed) / Double(iterations)) iterations=\(iterations) path=\(kind) "
            + "flock=\(noFlock ? 0 : 1) buffer=\(session ? "session" : rawBuffer ? "raw" : "array")")
      #else
        throw ValidationError("cloak i2c needs Linux")
      #endif
    }
  }
}

/// `0x76` or `118` as a byte.
func parseByte(_ text: String) -> UInt8? {
  let lower = text.lowercased()
  return lower.hasPrefix("0x") ? UInt8(lower.dropFirst(2), radix: 16) : UInt8(lower)
}
