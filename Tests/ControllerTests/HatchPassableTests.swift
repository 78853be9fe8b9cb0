import Controller
import Drivers
import HAL
import MockHAL
import Testing

/// The planner's view of a hatch: read from its position sensors at the first cycle, so
/// a hatch closed before the controller started is not planned through (it was: drones
/// were sent at it, found it shut and faulted every few seconds).
@Suite struct HatchPassableTests {
  final class Out: GPIOOutputLine {
    let id: GPIOLineID
    private(set) var lastValue = false
    init(_ name: String) { id = GPIOLineID(chip: "test", line: name) }
    func set(_ value: Bool) throws(GPIOError) { lastValue = value }
    func release() {}
  }
  final class In: GPIOInputLine {
    let id: GPIOLineID
    var current: Bool
    init(_ name: String, _ value: Bool) {
      id = GPIOLineID(chip: "test", line: name)
      current = value
    }
    func value() throws(GPIOError) -> Bool { current }
    func waitForEdge(timeout: Duration) throws(GPIOError) -> GPIOEdgeEvent? { nil }
    func release() {}
  }

  func passableAfterFirstCycle(open: Bool, closed: Bool) -> Bool? {
    let clock = VirtualClock()
    let events = EventSink(
      capacity: 64, clock: clock, wallClock: OffsetWallClock(clock: clock), consumer: EventRecorder())
    let actuator = HatchActuator(
      name: "h", driveOpen: Out("open"), driveClose: Out("close"), openSensor: In("os", open),
      closedSensor: In("cs", closed), moveTimeout: .seconds(9))
    let member = HatchMember(hatch: actuator, order: Snapshot(nil), events: events)
    #expect(member.passable.read() == nil)
    member.run(
      TickContext(
        baseTick: 0, cycle: 0, deadline: clock.now(), period: .milliseconds(20), safeMode: false, safeGeneration: 0))
    return member.passable.read()
  }

  @Test func aHatchClosedAtStartIsNotPassable() {
    #expect(passableAfterFirstCycle(open: false, closed: true) == false)
  }

  @Test func aHatchOpenAtStartIsPassable() {
    #expect(passableAfterFirstCycle(open: true, closed: false) == true)
  }

  @Test func aHatchBetweenStopsAtStartStaysUnknown() {
    #expect(passableAfterFirstCycle(open: false, closed: false) == nil)
  }
}
