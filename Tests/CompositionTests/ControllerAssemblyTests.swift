import Boards
import Controller
import Emulators
import Foundation
import HAL
import MockHAL
import Station
import Testing

@testable import Composition

/// The controller's rate groups wired onto the `sim` board, stepped on the virtual clock.
@Suite struct ControllerAssemblyTests {
  func assemble() throws -> (ControllerAssembly, SimBackend, EventRecorder) {
    let board = try BoardLoader.load(path: SimBoardBringUpTests.boardsDirectory + "/sim.yaml")
    let backend = try SimBackend(board: board)
    let running = try RunningBoard(board: board, backend: backend, options: .init(sensorProfile: .loop))
    let recorder = EventRecorder()
    let assembly = try ControllerAssembly(
      board: running, station: TestStation.make(), configuration: .standard(), consumer: recorder)
    return (assembly, backend, recorder)
  }

  @Test func everyDeviceBecomesAMemberOfItsGroup() throws {
    let (assembly, _, _) = try assemble()
    let executive = assembly.executive
    #expect(executive.memberNames(of: "sensors").count == 4)
    let actuators = executive.memberNames(of: "actuators")
    #expect(Array(actuators.prefix(2)) == ["stale-data-monitor", "command-arbiter"])
    // The stale-data monitor, the arbiter, one member per PWM output and per station
    // hatch, and a GPIO actuator per other output: the drones' arming lines belong to
    // their motors' interlock, the hatch drive lines to their hatch and the PCA9685s'
    // output enable to its driver; last, the hatch-position publisher.
    let board = assembly.board.board
    let arming = Set(board.pwmOutputs.values.compactMap(\.arming))
    let enables = Set(board.i2cDevices.values.compactMap(\.outputEnableRole))
    let hatchDrives = ["node1", "node2"].flatMap { ["hatch.\($0).open", "hatch.\($0).close"] }
    let others = board.lines.values.filter {
      $0.direction == .output && $0.safe != nil && !arming.contains($0.role) && !enables.contains($0.role)
        && !hatchDrives.contains($0.role)
    }
    #expect(actuators.count == 2 + board.pwmOutputs.count + 2 + others.count + 1)
    #expect(actuators.contains("hatch.node1") && actuators.contains("hatch.node2"))
    #expect(!actuators.contains { $0.contains("DRONE1_ARM") || $0.contains("HATCH") || $0.contains("PCA_OE") })
    #expect(actuators.last == "hatch-positions")
    #expect(executive.memberNames(of: "leak") == ["leak-watch", "leak-isolation"])
    #expect(executive.memberNames(of: "planner").isEmpty)
  }

