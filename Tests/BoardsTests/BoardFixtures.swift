import Boards
import Foundation

/// Small board files for tests, and helpers to find lines in them.
enum BoardFixtures {
  /// A valid minimal board; tests splice faults into copies of it.
  static let minimal = """
    version: 1
    name: bad
    backend: linux
    supports: []
    features: [crew-override]
    gpio:
      chips:
        chip-a:
          lines: [L0, L1, L2, L3]
      lines:
        crew.override_switch: {chip: chip-a, line: L0, direction: input, active_low: true, bias: pull-up}
        status.led: {chip: chip-a, line: L1, direction: output, safe: inactive}
    i2c:
      buses:
        main: {device: /dev/i2c-1}
      devices:
        pressure.node1.a: {kind: bmp280, bus: main, address: 0x76}
    """

  /// The 1-based line of the `occurrence`th line containing `needle`; 0 if absent.
  static func line(of needle: String, occurrence: Int = 1, in text: String) -> Int {
    var seen = 0
    for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated()
    where line.contains(needle) {
      seen += 1
      if seen == occurrence { return index + 1 }
    }
    return 0
  }

  /// Loads `yaml` as `boards/bad.yaml` and returns the errors (empty if it loaded).
  static func errors(_ yaml: String) -> [BoardError] {
    do {
      _ = try BoardLoader.load(yaml: yaml, file: "boards/bad.yaml", expectedName: "bad")
      return []
    } catch {
      return error.errors
    }
  }

  /// The repository's `boards/` directory, found from this file's path.
  static var repositoryBoards: String {
    URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent().appendingPathComponent("boards").path
  }
}
