// Linux only: the bench drives Linux kernel interfaces (gpio-sim, i2c-dev, softdog).
#if os(Linux)
  import Glibc

  import HAL

  /// The bench's "hardware side" of the lines under test: what the far end of each line
  /// sees and does. On the virtual bench it is gpio-sim's sysfs files; on a real board
  /// the jumpered partner line of each pair (docs/bench.md).
  protocol BenchFixture: AnyObject {
    var name: String { get }
    /// The physical level the line under test is at (what a HAL output drives onto it).
    func observedLevel(_ pair: FixtureFile.Pair) throws -> Bool
    /// Drives the line under test from the far side to a physical level.
    func drive(_ pair: FixtureFile.Pair, high: Bool) throws
    /// Stops driving the far side, so only the HAL's bias decides the level.
    func float(_ pair: FixtureFile.Pair) throws
    /// The bias the HAL applied as the fixture sees it (`true` pull-up), where it can.
    func appliedPull(_ pair: FixtureFile.Pair) throws -> Bool?
    /// Puts every line back to its idle state (between tests).
    func reset()
  }

  /// gpio-sim: reads `sim_gpioM/value`, drives inputs by writing `sim_gpioM/pull`.
  final class GPIOSimFixture: BenchFixture {
    let name = "gpio-sim"
    private let lines: [GPIOLineID: String]
    private let pairs: [FixtureFile.Pair]

    init(pairs: [FixtureFile.Pair]) throws {
      self.pairs = pairs
      lines = try GPIOSimLayout.discover()
      for pair in pairs where lines[pair.id] == nil {
        throw BenchFailure("gpio-sim has no live line \(pair.id) (was --setup-virtual run?)")
      }
    }

    private func path(_ pair: FixtureFile.Pair) throws -> String {
      guard let path = lines[pair.id] else { throw BenchFailure("gpio-sim has no line \(pair.id)") }
      return path
    }

    func observedLevel(_ pair: FixtureFile.Pair) throws -> Bool {
      let text = try SysFS.read(try path(pair) + "/value")
      guard text == "0" || text == "1" else { throw BenchFailure("gpio-sim value of \(pair.id) reads '\(text)'") }
      return text == "1"
    }

    func drive(_ pair: FixtureFile.Pair, high: Bool) throws {
      try SysFS.write(try path(pair) + "/pull", high ? "pull-up" : "pull-down")
    }

    /// gpio-sim has no high impedance: a consumer's bias request overwrites `pull`.
    func float(_ pair: FixtureFile.Pair) throws {}

    func appliedPull(_ pair: FixtureFile.Pair) throws -> Bool? {
      let text = try SysFS.read(try path(pair) + "/pull")
      return text == "pull-up"
    }

    func reset() {
      for pair in pairs { try? drive(pair, high: false) }
    }
  }

  /// A real board: each line under test is jumpered to a partner line, which the fixture
  /// requests through the same GPIO controller (input to observe, output to drive).
  final class LoopbackFixture: BenchFixture {
    let name = "loopback"
    private let gpio: any GPIOController
    private var outputs: [GPIOLineID: any GPIOOutputLine] = [:]
    private var inputs: [GPIOLineID: any GPIOInputLine] = [:]

    init(gpio: any GPIOController) { self.gpio = gpio }

    private func partner(_ pair: FixtureFile.Pair) throws -> GPIOLineID {
      guard let partner = pair.partner else { throw BenchFailure("pair \(pair.id) has no partner line") }
      return partner
    }

    private func input(_ id: GPIOLineID) throws -> any GPIOInputLine {
      if let line = inputs[id] { return line }
      outputs.removeValue(forKey: id)?.release()
      let line = try gpio.requestInput(id, config: GPIOInputConfig(bias: .disabled), consumer: "cloak-bench-fixture")
      inputs[id] = line
      return line
    }

    func observedLevel(_ pair: FixtureFile.Pair) throws -> Bool {
      try input(try partner(pair)).value()
    }

    func drive(_ pair: FixtureFile.Pair, high: Bool) throws {
      let id = try partner(pair)
      if let line = outputs[id] { return try line.set(high) }
      inputs.removeValue(forKey: id)?.release()
      outputs[id] = try gpio.requestOutput(
        id, config: GPIOOutputConfig(initialValue: high), consumer: "cloak-bench-fixture")
    }

    func float(_ pair: FixtureFile.Pair) throws { _ = try input(try partner(pair)) }

    func appliedPull(_ pair: FixtureFile.Pair) throws -> Bool? { nil }

    func reset() {
      for line in outputs.values { line.release() }
      for line in inputs.values { line.release() }
      outputs = [:]
      inputs = [:]
    }
  }
#endif
