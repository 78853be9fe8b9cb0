import Controller
import HAL
import MockHAL
import Station
import Testing

@Suite("Device fault policy: retry, stale, exclude, re-initialise")
struct FaultPolicyTests {
  private let clock = VirtualClock()
  private let recorder = EventRecorder()

  private func sink() -> EventSink {
    EventSink(capacity: 256, clock: clock, wallClock: OffsetWallClock(clock: clock), consumer: recorder)
  }

  private func tick(_ index: UInt64) -> TickContext {
    TickContext(
      baseTick: index * 10, cycle: index, deadline: .ms(Int64(index) * 10), period: .milliseconds(10),
      safeMode: false)
  }

  @Test("start on one cycle, collect on the next")
  func splitPhase() {
    let sensor = FakeSensor("p")
    let sampler = SensorSampler(sensor: sensor, policy: DeviceFaultPolicy(), events: sink())
    let reader = sampler.subscribe()
    sampler.run(tick(0))
    #expect(sensor.starts == 1)
    #expect(sensor.collects == 0)
    #expect(reader.read().status == .starting)
    sampler.run(tick(1))
    #expect(sensor.collects == 1)
    #expect(sensor.starts == 2)
    #expect(reader.read().status == .fresh)
    #expect(reader.read().timestamp == .ms(10))
    #expect(reader.read().sample?.pressure.pascals == 101_325)
  }

  @Test("a conversion not ready yet is collected on a later cycle, not restarted")
  func notReadyWaits() {
    let sensor = FakeSensor("p")
    let sampler = SensorSampler(sensor: sensor, policy: DeviceFaultPolicy(staleAfterPeriods: 3), events: sink())
    sampler.run(tick(0))
    sensor.notReadyLeft = 2
    sampler.run(tick(1))
    sampler.run(tick(2))
    #expect(sensor.starts == 1)
    #expect(sampler.failedPeriods == 0)
    sampler.run(tick(3))
    #expect(sampler.latest.status == .fresh)
    #expect(sampler.latest.timestamp == .ms(30))
    #expect(sensor.starts == 2)
  }

  @Test("a conversion that never completes counts as failed periods")
  func neverReady() {
    let sensor = FakeSensor("p")
    let sampler = SensorSampler(sensor: sensor, policy: DeviceFaultPolicy(staleAfterPeriods: 2), events: sink())
    sampler.run(tick(0))
    sensor.notReadyLeft = 100
    for index in 1...3 { sampler.run(tick(UInt64(index))) }
    #expect(sampler.failedPeriods == 1)
    #expect(sensor.starts == 2)  // restarted after giving up
  }

  @Test("a device that fails its set-up starts excluded and is re-initialised later")
  func setupFailure() {
    let events = sink()
    let sensor = FakeSensor("p")
    let sampler = SensorSampler(sensor: sensor, policy: DeviceFaultPolicy(reinitEveryPeriods: 2), events: events)
    sampler.initialise()
    #expect(sampler.isExcluded)
    sensor.reinitWorks = true
    sampler.run(tick(0))
    sampler.run(tick(1))
    #expect(!sampler.isExcluded)
    #expect(sensor.reinits == 2)
  }

  @Test("a transient failure is retried at once and the cycle still delivers")
  func transientRetry() {
    let events = sink()
    let sensor = FakeSensor("p")
    let sampler = SensorSampler(sensor: sensor, policy: DeviceFaultPolicy(retries: 1), events: events)
    sampler.run(tick(0))
    sensor.failure = timeout
    sensor.failuresLeft = 1
    sampler.run(tick(1))
    #expect(sensor.collects == 2)
    #expect(sampler.latest.status == .fresh)
    #expect(sampler.failedPeriods == 0)
    events.flush()
    #expect(recorder.events(.deviceRetry).count == 1)
  }

  @Test("a device that fails transiently forever cannot stall its group, whatever the policy says")
  func retriesBounded() {
    let sensor = FakeSensor("p")
    var policy = DeviceFaultPolicy(retries: Int.max)
    #expect(policy.retries == DeviceFaultPolicy.maximumRetries)
    policy.retries = Int.max  // set past the clamping init: the sampler bounds it again
    let sampler = SensorSampler(sensor: sensor, policy: policy, events: sink())
    sampler.run(tick(0))
    sensor.failure = timeout
    sampler.run(tick(1))
    #expect(sensor.collects == 1 + DeviceFaultPolicy.maximumRetries)  // the first try, then the bounded retries
    #expect(sampler.latest.status == .failing)
  }

