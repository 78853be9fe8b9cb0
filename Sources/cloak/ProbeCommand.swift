import ArgumentParser
import Boards
import Composition
import Drivers
import HAL

#if canImport(LinuxHAL)
  import LinuxHAL
#endif

/// `cloak probe`: checks that every expected I2C device answers with the right chip id
/// and every expected GPIO line exists (those of a board file, and any given one by one);
/// prints a table; exits 1 if anything is off.
struct ProbeCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "probe",
    abstract: "Check I2C devices (chip ids) and GPIO lines exist; exit non-zero if anything is missing.")

  @Option(help: "Board name or file: probe every I2C device and GPIO line role it declares.")
  var board: String?
  @Option(
    name: .customLong("device"),
    help: "BUS:ADDRESS:KIND, e.g. /dev/i2c-1:0x76:bmp280 (kinds: bmp280, bme280, pca9685, ms5611). Repeatable.")
  var devices: [String] = []
  @Option(name: .customLong("line"), help: "CHIP:LINE, e.g. pinctrl-bcm2711:GPIO17. Repeatable.")
  var lines: [String] = []
  @Option(help: "sysfs root (for resolving buses).") var sysfs = "/sys"

  func validate() throws {
    guard board != nil || !devices.isEmpty || !lines.isEmpty else {
      throw ValidationError("give --board, or at least one --device or --line")
    }
  }

  func run() throws {
    #if canImport(LinuxHAL)
      var deviceSpecs: [ProbeDeviceSpec] = []
      var lineSpecs: [ProbeLineSpec] = []
      if let board {
        let description = try loadBoardOrExit(board)
        (deviceSpecs, lineSpecs) = try Self.specs(of: description)
      }
      for text in devices {
        guard let spec = ProbeDeviceSpec(parsing: text) else {
          throw ValidationError("--device '\(text)' is not BUS:ADDRESS:KIND with ADDRESS 0x00-0x7f")
        }
        deviceSpecs.append(spec)
      }
      for text in lines {
        guard let spec = ProbeLineSpec(parsing: text) else {
          throw ValidationError("--line '\(text)' is not CHIP:LINE")
        }
        lineSpecs.append(spec)
      }
      let rows = BoardProbe.run(devices: deviceSpecs, lines: lineSpecs, sysfsRoot: sysfs)
      print(DeviceProbe.table(rows))
      if let board { print("board: \(board)") }
      let failed = rows.filter { !$0.passed }.count
      print(failed == 0 ? "all \(rows.count) checks passed" : "\(failed) of \(rows.count) checks failed")
      if failed > 0 { throw ExitCode(1) }
    #else
      throw ValidationError("cloak probe needs Linux")
    #endif
  }

  #if canImport(LinuxHAL)
    /// Every I2C device and GPIO line role of `board`, in role order.
    static func specs(of board: BoardDescription) throws -> ([ProbeDeviceSpec], [ProbeLineSpec]) {
      guard board.backend == .linux else {
        throw ValidationError("board '\(board.name)' runs on the \(board.backend.rawValue) backend: nothing to probe")
      }
      var devices: [ProbeDeviceSpec] = []
      for (role, device) in board.i2cDevices.sorted(by: { $0.key < $1.key }) {
        guard let kind = I2CChipKind(rawValue: device.kind.rawValue) else { continue }
        let bus: String
        switch board.i2cBuses[device.bus]?.locator {
        case .devicePath(let path): bus = path
        case .deviceTreeNode(let node): bus = node
        case .adapterName(let name): bus = name
        case .simulated(let name): bus = name
        case nil: bus = device.bus
        }
        devices.append(ProbeDeviceSpec(bus: bus, address: device.address, kind: kind, role: role))
      }
      let lines = board.lines.sorted(by: { $0.key < $1.key }).map { ProbeLineSpec($0.value.id, role: $0.key) }
      return (devices, lines)
    }
  #endif
}
