import Controller
import Foundation
import HAL
import Synchronization
import Testing

/// A thread-safe clock that never blocks: `sleep(until:)` moves time to the deadline.
/// Lets the threaded (real-time) mode run as fast as the CPU allows, without asserting
/// any timing.
private final class FastForwardClock: MonotonicClock, Sendable {
  private let current = Atomic<Int64>(0)
  func now() -> MonotonicInstant { MonotonicInstant(nanoseconds: current.load(ordering: .acquiring)) }
  func sleep(until deadline: MonotonicInstant) {
    var seen = current.load(ordering: .relaxed)
    while seen < deadline.nanoseconds {
      let (exchanged, original) = current.compareExchange(
        expected: seen, desired: deadline.nanoseconds, ordering: .acquiringAndReleasing)
      if exchanged { break }
      seen = original
    }
  }
}

/// Records what the executive asked of the operating system, and refuses SCHED_FIFO.
private final class RefusingEnvironment: RealtimeEnvironment, Sendable {
  let processCalls = Atomic<Int>(0)
  let threadCalls = Atomic<Int>(0)
  let releases = Atomic<Int>(0)
  func prepareProcess(_ options: RealtimeOptions) -> [String] {
    processCalls.add(1, ordering: .relaxed)
    return options.lockMemory ? ["mlockall: not permitted"] : []
  }
  func prepareCurrentThread(priority: Int?, cpu: Int?) -> [String] {
    threadCalls.add(1, ordering: .relaxed)
    return priority == nil ? [] : ["SCHED_FIFO: not permitted"]
  }
  func releaseProcess() { releases.add(1, ordering: .relaxed) }
}

/// Asks for shutdown from the base group after `afterTicks` base ticks, once `ready`
/// says the group threads have had a turn (on a loaded machine the fast-forward clock
/// can run thousands of ticks before a group thread is first scheduled), or after
/// `limitTicks` whatever happened.
private final class StopAfter: RateGroupMember, @unchecked Sendable {
  let name = "stopper"
  private let afterTicks: UInt64
  private let limitTicks: UInt64
  weak var executive: Executive?
  var ready: () -> Bool = { true }
  init(afterTicks: UInt64, limitTicks: UInt64 = 1_000_000) {
    self.afterTicks = afterTicks
    self.limitTicks = limitTicks
  }
  func run(_ tick: TickContext) {
    guard tick.baseTick >= afterTicks else { return }
    if ready() || tick.baseTick >= limitTicks {
      executive?.requestShutdown(signal: 15)
    } else {
      Thread.sleep(forTimeInterval: 0.000_1)  // let the group threads have the CPU
    }
  }
}

@Suite("Real-time mode (group threads) on a fast-forward clock")
struct RealtimeModeTests {
  @Test("group threads run their members; shutdown stops them and drives actuators safe")
  func threadedRunAndShutdown() throws {
    let clock = FastForwardClock()
    let recorder = EventRecorder()
    let watchdog = CountingWatchdog()
    var groups = testConfiguration().groups
    groups.insert(RateGroupConfiguration(name: "base", divisor: 1, inline: true), at: 0)
    let executive = try Executive(
      configuration: testConfiguration(groups: groups), clock: clock, consumer: recorder, watchdog: watchdog)
    let stopper = StopAfter(afterTicks: 3_000)
    stopper.executive = executive
    let sensor = CountingMember(name: "sensor")
    let valve = ThreadSafeActuator(name: "valve")
    stopper.ready = { valve.runs.load(ordering: .relaxed) > 0 && sensor.runs.load(ordering: .relaxed) > 0 }
    try executive.add(stopper, to: "base")
    try executive.add(sensor, to: "sensors")
    try executive.add(valve, to: "actuators")
    let environment = RefusingEnvironment()
    var problems: [[String]] = []
    let report = executive.runRealtime(
      options: RealtimeOptions(priority: 80, lockMemory: true), environment: environment
    ) { problems.append($0) }
    #expect(executive.isFinished)
    #expect(report.ticks >= 3_000)
    #expect(sensor.runs.load(ordering: .relaxed) > 0)
    #expect(valve.safeApplications.load(ordering: .relaxed) >= 1)
    #expect(watchdog.disarmed)
    #expect(executive.safety.isLatched)
    // One warning for the whole set-up, problems listed once each.
    #expect(problems == [["mlockall: not permitted", "SCHED_FIFO: not permitted"]])
    #expect(environment.processCalls.load(ordering: .relaxed) == 1)
    #expect(environment.threadCalls.load(ordering: .relaxed) == 5)  // base + 4 group threads
    #expect(environment.releases.load(ordering: .relaxed) == 1)
    #expect(recorder.events(.realtimeDegraded).count == 1)
    #expect(recorder.events(.shutdownRequested).map(\.value) == [15])
  }
}

/// An actuator safe to inspect from the test thread after the run.
/// A member that counts its runs from any thread.
private final class CountingMember: RateGroupMember, @unchecked Sendable {
  let name: String
  let runs = Atomic<Int>(0)
  init(name: String) { self.name = name }
  func run(_ tick: TickContext) { runs.add(1, ordering: .relaxed) }
}

private final class ThreadSafeActuator: SafeStateActuator, @unchecked Sendable {
  let name: String
  let safeApplications = Atomic<Int>(0)
  let runs = Atomic<Int>(0)
  init(name: String) { self.name = name }
  func run(_ tick: TickContext) { runs.add(1, ordering: .relaxed) }
  func applySafeState() -> Bool {
    safeApplications.add(1, ordering: .relaxed)
    return true
  }
}