  @Test("a fault policy with a huge stale step (set past its clamping init) assembles; no overflow trap")
  func hugeStaleStepSaturates() throws {
    let board = try BoardLoader.load(path: SimBoardBringUpTests.boardsDirectory + "/sim.yaml")
    let running = try RunningBoard(
      board: board, backend: try SimBackend(board: board), options: .init(sensorProfile: .loop))
    var policy = DeviceFaultPolicy()
    policy.staleAfterPeriods = Int.max
    let assembly = try ControllerAssembly(
      board: running, station: TestStation.make(), configuration: .standard(), consumer: EventRecorder(), policy: policy
    )
    #expect(assembly.samplers.count == 4)
    #expect(
      ControllerAssembly.staleAfter(sensorPeriod: .milliseconds(10), policy: policy)
        == .milliseconds(10) * (DeviceFaultPolicy.maximumPeriods + 1))
  }

  @Test("a sensor absent at start starts excluded and comes back once it answers (not left out for the run)")
  func sensorAbsentAtStartIsReinitialised() throws {
    let board = try BoardLoader.load(path: SimBoardBringUpTests.boardsDirectory + "/sim.yaml")
    let backend = try SimBackend(board: board)
    let spec = try #require(board.i2cDevices["pressure.node1.a"])
    let bus = try #require(backend.buses[spec.bus])
    let chip = try #require(backend.pressureModels["pressure.node1.a"] as? any SimulatedI2CDevice)
    bus.detach(address: spec.address)
    // What `cloak run` and `cloak bench loop` do: sensors initialised by their samplers.
    let running = try RunningBoard(
      board: board, backend: backend, options: .init(initialiseSensors: false, sensorProfile: .loop))
    let recorder = EventRecorder()
    let assembly = try ControllerAssembly(
      board: running, station: TestStation.make(), configuration: .standard(), consumer: recorder)
    assembly.initialiseSamplers()
    let sampler = try #require(assembly.samplers[TestStation.role("pressure.node1.a")])
    #expect(sampler.isExcluded)
    let clock = backend.virtualClock
    assembly.executive.run(until: clock.now().advanced(by: .seconds(1)))
    #expect(sampler.isExcluded)
    try bus.attach(chip, at: spec.address)
    assembly.executive.run(until: clock.now().advanced(by: .seconds(2)))
    #expect(!sampler.isExcluded)
    #expect(sampler.latest.status == .fresh)
    assembly.executive.events.flush()
    #expect(recorder.events(.deviceExcluded).count == 1)
    #expect(recorder.events(.deviceRestored).count == 1)
  }

  @Test("a board's watchdog, opened at bring-up as `cloak run` does, is stroked while healthy and disarmed at shutdown")
  func boardWatchdogStrokedThenDisarmed() throws {
    let path = SimBoardBringUpTests.boardsDirectory + "/sim.yaml"
    let yaml = try String(contentsOfFile: path, encoding: .utf8)
      .replacingOccurrences(of: "pwm-pca9685]", with: "pwm-pca9685, watchdog]")
      .replacingOccurrences(
        of: "watchdog:\n  kind: none", with: "watchdog:\n  kind: device\n  device: /dev/watchdog\n  timeout_s: 15")
    let board = try BoardLoader.load(yaml: yaml, file: path, expectedName: "sim")
    let backend = try SimBackend(board: board)
    let running = try RunningBoard(
      board: board, backend: backend, options: .init(openWatchdog: true, sensorProfile: .loop))
    #expect(running.watchdog != nil)
    let assembly = try ControllerAssembly(
      board: running, station: TestStation.make(), configuration: .standard(), consumer: EventRecorder())
    let clock = backend.virtualClock
    assembly.executive.run(until: clock.now().advanced(by: .seconds(1)))
    #expect(backend.mockWatchdog.strokeCount >= 9)
    assembly.executive.requestShutdown()
    assembly.executive.run(until: clock.now().advanced(by: .seconds(1)))
    #expect(backend.mockWatchdog.isDisarmed)
  }

  @Test func samplersDeliverFreshReadingsOfTheEmulatedPressure() throws {
    let (assembly, backend, _) = try assemble()
    for model in backend.pressureModels.values { model.pressure = Pressure(pascals: 100_000) }
    let clock = backend.virtualClock
    assembly.executive.run(until: clock.now().advanced(by: .seconds(1)))
    for (role, sampler) in assembly.samplers {
      let reading = sampler.latest
      #expect(reading.status == .fresh, "\(role)")
      #expect(abs((reading.sample?.pressure.pascals ?? 0) - 100_000) < 3, "\(role)")
    }
    #expect(assembly.executive.safety.reason == nil)
  }

  @Test func losingEverySensorLatchesSafeModeAndSecuresTheOutputs() throws {
    let (assembly, backend, _) = try assemble()
    let clock = backend.virtualClock
    let executive = assembly.executive
    executive.run(until: clock.now().advanced(by: .seconds(1)))
    // Something is commanded away from its safe value first.
    assembly.send(.actuatorPulse(TestStation.role("drone.d1.gimbal"), microseconds: 1800))
    executive.run(until: clock.now().advanced(by: .milliseconds(100)))
    let pca = try #require(backend.pwmModels["pwm.main"])
    #expect(abs((pca.pulseWidth(channel: 4) - .microseconds(1800)).microsecondsDouble) < 5)
    for bus in backend.buses.values {
      for address in bus.attachedAddresses where address != 0x40 { bus.detach(address: address) }
    }
    executive.run(until: clock.now().advanced(by: .seconds(1)))
    #expect(executive.safety.reason == .staleData)
    // The gimbal is back at its safe pulse (1500 us) and the motors are off.
    #expect(abs((pca.pulseWidth(channel: 4) - .microseconds(1500)).microsecondsDouble) < 5)
    for channel in 0..<4 { #expect(pca.pulseWidth(channel: channel) == .zero) }
  }

  @Test func sameScenarioSameResult() throws {
    func run() throws -> [String] {
      let (assembly, backend, recorder) = try assemble()
      let clock = backend.virtualClock
      assembly.executive.run(until: clock.now().advanced(by: .seconds(2)))
      let spec = try #require(assembly.board.board.i2cDevices["pressure.node2.a"])
      backend.buses[spec.bus]?.detach(address: spec.address)
      assembly.executive.run(until: clock.now().advanced(by: .seconds(3)))
      assembly.executive.requestShutdown()
      assembly.executive.run(until: clock.now().advanced(by: .seconds(1)))
      return recorder.events.map { "\($0.event.monotonic.nanoseconds) \($0.event.code) \($0.source)" }
    }
    let first = try run()
    #expect(!first.isEmpty)
    #expect(try run() == first)
  }

  @Test func runsThreeSecondsWithFreshDataNoSlipsNoSafeMode() throws {
    let (assembly, backend, _) = try assemble()
    let clock = backend.virtualClock
    // Bring-up waited for the sensors' soft reset on the virtual clock; the loop starts now.
    let start = clock.now()
    #expect(start > .zero)
    assembly.executive.run(until: start.advanced(by: .seconds(3)))
    let report = assembly.executive.report()
    #expect(report.ticks == 3_001)
    #expect(report.slips == 0)
    #expect(!assembly.executive.safety.isLatched)
    #expect(assembly.samplers.values.allSatisfy { $0.latest.status == .fresh })
    let bmp = try #require(backend.pressureModels["pressure.node1.a"] as? BMP280Emulator)
    #expect(bmp.conversions >= 299)
    // The status LED blinked once per planner cycle (1 Hz).
    let led = try #require(assembly.board.board.lines["status.led"])
    #expect(backend.simulatedGPIO.history(of: led.id).filter(\.logical).count >= 1)
  }

  @Test func oneSensorLostRunsOnAllLostSafeStateWithinOneActuatorPeriod() throws {
    let (assembly, backend, recorder) = try assemble()
    let clock = backend.virtualClock
    let executive = assembly.executive
    executive.run(until: clock.now().advanced(by: .seconds(1)))
    let roles = assembly.samplers.keys.sorted()
    let first = try #require(assembly.board.board.i2cDevices[roles[0].rawValue])
    backend.buses[first.bus]?.detach(address: first.address)
    executive.run(until: clock.now().advanced(by: .seconds(1)))
    #expect(!executive.safety.isLatched)
    #expect(assembly.samplers[roles[0]]?.isExcluded == true)
    for role in roles.dropFirst() {
      let spec = try #require(assembly.board.board.i2cDevices[role.rawValue])
      backend.buses[spec.bus]?.detach(address: spec.address)
    }
    executive.run(until: clock.now().advanced(by: .seconds(1)))
    #expect(executive.safety.reason == .staleData)
    executive.events.flush()
    #expect(recorder.events(.deviceExcluded).count == 4)
    let trip = try #require(recorder.events(.safeModeEntered).first?.monotonic)
    let safe = try #require(recorder.events(.safeStateApplied).first?.monotonic)
    #expect(safe - trip <= .milliseconds(20))
  }

  @Test func anExcludedSensorIsReinitialisedOnceItAnswersAgain() throws {
    let (assembly, backend, recorder) = try assemble()
    let clock = backend.virtualClock
    let executive = assembly.executive
    executive.run(until: clock.now().advanced(by: .milliseconds(500)))
    let spec = try #require(assembly.board.board.i2cDevices["pressure.node1.b"])
    let bus = try #require(backend.buses[spec.bus])
    let chip = try #require(bus.device(at: spec.address))
    bus.detach(address: spec.address)
    executive.run(until: clock.now().advanced(by: .milliseconds(500)))
    #expect(assembly.samplers[TestStation.role("pressure.node1.b")]?.isExcluded == true)
    try bus.attach(chip, at: spec.address)
    executive.run(until: clock.now().advanced(by: .seconds(1)))
    #expect(assembly.samplers[TestStation.role("pressure.node1.b")]?.isExcluded == false)
    #expect(assembly.samplers[TestStation.role("pressure.node1.b")]?.latest.status == .fresh)
    executive.events.flush()
    #expect(recorder.events(.deviceRestored).count == 1)
  }

  @Test("a disarm command cuts the motors' power and pulses at once (not only safe mode)")
  func aDisarmCommandDisarms() throws {
    let (assembly, backend, _) = try assemble()
    let clock = backend.virtualClock
    let executive = assembly.executive
    let pca = try #require(backend.pwmModels["pwm.main"])
    let armLine = try #require(assembly.board.board.lines["drone.d1.arm"]).id
    assembly.send(.droneArm(TestStation.d1))
    assembly.send(.actuatorPulse(TestStation.role("drone.d1.motor1"), microseconds: 1400))
    executive.run(until: clock.now().advanced(by: .milliseconds(200)))
    #expect(backend.simulatedGPIO.level(of: armLine)?.logical == true)
    #expect(pca.pulseWidth(channel: 0) != .zero)

    assembly.send(.droneDisarm(TestStation.d1))
    executive.run(until: clock.now().advanced(by: .milliseconds(100)))
    #expect(backend.simulatedGPIO.level(of: armLine)?.logical == false)
    #expect(pca.pulseWidth(channel: 0) == .zero)
    #expect(!executive.safety.isLatched)
    // Re-armed, the motor does not resume the pulse commanded before the disarm.
    assembly.send(.droneArm(TestStation.d1))
    executive.run(until: clock.now().advanced(by: .milliseconds(100)))
    #expect(backend.simulatedGPIO.level(of: armLine)?.logical == true)
    #expect(pca.pulseWidth(channel: 0) == .zero)
  }

  @Test("clearing safe mode resumes nothing: no re-arming, no earlier pulse, no earlier hatch drive")
  func clearingSafeModeResumesNothing() throws {
    let (assembly, backend, _) = try assemble()
    let clock = backend.virtualClock
    let executive = assembly.executive
    let pca = try #require(backend.pwmModels["pwm.main"])
    let armLine = try #require(assembly.board.board.lines["drone.d1.arm"]).id
    let hatch = try #require(assembly.board.board.lines["hatch.node1.close"]).id
    assembly.send(.droneArm(TestStation.d1))
    assembly.send(.actuatorPulse(TestStation.role("drone.d1.motor1"), microseconds: 1400))
    assembly.send(.hatchClose(TestStation.hatch1))
    executive.run(until: clock.now().advanced(by: .milliseconds(200)))
    #expect(backend.simulatedGPIO.level(of: armLine)?.logical == true)
    #expect(backend.simulatedGPIO.level(of: hatch)?.logical == true)
    #expect(pca.pulseWidth(channel: 0) != .zero)

    assembly.send(.enterSafeMode)
    executive.run(until: clock.now().advanced(by: .milliseconds(100)))
    #expect(backend.simulatedGPIO.level(of: armLine)?.logical == false)
    #expect(backend.simulatedGPIO.level(of: hatch)?.logical == false)
    assembly.send(.clearSafeMode)
    executive.run(until: clock.now().advanced(by: .milliseconds(200)))
    #expect(!executive.safety.isLatched)
    #expect(backend.simulatedGPIO.level(of: armLine)?.logical == false)
    #expect(backend.simulatedGPIO.level(of: hatch)?.logical == false)
    #expect(pca.pulseWidth(channel: 0) == .zero)

    // Commands published after the clear act as usual.
    assembly.send(.droneArm(TestStation.d1))
    assembly.send(.actuatorPulse(TestStation.role("drone.d1.motor1"), microseconds: 1400))
    executive.run(until: clock.now().advanced(by: .milliseconds(200)))
    #expect(backend.simulatedGPIO.level(of: armLine)?.logical == true)
    #expect(abs((pca.pulseWidth(channel: 0) - .microseconds(1400)).microsecondsDouble) < 5)
  }

  @Test("a hatch command drives one direction only and stops at the position sensor")
  func hatchMovesThroughItsInterlock() throws {
    let (assembly, backend, recorder) = try assemble()
    let clock = backend.virtualClock
    let executive = assembly.executive
    let lines = assembly.board.board.lines
    let close = try #require(lines["hatch.node1.close"]).id
    let open = try #require(lines["hatch.node1.open"]).id
    let closedSensor = try #require(lines["hatch.node1.closed_sensor"]).id
    assembly.send(.hatchClose(TestStation.hatch1))
    executive.run(until: clock.now().advanced(by: .milliseconds(100)))
    #expect(backend.simulatedGPIO.level(of: close)?.logical == true)
    #expect(backend.simulatedGPIO.level(of: open)?.logical == false)
    // The closed sensor (active low) reports: the drive stops.
    try backend.simulatedGPIO.drive(closedSensor, physicalLevel: false)
    executive.run(until: clock.now().advanced(by: .milliseconds(100)))
    #expect(backend.simulatedGPIO.level(of: close)?.logical == false)
    #expect(backend.simulatedGPIO.level(of: open)?.logical == false)
    executive.events.flush()
    #expect(recorder.events(.actuatorFailed).isEmpty)
  }

  @Test("a hatch that does not reach its position stops at the move timeout and reports it")
  func hatchMoveTimesOut() throws {
    let (assembly, backend, recorder) = try assemble()
    let clock = backend.virtualClock
    let close = try #require(assembly.board.board.lines["hatch.node1.close"]).id
    assembly.send(.hatchClose(TestStation.hatch1))
    // Travel 8 s: the move timeout is 1.5 x 8 + 2 = 14 s.
    #expect(ControllerAssembly.moveTimeout(travelSeconds: 8) == .seconds(14))
    assembly.executive.run(until: clock.now().advanced(by: .seconds(13)))
    #expect(backend.simulatedGPIO.level(of: close)?.logical == true)
    assembly.executive.run(until: clock.now().advanced(by: .seconds(2)))
    #expect(backend.simulatedGPIO.level(of: close)?.logical == false)
    assembly.executive.events.flush()
    #expect(recorder.records(.hatchFault).map(\.subject.hatch) == [TestStation.hatch1])
    #expect(assembly.hatches[TestStation.hatch1]?.hatch.fault != nil)
  }

  @Test func aMotorCommandBeyondNeutralIsRefusedUntilArmedThenSafeModeDisarms() throws {
    let (assembly, backend, recorder) = try assemble()
    let clock = backend.virtualClock
    let executive = assembly.executive
    let pca = try #require(backend.pwmModels["pwm.main"])
    let armLine = try #require(assembly.board.board.lines["drone.d1.arm"]).id
    executive.run(until: clock.now().advanced(by: .milliseconds(200)))
    assembly.send(.actuatorPulse(TestStation.role("drone.d1.motor1"), microseconds: 1400))
    executive.run(until: clock.now().advanced(by: .milliseconds(200)))
    #expect(pca.pulseWidth(channel: 0) == .zero)
    #expect(backend.simulatedGPIO.level(of: armLine)?.logical == false)
    executive.events.flush()
    #expect(recorder.events(.actuatorFailed).count == 1)  // once, not every cycle

    assembly.send(.droneArm(TestStation.d1))
    assembly.send(.actuatorPulse(TestStation.role("drone.d1.motor1"), microseconds: 1401))
    executive.run(until: clock.now().advanced(by: .milliseconds(200)))
    #expect(backend.simulatedGPIO.level(of: armLine)?.logical == true)
    #expect(abs((pca.pulseWidth(channel: 0) - .microseconds(1401)).microsecondsDouble) < 5)

    _ = executive.safety.trip(.crewCommand)
    executive.run(until: clock.now().advanced(by: .milliseconds(100)))
    #expect(pca.pulseWidth(channel: 0) == .zero)
    #expect(backend.simulatedGPIO.level(of: armLine)?.logical == false)
  }

  @Test func pwmOutputsAreEnabledOnceSafeAndStayEnabledInSafeMode() throws {
    let board = try BoardLoader.load(path: SimBoardBringUpTests.boardsDirectory + "/sim.yaml")
    let backend = try SimBackend(board: board)
    let running = try RunningBoard(board: board, backend: backend, options: .init(sensorProfile: .loop))
    let oe = try #require(board.lines["pwm.output_enable"]).id
    // Bring-up leaves the kill path holding the outputs off.
    #expect(backend.simulatedGPIO.level(of: oe)?.logical == false)
    let assembly = try ControllerAssembly(
      board: running, station: TestStation.make(), configuration: .standard(), consumer: EventRecorder())
    // Assembled: every channel is at its safe value, so the outputs are enabled.
    #expect(backend.simulatedGPIO.level(of: oe)?.logical == true)
    #expect(backend.simulatedGPIO.level(of: oe)?.physical == false)  // OE is active-low
    _ = assembly.executive.safety.trip(.crewCommand)
    assembly.executive.run(until: backend.virtualClock.now().advanced(by: .milliseconds(100)))
    // Safe mode drives the channels' safe values (gimbal at neutral, ESCs off) and keeps
    // the outputs enabled so the gimbal's safe pulse reaches it.
    #expect(backend.simulatedGPIO.level(of: oe)?.logical == true)
    let pca = try #require(backend.pwmModels["pwm.main"])
    #expect(abs((pca.pulseWidth(channel: 4) - .microseconds(1500)).microsecondsDouble) < 5)
    #expect(pca.pulseWidth(channel: 0) == .zero)
    // Releasing the board (process exit) hands the line back to its pull-up: outputs off.
    running.release()
    #expect(backend.simulatedGPIO.consumer(of: oe) == nil)
  }
}

extension ControllerAssembly {
  /// Sends `command` through the arbiter as `principal`; expects it queued.
  func send(_ command: Command, by principal: Principal = .crewConsole, id: UInt64 = 1) {
    #expect(submit(CommandRequest(id: id, principal: principal, command: command)) == nil)
  }
}
