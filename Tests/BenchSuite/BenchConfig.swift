// Linux only: the bench drives Linux kernel interfaces (gpio-sim, i2c-dev, softdog).
#if os(Linux)
  import Glibc

  import Boards
  import HAL
  import Yams

  /// The bench fixture file (`boards/bench/<board>.yaml`): how the bench's "hardware side"
  /// is wired for one board. See docs/bench.md.
  ///
  /// ```yaml
  /// fixture: gpio-sim            # or loopback (jumpered pairs on a real board)
  /// gpio:
  ///   pairs:                     # the line under test, and on loopback its jumpered partner
  ///     - { chip: cloak-sim-a, line: bench-a0 }
  ///     - { chip: pinctrl-bcm2711, line: GPIO17, partner-chip: pinctrl-bcm2711, partner-line: GPIO27 }
  /// i2c: { bus: "SMBus stub driver", bmp280: 0x76, pca9685: 0x40, absent: 0x50 }
  /// watchdog: /dev/watchdog
  /// ```
  struct FixtureFile: Decodable {
    enum Kind: String, Decodable {
      case gpioSim = "gpio-sim"
      case loopback
    }

    struct Pair: Decodable {
      var chip: String
      var line: String
      var partnerChip: String?
      var partnerLine: String?

      enum CodingKeys: String, CodingKey {
        case chip, line
        case partnerChip = "partner-chip"
        case partnerLine = "partner-line"
      }

      var id: GPIOLineID { GPIOLineID(chip: chip, line: line) }
      var partner: GPIOLineID? {
        guard let partnerChip, let partnerLine else { return nil }
        return GPIOLineID(chip: partnerChip, line: partnerLine)
      }
    }

    struct GPIO: Decodable {
      var pairs: [Pair]
    }

    struct I2C: Decodable {
      /// An adapter name (as in /sys/class/i2c-dev/*/name) or a device path.
      var bus: String
      var bmp280: Int?
      var pca9685: Int?
      /// An address where nothing answers.
      var absent: Int
    }

    var fixture: Kind
    var gpio: GPIO
    var i2c: I2C?
    var watchdog: String?
  }

  /// A bad fixture or board file, naming the file.
  struct ConfigError: Error, CustomStringConvertible {
    var path: String
    var problem: String
    var description: String { problem.hasPrefix(path) ? problem : "\(path): \(problem)" }
  }

  /// Everything the suite knows about the bench it runs on.
  struct BenchConfig {
    var boardPath: String
    var fixturePath: String
    var fixture: FixtureFile
    /// Every (chip, line) the board file names (BoardLoader validates it), for laying out
    /// gpio-sim chips.
    var boardLines: [GPIOLineID]

    var isVirtual: Bool { fixture.fixture == .gpioSim }

    /// The fixture file of a board file: `DIR/x.yaml` -> `DIR/bench/x.yaml` (a folder of
    /// its own, so the board catalogue does not take fixtures for boards).
    static func defaultFixturePath(forBoard board: String) -> String {
      guard let slash = board.lastIndex(of: "/") else { return "bench/" + board }
      return String(board[...slash]) + "bench/" + String(board[board.index(after: slash)...])
    }

    static func load(boardPath: String, fixturePath: String?) throws(ConfigError) -> BenchConfig {
      let fixturePath = fixturePath ?? defaultFixturePath(forBoard: boardPath)
      let fixtureText = try readTextFile(fixturePath)
      let fixture: FixtureFile
      do {
        fixture = try YAMLDecoder().decode(FixtureFile.self, from: fixtureText)
      } catch {
        throw ConfigError(path: fixturePath, problem: "not a bench fixture file: \(oneLine(error))")
      }
      guard fixture.gpio.pairs.count >= 2 else {
        throw ConfigError(path: fixturePath, problem: "gpio.pairs needs at least two line pairs")
      }
      if fixture.fixture == .loopback, fixture.gpio.pairs.contains(where: { $0.partner == nil }) {
        throw ConfigError(
          path: fixturePath, problem: "a loopback fixture needs partner-chip/partner-line on every pair")
      }
      let board: BoardDescription
      do {
        board = try BoardLoader.load(path: boardPath)
      } catch {
        throw ConfigError(path: boardPath, problem: oneLine(error))
      }
      // Chips' line lists first, in order (gpio-sim offsets follow them), then the roles.
      var boardLines: [GPIOLineID] = []
      for label in board.gpioChips.keys.sorted() {
        for name in board.gpioChips[label]?.lineNames ?? [] { boardLines.append(GPIOLineID(chip: label, line: name)) }
      }
      for role in board.lines.keys.sorted() {
        if let id = board.lines[role]?.id { boardLines.append(id) }
      }
      return BenchConfig(boardPath: boardPath, fixturePath: fixturePath, fixture: fixture, boardLines: boardLines)
    }

    /// The gpio-sim layout: each chip label with its line names (board order first, then
    /// the fixture's lines), without duplicates.
    var simChips: [(label: String, lines: [String])] {
      var order: [String] = []
      var names: [String: [String]] = [:]
      for id in boardLines + fixture.gpio.pairs.map(\.id) {
        if names[id.chip] == nil {
          order.append(id.chip)
          names[id.chip] = []
        }
        if names[id.chip]?.contains(id.line) == false { names[id.chip]?.append(id.line) }
      }
      return order.map { (label: $0, lines: names[$0] ?? []) }
    }
  }

  /// Reads a whole text file, naming it in the error.
  func readTextFile(_ path: String) throws(ConfigError) -> String {
    guard let file = fopen(path, "r") else {
      throw ConfigError(path: path, problem: "cannot open (\(String(cString: strerror(errno))))")
    }
    defer { fclose(file) }
    var bytes: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 4096)
    while true {
      let count = chunk.withUnsafeMutableBytes { fread($0.baseAddress, 1, $0.count, file) }
      if count <= 0 { break }
      bytes.append(contentsOf: chunk[0..<count])
    }
    if ferror(file) != 0 { throw ConfigError(path: path, problem: "read error") }
    return String(decoding: bytes, as: UTF8.self)
  }
#endif
