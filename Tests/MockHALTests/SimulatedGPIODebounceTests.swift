import HAL
import MockHAL
import Station
import Testing

@Suite struct SimulatedGPIODebounceTests {
  private func debouncedButton(_ gpio: SimulatedGPIO, period: Duration = .milliseconds(5)) throws -> any GPIOInputLine {
    try gpio.requestInput(buttonLine, config: .init(bias: .pullDown, debounce: period, edges: .both), consumer: "b")
  }

  @Test func bouncesShorterThanThePeriodAreSuppressed() throws {
    let clock = VirtualClock()
    let gpio = makeGPIO(clock: clock)
    let input = try debouncedButton(gpio)
    // Contact bounce: high, low, high within 2 ms, then stays high.
    for (time, level) in [(10, true), (11, false), (12, true)] {
      try gpio.drive(buttonLine, physicalLevel: level, at: at(Int64(time)))
    }
    let event = try input.waitForEdge(timeout: .milliseconds(100))
    // Reported once, when the level has been stable for the period (as the kernel does).
    #expect(event == GPIOEdgeEvent(kind: .rising, timestamp: at(17), sequence: 1))
    #expect(clock.now() == at(17))
    #expect(try drain(input).isEmpty)
  }

  @Test func glitchShorterThanThePeriodIsNoEdgeAtAll() throws {
    let clock = VirtualClock()
    let gpio = makeGPIO(clock: clock)
    let input = try debouncedButton(gpio)
    try gpio.drive(buttonLine, physicalLevel: true, at: at(10))
    try gpio.drive(buttonLine, physicalLevel: false, at: at(13))
    #expect(try input.waitForEdge(timeout: .milliseconds(100)) == nil)
    #expect(gpio.history(of: buttonLine).count == 2)  // the raw glitch is still visible on the wire
  }

  @Test func valueReadsTheDebouncedLevel() throws {
    let clock = VirtualClock()
    let gpio = makeGPIO(clock: clock)
    let input = try debouncedButton(gpio)
    try gpio.drive(buttonLine, physicalLevel: true, at: at(10))
    clock.advance(to: at(12))
    #expect(try input.value() == false)
    clock.advance(to: at(15))
    #expect(try input.value())
  }

  @Test func transitionsExactlyOnePeriodApartBothCount() throws {
    let clock = VirtualClock()
    let gpio = makeGPIO(clock: clock)
    let input = try debouncedButton(gpio)
    try gpio.drive(buttonLine, physicalLevel: true, at: at(10))
    try gpio.drive(buttonLine, physicalLevel: false, at: at(15))
    clock.advance(to: at(50))
    #expect(
      try drain(input).map { [$0.kind == .rising ? 1 : 0, $0.timestamp.nanoseconds / 1_000_000] } == [
        [1, 15], [0, 20],
      ])
  }

  /// Seeded random bounce trains against a direct statement of the kernel's rule: a
  /// level is reported when it has lasted the whole period and differs from the last
  /// one reported, stamped at the end of the period.
  @Test(arguments: [1, 7, 42, 2026] as [UInt64])
  func randomBounceTrainsMatchTheKernelRule(seed: UInt64) throws {
    var random = SplitMix64(seed: seed)
    let period: Int64 = 5_000_000
    var times: [Int64] = []
    var time: Int64 = 1_000_000
    for _ in 0..<60 {
      time += Int64(random.next() % 9_000_000) + 1
      times.append(time)
    }
    var expected: [GPIOEdgeEvent] = []
    var stable = false
    for (index, start) in times.enumerated() {
      let level = index % 2 == 0
      let end = index + 1 < times.count ? times[index + 1] : Int64.max
      if end - start >= period, level != stable {
        stable = level
        expected.append(
          GPIOEdgeEvent(
            kind: level ? .rising : .falling, timestamp: MonotonicInstant(nanoseconds: start + period),
            sequence: UInt64(expected.count + 1)))
      }
    }

    let clock = VirtualClock()
    let gpio = makeGPIO(clock: clock)
    gpio.eventBufferCapacity = 1_000
    let input = try debouncedButton(gpio, period: .nanoseconds(period))
    for (index, start) in times.enumerated() {
      try gpio.drive(buttonLine, physicalLevel: index % 2 == 0, at: MonotonicInstant(nanoseconds: start))
    }
    var seen: [GPIOEdgeEvent] = []
    while let event = try input.waitForEdge(timeout: .seconds(1)) { seen.append(event) }
    #expect(expected.count > 5)  // the train did produce edges worth comparing
    #expect(seen == expected)
  }
}

/// The project's seeded generator (SplitMix64), so random tests repeat exactly.
typealias SplitMix64 = SeededRandom
