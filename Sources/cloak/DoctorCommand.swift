import ArgumentParser
import Composition

/// `cloak doctor`: checks a machine before the controller's first start
/// (docs/deployment.md). One line per finding with what to fix; exit status 1 when
/// something blocks a start.
struct DoctorCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "doctor",
    abstract: "Check this machine before the controller's first start; exit 1 if something blocks it.",
    discussion: """
      Checks the configuration files, GPIO character devices and the board's chips and \
      lines, the libgpiod version against this build, the I2C buses (with the Raspberry Pi \
      dtparam/overlay hint), group membership, real-time limits and /dev/cpu_dma_latency, the \
      clock source and the watchdog device. The board is --board, else the configuration's, \
      else sim.
      """)

  @Option(help: "Board name or path (default: the configuration's board, else sim).") var board: String?
  @Option(help: ArgumentHelp("Runtime configuration (default: $CLOAK_CONFIG_DIR or /etc/cloak).", valueName: "FILE"))
  var config: String?

  func run() throws {
    let findings = Doctor().run(board: board, config: config)
    for finding in findings { print(finding.description) }
    let blocking = findings.filter { $0.level == .blocking }.count
    let warnings = findings.filter { $0.level == .warning }.count
    print(
      blocking == 0
        ? "doctor: nothing blocks a start (\(warnings) warnings)"
        : "doctor: \(blocking) problems block a start (\(warnings) warnings)")
    if blocking > 0 { throw ExitCode(1) }
  }
}