  @Test("a non-transient failure is not retried")
  func noRetryOnPermanentFault() {
    let sensor = FakeSensor("p")
    let sampler = SensorSampler(sensor: sensor, policy: DeviceFaultPolicy(retries: 3), events: sink())
    sampler.run(tick(0))
    sensor.failure = gone
    sampler.run(tick(1))
    #expect(sensor.collects == 1)
    #expect(sampler.latest.status == .failing)
  }

  @Test("failed re-initialisations are reported at attempts 1, 2, 4, 8..., not every attempt")
  func reinitFailuresThrottled() {
    let events = sink()
    let sensor = FakeSensor("gone")
    let policy = DeviceFaultPolicy(retries: 0, staleAfterPeriods: 1, excludeAfterPeriods: 1, reinitEveryPeriods: 1)
    let sampler = SensorSampler(sensor: sensor, policy: policy, events: events)
    sensor.failure = gone
    for index in 0..<12 { sampler.run(tick(UInt64(index))) }
    #expect(sampler.isExcluded)
    #expect(sensor.reinits >= 9)
    events.flush()
    #expect(recorder.events(.deviceReinitFailed).map(\.value) == [1, 2, 4, 8])
  }

  @Test("stale after N periods, excluded after M, re-initialised every K, back in use on success")
  func escalation() {
    let events = sink()
    let sensor = FakeSensor("bmp280@sim-i2c/0x76")
    let policy = DeviceFaultPolicy(retries: 0, staleAfterPeriods: 3, excludeAfterPeriods: 5, reinitEveryPeriods: 4)
    let sampler = SensorSampler(sensor: sensor, policy: policy, events: events)
    sampler.run(tick(0))
    sampler.run(tick(1))
    sensor.failure = gone
    for index in 2..<5 { sampler.run(tick(UInt64(index))) }
    events.flush()
    #expect(recorder.events(.deviceStale).map(\.value) == [3])
    #expect(!sampler.isExcluded)
    for index in 5..<7 { sampler.run(tick(UInt64(index))) }
    #expect(sampler.isExcluded)
    #expect(sampler.latest.status == .excluded)
    #expect(sampler.latest.timestamp == .ms(10))  // last good sample kept
    let transfers = sensor.starts + sensor.collects
    for index in 7..<15 { sampler.run(tick(UInt64(index))) }
    #expect(sensor.starts + sensor.collects == transfers)  // excluded: no transfers
    #expect(sensor.reinits == 2)
    events.flush()
    #expect(recorder.events(.deviceExcluded).count == 1)
    #expect(recorder.events(.deviceReinitFailed).map(\.value) == [1, 2])
    sensor.reinitWorks = true
    for index in 15..<19 { sampler.run(tick(UInt64(index))) }
    #expect(!sampler.isExcluded)
    events.flush()
    #expect(recorder.events(.deviceRestored).count == 1)
    sampler.run(tick(19))
    sampler.run(tick(20))
    #expect(sampler.latest.status == .fresh)
    #expect(sampler.latest.timestamp == .ms(200))
  }

  @Test("the stale-data monitor counts excluded and old readings as missing, per module")
  func staleMonitorQuorum() {
    let events = sink()
    let latch = SafetyLatch(sink: events)
    let fresh = Snapshot(SamplerReading(status: .fresh, timestamp: .ms(95)))
    let old = Snapshot(SamplerReading(status: .failing, timestamp: .ms(10)))
    let excluded = Snapshot(SamplerReading(status: .excluded, timestamp: .ms(99)))
    let monitor = StaleDataMonitor(
      modules: [.init(id: ModuleID(unchecked: "node1"), readings: [fresh, old, excluded])],
      policy: .safeModeWhenAllBlind, staleAfter: .milliseconds(30), latch: latch, events: events)
    monitor.run(tick(10))
    #expect(monitor.freshCounts == [1])
    #expect(!latch.isLatched)
    fresh.publish(SamplerReading(status: .failing, timestamp: .ms(95)))
    monitor.run(tick(13))
    #expect(monitor.freshCounts == [0])
    #expect(latch.reason == .staleData)
  }
}
