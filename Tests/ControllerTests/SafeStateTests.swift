import Controller
import HAL
import MockHAL
import Station
import Testing

/// An executive with a sampler (sensors, 100 Hz), the stale-data monitor and one
/// actuator (actuators, 50 Hz), and a component in the leak group (10 Hz).
private struct Rig {
  let clock = VirtualClock()
  let recorder = EventRecorder()
  let executive: Executive
  let sensor = FakeSensor("bmp280@sim-i2c/0x76")
  let sampler: SensorSampler
  let actuator: RecordingActuator
  let estimator: LoggingMember
  let arbiter: CommandArbiter
  let watchdog = CountingWatchdog()

  init(policy: DeviceFaultPolicy = DeviceFaultPolicy(retries: 0, staleAfterPeriods: 3, excludeAfterPeriods: 1000))
    throws
  {
    executive = try Executive(
      configuration: testConfiguration(healthEveryTicks: 10, fatalAfter: 2), clock: clock, consumer: recorder,
      watchdog: watchdog)
    sampler = SensorSampler(sensor: sensor, policy: policy, events: executive.events)
    let monitor = StaleDataMonitor(
      modules: [.init(id: ModuleID(unchecked: "node1"), readings: [sampler.subscribe()])],
      policy: .safeModeWhenAllBlind, staleAfter: .milliseconds(30), latch: executive.safety,
      events: executive.events)
    arbiter = CommandArbiter(
      hatches: [], drones: [], outputs: [], powerCommand: nil, statusCommand: nil, policy: PermissiveLocalPolicy(),
      latch: executive.safety, events: executive.events)
    actuator = RecordingActuator("vent-valve", clock: clock)
    estimator = LoggingMember("leak-estimator", log: RunLog())
    try executive.add(sampler, to: "sensors")
    try executive.add(monitor, to: "actuators")
    try executive.add(arbiter, to: "actuators")
    try executive.add(actuator, to: "actuators")
    try executive.add(estimator, to: "leak")
  }

  /// Sends `command` from the crew console through the arbiter.
  func send(_ command: Command) {
    #expect(arbiter.submit(CommandRequest(id: 1, principal: .crewConsole, command: command)) == nil)
  }

  func tripTime() -> MonotonicInstant? {
    executive.events.flush()
    return recorder.events(.safeModeEntered).first?.monotonic
  }
}

@Suite("Safe state and latched safe mode")
struct SafeStateTests {
  @Test("stale data: every actuator is safe within one actuator period of the data going stale")
  func staleData() throws {
    let rig = try Rig()
    rig.executive.run(until: .ms(100))
    #expect(!rig.executive.safety.isLatched)
    rig.sensor.failure = gone
    rig.executive.run(until: .ms(300))
    let lastGood = try #require(rig.sampler.latest.timestamp)
    let staleSince = lastGood.advanced(by: .milliseconds(30))
    let safe = try #require(rig.actuator.safeAt.first)
    #expect(rig.executive.safety.reason == .staleData)
    #expect(safe > staleSince)
    #expect(safe - staleSince <= .milliseconds(20))
    #expect(rig.actuator.safeAt.count == 1)
  }

  @Test("fatal health failure: actuators safe within one actuator period of the fatal event")
  func healthFatal() throws {
    let rig = try Rig()
    rig.executive.run(until: .ms(200))
    rig.estimator.healthy = false
    rig.executive.run(until: .ms(1_000))
    let trip = try #require(rig.tripTime())
    let safe = try #require(rig.actuator.safeAt.first)
    #expect(rig.executive.safety.reason == .healthFatal)
    #expect(safe >= trip)
    #expect(safe - trip <= .milliseconds(20))
  }

  @Test("crew command: safe within one actuator period, and only an operator clear leaves safe mode")
  func crewCommandAndLatch() throws {
    let rig = try Rig()
    rig.executive.run(until: .ms(100))
    rig.send(.enterSafeMode)
    rig.executive.run(until: .ms(500))
    let trip = try #require(rig.tripTime())
    let safe = try #require(rig.actuator.safeAt.first)
    #expect(trip > .ms(100) && trip <= .ms(120))  // the next actuator cycle
    #expect(safe - trip <= .milliseconds(20))
    let runsWhileSafe = rig.actuator.runs
    rig.executive.run(until: .ms(2_000))
    // Latched: still sensing and logging, actuators held safe, not run.
    #expect(rig.executive.safety.isLatched)
    #expect(rig.actuator.runs == runsWhileSafe)
    #expect(rig.sampler.latest.status == .fresh)
    rig.send(.clearSafeMode)
    rig.executive.run(until: .ms(2_100))
    #expect(!rig.executive.safety.isLatched)
    #expect(rig.actuator.runs > runsWhileSafe)
    #expect(rig.actuator.safeAt.count == 1)
  }

  @Test("stale data stays latched after the sensor recovers; a clear while still stale latches again")
  func latchSurvivesRecovery() throws {
    let rig = try Rig()
    rig.executive.run(until: .ms(100))
    rig.sensor.failure = gone
    rig.executive.run(until: .ms(300))
    #expect(rig.executive.safety.reason == .staleData)
    rig.send(.clearSafeMode)
    rig.executive.run(until: .ms(400))
    // Still stale: the monitor latched it again and the actuator went safe again.
    #expect(rig.executive.safety.reason == .staleData)
    #expect(rig.actuator.safeAt.count == 2)
    rig.sensor.failure = nil
    rig.executive.run(until: .ms(1_000))
    #expect(rig.sampler.latest.status == .fresh)
    #expect(rig.executive.safety.isLatched)
    rig.send(.clearSafeMode)
    rig.executive.run(until: .ms(1_100))
    #expect(!rig.executive.safety.isLatched)
  }

  @Test("an actuator that cannot reach its safe state is retried every cycle and reported")
  func safeStateRetried() throws {
    let rig = try Rig()
    rig.actuator.failSafe = true
    rig.executive.run(until: .ms(100))
    rig.send(.enterSafeMode)
    rig.executive.run(until: .ms(200))
    #expect(rig.actuator.safeAt.isEmpty)
    rig.actuator.failSafe = false
    rig.executive.run(until: .ms(220))
    #expect(rig.actuator.safeAt.count == 1)
    rig.executive.events.flush()
    #expect(rig.recorder.events(.safeStateFailed).count == 1)  // throttled
    #expect(rig.recorder.events(.safeStateApplied).count == 1)
  }

  @Test("shutdown request: safe state, watchdog disarmed, events flushed, loop returns")
  func shutdown() throws {
    let rig = try Rig()
    rig.executive.run(until: .ms(100))
    rig.executive.requestShutdown(signal: 15)
    rig.executive.run(until: .ms(10_000))
    #expect(rig.executive.isFinished)
    #expect(rig.clock.now() == .ms(100))
    #expect(rig.actuator.safeAt == [.ms(100)])
    #expect(rig.watchdog.disarmed)
    #expect(rig.executive.safety.reason == .shutdown)
    #expect(rig.recorder.events(.shutdownRequested).map(\.value) == [15])
  }
}
