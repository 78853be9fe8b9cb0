// Linux only: the bench drives Linux kernel interfaces (gpio-sim, i2c-dev, softdog).
#if os(Linux)
  import Glibc

  import HAL

  #if canImport(LinuxHAL)
    import LinuxHAL
  #endif

  /// GPIO through the backend under test, observed and driven from the fixture side.
  enum GPIOTests {
    static let consumer = "cloak-bench"

    static var all: [BenchTest] {
      [
        BenchTest(name: "gpio.output-reaches-line", body: outputReachesLine),
        BenchTest(name: "gpio.output-initial-value", body: outputInitialValue),
        BenchTest(name: "gpio.output-active-low", body: outputActiveLow),
        BenchTest(name: "gpio.input-follows-far-side", body: inputFollowsFarSide),
        BenchTest(name: "gpio.input-active-low", body: inputActiveLow),
        BenchTest(name: "gpio.bias-pull-up", body: { try bias($0, pullUp: true) }),
        BenchTest(name: "gpio.bias-pull-down", body: { try bias($0, pullUp: false) }),
        BenchTest(name: "gpio.edges-rising-falling-timestamps", body: edges),
        BenchTest(name: "gpio.edge-wait-timeout-returns-nil", body: edgeTimeout),
        BenchTest(name: "gpio.debounce-filters-glitch", body: debounce),
        BenchTest(name: "gpio.edge-wait-without-edges-unsupported", body: edgeWithoutEdges),
        BenchTest(name: "gpio.missing-line-typed-error", body: missingLine),
        BenchTest(name: "gpio.missing-chip-typed-error", body: missingChip),
        BenchTest(name: "gpio.second-request-same-process-busy", body: busySameProcess),
        BenchTest(name: "gpio.set-after-release-typed-error", body: setAfterRelease),
      ]
    }

    static func outputReachesLine(_ ctx: BenchContext) throws {
      let pair = ctx.outPair
      let line = ctx.own(
        try ctx.gpio().requestOutput(pair.id, config: GPIOOutputConfig(initialValue: false), consumer: consumer))
      for value in [true, false, true, false] {
        try line.set(value)
        let seen = try ctx.fixture.observedLevel(pair)
        try expect(seen == value, "set(\(value)) but the line is at \(seen)")
        try expect(line.lastValue == value, "lastValue is \(line.lastValue) after set(\(value))")
      }
    }

    static func outputInitialValue(_ ctx: BenchContext) throws {
      let pair = ctx.outPair
      for initial in [true, false] {
        let line = try ctx.gpio().requestOutput(
          pair.id, config: GPIOOutputConfig(initialValue: initial), consumer: consumer)
        defer { line.release() }
        let seen = try ctx.fixture.observedLevel(pair)
        try expect(seen == initial, "requested at \(initial) but the line is at \(seen) before any set")
        try expect(line.lastValue == initial, "lastValue is \(line.lastValue), requested at \(initial)")
      }
    }

    static func outputActiveLow(_ ctx: BenchContext) throws {
      let pair = ctx.outPair
      let line = ctx.own(
        try ctx.gpio().requestOutput(
          pair.id, config: GPIOOutputConfig(activeLow: true, initialValue: false), consumer: consumer))
      try expect(try ctx.fixture.observedLevel(pair), "active-low output requested inactive is not high")
      try line.set(true)
      try expect(!(try ctx.fixture.observedLevel(pair)), "active-low output set active is not low")
      try line.set(false)
      try expect(try ctx.fixture.observedLevel(pair), "active-low output set inactive is not high")
    }

    static func inputFollowsFarSide(_ ctx: BenchContext) throws {
      let pair = ctx.inPair
      try ctx.fixture.drive(pair, high: false)
      let line = ctx.own(try ctx.gpio().requestInput(pair.id, config: GPIOInputConfig(), consumer: consumer))
      for high in [true, false, true, false] {
        try ctx.fixture.drive(pair, high: high)
        let value = try line.value()
        try expect(value == high, "far side \(high ? "high" : "low") but value() is \(value)")
      }
    }

    static func inputActiveLow(_ ctx: BenchContext) throws {
      let pair = ctx.inPair
      try ctx.fixture.drive(pair, high: true)
      let line = ctx.own(
        try ctx.gpio().requestInput(pair.id, config: GPIOInputConfig(activeLow: true), consumer: consumer))
      try expect(!(try line.value()), "active-low input at high reads active")
      try ctx.fixture.drive(pair, high: false)
      try expect(try line.value(), "active-low input at low reads inactive")
    }

    static func bias(_ ctx: BenchContext, pullUp: Bool) throws {
      let pair = ctx.inPair
      // Start from the opposite level so the bias has to change it.
      try ctx.fixture.drive(pair, high: !pullUp)
      try ctx.fixture.float(pair)
      let line = ctx.own(
        try ctx.gpio().requestInput(
          pair.id, config: GPIOInputConfig(bias: pullUp ? .pullUp : .pullDown), consumer: consumer))
      let value = try line.value()
      try expect(value == pullUp, "input with \(pullUp ? "pull-up" : "pull-down") reads \(value)")
      if let pull = try ctx.fixture.appliedPull(pair) {
        try expect(pull == pullUp, "the fixture sees \(pull ? "pull-up" : "pull-down") on the line")
      }
    }

    static func edges(_ ctx: BenchContext) throws {
      let pair = ctx.inPair
      let clock = SystemClock()
      try ctx.fixture.drive(pair, high: false)
      let line = ctx.own(
        try ctx.gpio().requestInput(pair.id, config: GPIOInputConfig(edges: .both), consumer: consumer))
      var previous: GPIOEdgeEvent?
      for high in [true, false, true, false] {
        let before = clock.now()
        try ctx.fixture.drive(pair, high: high)
        guard let event = try line.waitForEdge(timeout: .seconds(5)) else {
          throw BenchFailure("no \(high ? "rising" : "falling") edge within 5 s")
        }
        let after = clock.now()
        try expect(
          event.kind == (high ? .rising : .falling), "expected \(high ? "rising" : "falling"), got \(event.kind)")
        try expect(
          event.timestamp >= before && event.timestamp <= after,
          "edge timestamp \(event.timestamp) outside the wait window \(before)...\(after)")
        if let previous {
          try expect(event.timestamp > previous.timestamp, "edge timestamps not increasing")
          try expect(
            event.sequence == previous.sequence + 1, "sequence \(event.sequence) after \(previous.sequence)")
        } else {
          try expect(event.sequence >= 1, "first sequence number is \(event.sequence), not >= 1")
        }
        previous = event
      }
      let extra = try line.waitForEdge(timeout: .milliseconds(50))
      try expect(extra == nil, "an extra edge was reported: \(String(describing: extra))")
    }

    static func edgeTimeout(_ ctx: BenchContext) throws {
      let pair = ctx.inPair
      try ctx.fixture.drive(pair, high: false)
      let line = ctx.own(
        try ctx.gpio().requestInput(pair.id, config: GPIOInputConfig(edges: .both), consumer: consumer))
      let event = try line.waitForEdge(timeout: .milliseconds(100))
      try expect(event == nil, "wait on a quiet line returned \(String(describing: event))")
    }

    /// A glitch far shorter than the debounce period gives no edge; a level held longer
    /// gives exactly one (kernel debounce on libgpiod 2.x, the backend's on 1.6).
    static func debounce(_ ctx: BenchContext) throws {
      let pair = ctx.inPair
      try ctx.fixture.drive(pair, high: false)
      let config = GPIOInputConfig(debounce: .milliseconds(200), edges: .both)
      let line = ctx.own(try ctx.gpio().requestInput(pair.id, config: config, consumer: consumer))
      try ctx.fixture.drive(pair, high: true)
      try ctx.fixture.drive(pair, high: false)
      let glitch = try line.waitForEdge(timeout: .milliseconds(500))
      try expect(glitch == nil, "a glitch shorter than the debounce period gave \(String(describing: glitch))")
      try ctx.fixture.drive(pair, high: true)
      guard let event = try line.waitForEdge(timeout: .seconds(5)) else {
        throw BenchFailure("no edge after the level was held past the debounce period")
      }
      try expect(event.kind == .rising, "expected rising, got \(event.kind)")
      let extra = try line.waitForEdge(timeout: .milliseconds(300))
      try expect(extra == nil, "a second edge was reported: \(String(describing: extra))")
      try expect(try line.value(), "the debounced value is not high")
    }

    static func edgeWithoutEdges(_ ctx: BenchContext) throws {
      let pair = ctx.inPair
      let line = ctx.own(try ctx.gpio().requestInput(pair.id, config: GPIOInputConfig(), consumer: consumer))
      let error = try expectGPIOError("waitForEdge on a line without edges") { () throws(GPIOError) in
        _ = try line.waitForEdge(timeout: .milliseconds(10))
      }
      try expect(error.kind == .unsupported, "kind is \(error.kind), expected .unsupported")
    }

    static func missingLine(_ ctx: BenchContext) throws {
      let id = GPIOLineID(chip: ctx.outPair.chip, line: "cloak-no-such-line")
      let gpio = try ctx.gpio()
      let error = try expectGPIOError("requesting \(id)") { () throws(GPIOError) in
        ctx.own(try gpio.requestOutput(id, config: GPIOOutputConfig(initialValue: false), consumer: consumer))
      }
      try expect(error.kind == .lineNotFound, "kind is \(error.kind), expected .lineNotFound")
      try expect(error.line == id, "error names \(error.line), expected \(id)")
    }

    static func missingChip(_ ctx: BenchContext) throws {
      let id = GPIOLineID(chip: "cloak-no-such-chip", line: ctx.outPair.line)
      let gpio = try ctx.gpio()
      let error = try expectGPIOError("requesting \(id)") { () throws(GPIOError) in
        ctx.own(try gpio.requestInput(id, config: GPIOInputConfig(), consumer: consumer))
      }
      try expect(error.kind == .chipNotFound, "kind is \(error.kind), expected .chipNotFound")
      try expect(error.line == id, "error names \(error.line), expected \(id)")
    }

    static func busySameProcess(_ ctx: BenchContext) throws {
      let pair = ctx.outPair
      let gpio = try ctx.gpio()
      ctx.own(try gpio.requestOutput(pair.id, config: GPIOOutputConfig(initialValue: false), consumer: consumer))
      let error = try expectGPIOError("a second request of \(pair.id)") { () throws(GPIOError) in
        ctx.own(try gpio.requestInput(pair.id, config: GPIOInputConfig(), consumer: consumer))
      }
      try expect(error.kind == .lineBusy, "kind is \(error.kind), expected .lineBusy")
    }

    static func setAfterRelease(_ ctx: BenchContext) throws {
      let pair = ctx.outPair
      let line = try ctx.gpio().requestOutput(
        pair.id, config: GPIOOutputConfig(initialValue: false), consumer: consumer)
      line.release()
      line.release()
      let error = try expectGPIOError("set after release") { () throws(GPIOError) in try line.set(true) }
      try expect(error.kind == .released, "kind is \(error.kind), expected .released")
      // Released means released: the line can be requested again.
      ctx.own(try ctx.gpio().requestOutput(pair.id, config: GPIOOutputConfig(initialValue: false), consumer: consumer))
    }
  }
#endif
