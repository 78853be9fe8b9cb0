import HAL
import MockHAL
import Testing

@Suite struct SimulatedGPIOEdgeTests {
  @Test(arguments: [
    (GPIOEdgeDetection.both, [GPIOEdgeEvent.Kind.rising, .falling, .rising]),
    (.rising, [.rising, .rising]),
    (.falling, [.falling]),
  ])
  func edgeDetectionReportsTheRequestedEdgesInOrder(edges: GPIOEdgeDetection, kinds: [GPIOEdgeEvent.Kind]) throws {
    let clock = VirtualClock()
    let gpio = makeGPIO(clock: clock)
    let input = try gpio.requestInput(buttonLine, config: .init(bias: .pullDown, edges: edges), consumer: "b")
    for (time, level) in [(1, true), (2, false), (3, true)] {
      try gpio.drive(buttonLine, physicalLevel: level, at: at(Int64(time)))
    }
    clock.advance(to: at(5))
    let events = try drain(input)
    #expect(events.map(\.kind) == kinds)
    // Sequence numbers count reported events from 1, without gaps.
    #expect(events.map(\.sequence) == Array(1...UInt64(kinds.count)))
    #expect(events.allSatisfy { $0.timestamp >= at(1) && $0.timestamp <= at(3) })
    #expect(clock.now() == at(5))
  }

  @Test func edgesAreOnTheLogicalValue() throws {
    let clock = VirtualClock()
    let gpio = makeGPIO(clock: clock)
    let input = try gpio.requestInput(
      buttonLine, config: .init(activeLow: true, bias: .pullUp, edges: .rising), consumer: "b")
    try gpio.drive(buttonLine, physicalLevel: false, at: at(2))  // pressed: pulled to ground
    #expect(
      try input.waitForEdge(timeout: .milliseconds(10)) == GPIOEdgeEvent(kind: .rising, timestamp: at(2), sequence: 1))
  }

  @Test func requestingDoesNotReportAnEdgeAndEarlierChangesAreNotQueued() throws {
    let gpio = makeGPIO()
    try gpio.drive(buttonLine, physicalLevel: true)
    try gpio.drive(buttonLine, physicalLevel: nil)
    let input = try gpio.requestInput(buttonLine, config: .init(bias: .pullDown, edges: .both), consumer: "b")
    #expect(try drain(input).isEmpty)
    #expect(try input.value() == false)
  }

  @Test func waitReturnsAQueuedEventWithoutMovingTime() throws {
    let clock = VirtualClock()
    let gpio = makeGPIO(clock: clock)
    let input = try gpio.requestInput(buttonLine, config: .init(edges: .both), consumer: "b")
    clock.advance(to: at(3))
    try gpio.drive(buttonLine, physicalLevel: true)
    clock.advance(to: at(7))
    let event = try input.waitForEdge(timeout: .seconds(1))
    #expect(event == GPIOEdgeEvent(kind: .rising, timestamp: at(3), sequence: 1))
    #expect(clock.now() == at(7))
  }

  @Test func waitWithNothingComingAdvancesToTheTimeoutWithoutBlocking() throws {
    let clock = VirtualClock()
    let gpio = makeGPIO(clock: clock)
    let input = try gpio.requestInput(buttonLine, config: .init(edges: .both), consumer: "b")
    #expect(try input.waitForEdge(timeout: .seconds(3600)) == nil)
    #expect(clock.now() == at(3_600_000))
    #expect(try input.waitForEdge(timeout: .milliseconds(-5)) == nil)
    #expect(clock.now() == at(3_600_000))
  }

  @Test func scheduledEdgeIsReturnedAtItsVirtualTime() throws {
    let clock = VirtualClock()
    let gpio = makeGPIO(clock: clock)
    let input = try gpio.requestInput(buttonLine, config: .init(bias: .pullDown, edges: .both), consumer: "b")
    try gpio.scheduleEdge(buttonLine, .rising, at: at(40))
    try gpio.scheduleEdge(buttonLine, .falling, at: at(90))
    #expect(try input.waitForEdge(timeout: .milliseconds(30)) == nil)
    #expect(clock.now() == at(30))
    #expect(
      try input.waitForEdge(timeout: .milliseconds(30)) == GPIOEdgeEvent(kind: .rising, timestamp: at(40), sequence: 1))
    #expect(clock.now() == at(40))
    // An edge exactly at the deadline is in time.
    #expect(
      try input.waitForEdge(timeout: .milliseconds(50)) == GPIOEdgeEvent(kind: .falling, timestamp: at(90), sequence: 2)
    )
    #expect(clock.now() == at(90))
  }

  @Test func scheduledEdgeResolvesActiveLowWhenItHappens() throws {
    let gpio = makeGPIO()
    let input = try gpio.requestInput(
      buttonLine, config: .init(activeLow: true, bias: .pullUp, edges: .both), consumer: "b")
    try gpio.scheduleEdge(buttonLine, .rising, at: at(1))
    #expect(try input.waitForEdge(timeout: .seconds(1))?.kind == .rising)
    #expect(gpio.level(of: buttonLine) == .init(physical: false, logical: true))
  }

  @Test func edgesDrivenFromTheClockHookAreSeenByAWait() throws {
    let clock = VirtualClock()
    let gpio = makeGPIO(clock: clock)
    let input = try gpio.requestInput(buttonLine, config: .init(bias: .pullDown, edges: .rising), consumer: "b")
    // A simulation that raises the line when time passes 25 ms.
    clock.onAdvance = { now in
      if now >= at(25) { try? gpio.drive(buttonLine, physicalLevel: true, at: at(25)) }
    }
    clock.advance(to: at(10))
    #expect(try input.waitForEdge(timeout: .milliseconds(50))?.timestamp == at(25))
  }

  @Test func fullEventBufferDropsTheOldestAndLeavesASequenceGap() throws {
    let clock = VirtualClock()
    let gpio = makeGPIO(clock: clock)
    gpio.eventBufferCapacity = 4
    let input = try gpio.requestInput(buttonLine, config: .init(bias: .pullDown, edges: .both), consumer: "b")
    for time in 1...6 { try gpio.drive(buttonLine, physicalLevel: time % 2 == 1, at: at(Int64(time))) }
    clock.advance(to: at(10))
    #expect(try drain(input).map(\.sequence) == [3, 4, 5, 6])
    #expect(gpio.queuedEvents(of: buttonLine).isEmpty)
  }

  @Test func releaseDiscardsQueuedEventsAndANewRequestStartsAtOne() throws {
    let gpio = makeGPIO()
    let first = try gpio.requestInput(buttonLine, config: .init(bias: .pullDown, edges: .both), consumer: "a")
    try gpio.drive(buttonLine, physicalLevel: true)
    #expect(gpio.queuedEvents(of: buttonLine).count == 1)
    first.release()
    let second = try gpio.requestInput(buttonLine, config: .init(edges: .both), consumer: "b")
    try gpio.drive(buttonLine, physicalLevel: false)
    #expect(try drain(second).map(\.sequence) == [1])
  }
}
