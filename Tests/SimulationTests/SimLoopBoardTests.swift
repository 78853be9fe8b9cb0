import Controller
import HAL
import MockHAL
import Simulation
import Testing

@Suite("The controller's rate groups on the sim board, virtual clock")
struct SimLoopBoardTests {
  @Test("runs three seconds with fresh data, no slips, no safe mode")
  func nominal() throws {
    let clock = VirtualClock()
    let recorder = EventRecorder()
    let board = try SimLoopBoard(configuration: .standard(), clock: clock, consumer: recorder)
    // Set-up waited for the sensors' soft reset on the virtual clock; the loop starts now.
    let start = clock.now()
    #expect(start > .zero)
    board.executive.run(until: start.advanced(by: .seconds(3)))
    let report = board.executive.report()
    #expect(report.ticks == 3_001)
    #expect(report.slips == 0)
    #expect(!board.executive.safety.isLatched)
    #expect(board.samplers.allSatisfy { $0.latest.status == .fresh })
    #expect(board.chips.allSatisfy { $0.conversions >= 299 })
    // PCA9685 resolution: 1/4096 of the 20 ms period (4.9 us).
    #expect(abs((board.ventValve.pulseWidth - .microseconds(1_500)).microsecondsDouble) < 5)
    #expect(board.droneLine.isEnabled)
    #expect(board.pwmChip.pulseWidth(channel: 1) > .zero)
  }

  @Test("both sensors gone: safe state within one actuator period; one sensor gone: runs on")
  func sensorsLost() throws {
    let clock = VirtualClock()
    let recorder = EventRecorder()
    let board = try SimLoopBoard(configuration: .standard(), clock: clock, consumer: recorder)
    board.executive.run(until: MonotonicInstant(nanoseconds: 1_000_000_000))
    board.bus.detach(address: 0x77)
    board.executive.run(until: MonotonicInstant(nanoseconds: 2_000_000_000))
    #expect(!board.executive.safety.isLatched)
    #expect(board.samplers[1].isExcluded)
    board.bus.detach(address: 0x76)
    board.executive.run(until: MonotonicInstant(nanoseconds: 3_000_000_000))
    #expect(board.executive.safety.reason == .staleData)
    #expect(abs((board.ventValve.pulseWidth - .microseconds(1_500)).microsecondsDouble) < 5)
    #expect(!board.droneLine.isEnabled)
    #expect(board.pwmChip.pulseWidth(channel: 1) == .zero)
    board.executive.events.flush()
    #expect(recorder.events(.deviceExcluded).count == 2)
    let lastGood = try #require(board.samplers[0].latest.timestamp)
    let trip = try #require(recorder.events(.safeModeEntered).first?.monotonic)
    let safe = try #require(recorder.events(.safeStateApplied).first?.monotonic)
    #expect(safe - trip <= .milliseconds(20))
    #expect(trip - lastGood <= .milliseconds(30) + .milliseconds(20))
  }

  @Test("an excluded sensor is re-initialised and used again once it answers")
  func reinitialised() throws {
    let clock = VirtualClock()
    let recorder = EventRecorder()
    let board = try SimLoopBoard(configuration: .standard(), clock: clock, consumer: recorder)
    board.executive.run(until: MonotonicInstant(nanoseconds: 500_000_000))
    board.bus.detach(address: 0x77)
    board.executive.run(until: MonotonicInstant(nanoseconds: 1_000_000_000))
    #expect(board.samplers[1].isExcluded)
    board.bus.attach(board.chips[1], at: 0x77)
    board.executive.run(until: MonotonicInstant(nanoseconds: 2_000_000_000))
    #expect(!board.samplers[1].isExcluded)
    #expect(board.samplers[1].latest.status == .fresh)
    board.executive.events.flush()
    #expect(recorder.events(.deviceRestored).count == 1)
  }
}
