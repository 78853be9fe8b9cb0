import ArgumentParser
import HAL

#if canImport(LinuxHAL)
  import LinuxHAL
#endif

/// `cloak i2c scan`: i2cdetect-style safe probing of one bus or of every bus.
struct I2CCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "i2c", abstract: "I2C bench tools (Linux, i2c-dev).", subcommands: [Scan.self])

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
          print(I2CScan.table(I2CScan.scan(device, range: range)))
        }
      #else
        throw ValidationError("cloak i2c needs Linux")
      #endif
    }
  }
}
