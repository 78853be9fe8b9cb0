import ArgumentParser
import HAL

#if canImport(LinuxHAL)
  import LinuxHAL
#endif

/// `cloak probe`: checks that every expected I2C device answers with the right chip id
/// and every expected GPIO line exists; prints a table; exits 1 if anything is off.
struct ProbeCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "probe",
    abstract: "Check I2C devices (chip ids) and GPIO lines exist; exit non-zero if anything is missing.")

  @Option(
    name: .customLong("device"),
    help: "BUS:ADDRESS:KIND, e.g. /dev/i2c-1:0x76:bmp280 (kinds: bmp280, bme280, pca9685, ms5611). Repeatable.")
  var devices: [String] = []
  @Option(name: .customLong("line"), help: "CHIP:LINE, e.g. pinctrl-bcm2711:GPIO17. Repeatable.")
  var lines: [String] = []
  @Option(help: "sysfs root (for resolving buses).") var sysfs = "/sys"

  func validate() throws {
    guard !devices.isEmpty || !lines.isEmpty else { throw ValidationError("give at least one --device or --line") }
  }

  func run() throws {
    #if canImport(LinuxHAL)
      var deviceSpecs: [ProbeDeviceSpec] = []
      for text in devices {
        guard let spec = ProbeDeviceSpec(parsing: text) else {
          throw ValidationError("--device '\(text)' is not BUS:ADDRESS:KIND with ADDRESS 0x03-0x77")
        }
        deviceSpecs.append(spec)
      }
      var lineSpecs: [ProbeLineSpec] = []
      for text in lines {
        guard let spec = ProbeLineSpec(parsing: text) else {
          throw ValidationError("--line '\(text)' is not CHIP:LINE")
        }
        lineSpecs.append(spec)
      }
      let rows = BenchProbe.run(devices: deviceSpecs, lines: lineSpecs, sysfsRoot: sysfs)
      print(DeviceProbe.table(rows))
      let failed = rows.filter { !$0.passed }.count
      print(failed == 0 ? "all \(rows.count) checks passed" : "\(failed) of \(rows.count) checks failed")
      if failed > 0 { throw ExitCode(1) }
    #else
      throw ValidationError("cloak probe needs Linux")
    #endif
  }
}
