import Controller
import HAL
import MockHAL
import Station
import Testing

/// Freshness and quorum per module (issue 8): one module losing both sensors is blind,
/// on its own, without safe mode unless the station's policy says so.
@Suite("Per-module voting: module_blind, quorum and the blind policy")
struct ModuleVotingTests {
  private let clock = VirtualClock()
  private let recorder = EventRecorder()

  private func tick(_ ms: Int64) -> TickContext {
    TickContext(baseTick: 0, cycle: 0, deadline: .ms(ms), period: .milliseconds(20), safeMode: false)
  }

  private func reading(_ ms: Int64, _ status: SamplerReading.Status = .fresh) -> SamplerReading {
    SamplerReading(status: status, timestamp: .ms(ms))
  }

  /// Two modules of two sensors each.
  private func rig(_ policy: StationDescription.BlindPolicy) -> (
    StaleDataMonitor, SafetyLatch, EventSink, [[Snapshot<SamplerReading>]]
  ) {
    let events = EventSink(capacity: 64, clock: clock, wallClock: OffsetWallClock(clock: clock), consumer: recorder)
    let latch = SafetyLatch(sink: events)
    let sensors = (0..<2).map { _ in (0..<2).map { _ in Snapshot(reading(0)) } }
    let monitor = StaleDataMonitor(
      modules: [
        .init(id: ModuleID(unchecked: "node1"), readings: sensors[0]),
        .init(id: ModuleID(unchecked: "node2"), readings: sensors[1]),
      ], policy: policy, staleAfter: .milliseconds(30), latch: latch, events: events)
    return (monitor, latch, events, sensors)
  }

  @Test("a module losing both sensors raises module_blind for that module only (and in blindModules); no safe mode")
  func oneModuleBlind() throws {
    let (monitor, latch, events, sensors) = rig(.safeModeWhenAllBlind)
    for module in sensors { for sensor in module { sensor.publish(reading(10)) } }
    monitor.run(tick(20))
    // node2: one sensor excluded, the other stops delivering.
    sensors[1][0].publish(reading(10, .excluded))
    sensors[0][0].publish(reading(60))
    sensors[0][1].publish(reading(60))
    monitor.run(tick(70))
    events.flush()
    let blind = recorder.records(.moduleBlind)
    #expect(blind.count == 1)
    #expect(blind.first?.subject.module == ModuleID(unchecked: "node2"))
    #expect(monitor.isBlind(1) && !monitor.isBlind(0))
    // The mask other groups read (the isolation procedure): bit 1, node2.
    #expect(monitor.blindModules == 0b10)
    #expect(!latch.isLatched)
    #expect(recorder.events(.quorumLost).isEmpty)
    // A sensor of node2 delivers again: watched again, one event.
    sensors[1][1].publish(reading(80))
    monitor.run(tick(90))
    events.flush()
    #expect(recorder.records(.moduleWatched).map(\.subject.module) == [ModuleID(unchecked: "node2")])
    #expect(!monitor.isBlind(1))
    #expect(monitor.blindModules == 0)
  }

  @Test("every module blind: quorum_lost and safe mode (stale data)")
  func allBlind() {
    let (monitor, latch, events, sensors) = rig(.safeModeWhenAllBlind)
    for module in sensors { for sensor in module { sensor.publish(reading(10)) } }
    monitor.run(tick(20))
    monitor.run(tick(100))
    events.flush()
    #expect(recorder.events(.moduleBlind).count == 2)
    #expect(recorder.events(.quorumLost).count == 1)
    #expect(latch.reason == .staleData)
  }

  @Test("policy when-any-blind latches safe mode on the first blind module; never only reports")
  func policies() {
    let (anyMonitor, anyLatch, _, anySensors) = rig(.safeModeWhenAnyBlind)
    for sensor in anySensors[0] { sensor.publish(reading(90)) }
    anyMonitor.run(tick(100))
    #expect(anyLatch.reason == .staleData)
    let (neverMonitor, neverLatch, _, _) = rig(.never)
    neverMonitor.run(tick(100))
    #expect(!neverLatch.isLatched)
    #expect(neverMonitor.watchedCount == 0)
  }
}
