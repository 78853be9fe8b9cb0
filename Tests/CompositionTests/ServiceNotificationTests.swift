import Boards
import Composition
import Controller
import Foundation
import HAL
import MockHAL
import Testing

@Suite("systemd notify protocol from the health path")
struct ServiceNotificationTests {
  final class Log: @unchecked Sendable { var messages: [String] = [] }

  func notifier(pingEvery interval: Duration?, clock: VirtualClock) -> (ServiceNotification, Log) {
    let log = Log()
    let notification = ServiceNotification(name: "test", pingInterval: interval, wallClock: clock) {
      (message) throws(WatchdogError) in log.messages.append(message)
    }
    return (notification, log)
  }

  @Test func theFirstStrokeSendsReadyThenPingsAreThrottledInWallTime() throws {
    let wall = VirtualClock()
    let (notification, log) = notifier(pingEvery: .milliseconds(500), clock: wall)
    try notification.stroke()
    #expect(log.messages.first?.hasPrefix("READY=1") == true)
    #expect(log.messages.filter { $0 == "WATCHDOG=1" }.count == 1)
    // A virtual-time loop strokes far more often than the wall clock moves.
    for _ in 0..<1000 { try notification.stroke() }
    #expect(log.messages.filter { $0 == "WATCHDOG=1" }.count == 1)
    wall.advance(by: .milliseconds(500))
    try notification.stroke()
    #expect(log.messages.filter { $0 == "WATCHDOG=1" }.count == 2)
    #expect(log.messages.filter { $0.hasPrefix("READY=1") }.count == 1)
  }

  @Test func withoutAWatchdogIntervalOnlyReadyAndStoppingAreSent() throws {
    let (notification, log) = notifier(pingEvery: nil, clock: VirtualClock())
    try notification.stroke()
    try notification.stroke()
    try notification.disarm()
    #expect(log.messages.count == 2)
    #expect(log.messages.last == "STOPPING=1")
    #expect(throws: WatchdogError.self) { try notification.stroke() }
  }

  @Test func theIntervalIsHalfOfWatchdogUsec() {
    #expect(ServiceNotification.pingInterval(watchdog: .seconds(2)) == .seconds(1))
    #expect(ServiceNotification.pingInterval(watchdog: nil) == nil)
  }

  @Test func theExecutiveStrokesItOnlyWhileEveryGroupIsHealthy() throws {
    let wall = VirtualClock()
    let (notification, log) = notifier(pingEvery: .milliseconds(100), clock: wall)
    let board = try BoardAssembly.bringUp(
      "sim", options: .init(initialiseSensors: false, sensorProfile: .loop), simClock: VirtualClock())
    let assembly = try ControllerAssembly(
      board: board, station: TestStation.make(), configuration: .standard(), consumer: EventRecorder(),
      serviceWatchdog: notification)
    assembly.initialiseSamplers()
    let executive = assembly.executive
    var stalled = false
    executive.virtualCost = { group, _ in stalled && group == "sensors" ? .seconds(3600) : .zero }
    let start = board.clock.now()
    for second in 1...5 {
      executive.run(until: start.advanced(by: .seconds(second)))
      wall.advance(by: .milliseconds(200))
    }
    #expect(log.messages.first?.hasPrefix("READY=1") == true)
    let healthyPings = log.messages.filter { $0 == "WATCHDOG=1" }.count
    #expect(healthyPings >= 4)
    stalled = true
    for second in 6...15 {
      executive.run(until: start.advanced(by: .seconds(second)))
      wall.advance(by: .milliseconds(200))
    }
    // One health interval may still pass before the stall is seen; then none.
    #expect(log.messages.filter { $0 == "WATCHDOG=1" }.count <= healthyPings + 1)
    executive.requestShutdown()
    executive.run(until: board.clock.now().advanced(by: .seconds(1)))
    #expect(log.messages.last == "STOPPING=1")
    // cloak run's exit path: the executive's shutdown, then the board's safe state (the
    // executive leaves the PCA9685 output enable on with every channel at its safe
    // pulse, decision 0007; the board file's safe level for it is off).
    #expect(board.applySafeState().isEmpty)
    #expect(board.outputsAwayFromSafe().isEmpty)
  }
}
