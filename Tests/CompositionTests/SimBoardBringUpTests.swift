import Boards
import Composition
import Controller
import Drivers
import Foundation
import HAL
import MockHAL
import Testing

/// Brings up the shipped `sim` board on the mock HAL and checks what the composition
/// point promises: outputs at their safe values, PWM all off, sensors reading, faults
/// named by role.
@Suite struct SimBoardBringUpTests {
  static let boardsDirectory = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("boards").path

  func simBoard() throws -> BoardDescription {
    try BoardLoader.load(path: Self.boardsDirectory + "/sim.yaml")
  }

  @Test func everyOutputStartsAtItsSafeValue() throws {
    let board = try simBoard()
    let backend = try SimBackend(board: board)
    let running = try RunningBoard(board: board, backend: backend)
    #expect(running.problems.isEmpty)
    for (role, spec) in board.lines where spec.direction == .output {
      let level = try #require(backend.simulatedGPIO.level(of: spec.id), "no level for \(role)")
      #expect(level.logical == spec.safeLevel, "\(role) not at its safe value")
      // Never driven away from the safe value during bring-up.
      #expect(backend.simulatedGPIO.history(of: spec.id).allSatisfy { $0.logical == spec.safeLevel }, "\(role)")
    }
    // The PCA9685 generates no pulse on any ESC channel, and the gimbal sits at neutral.
    let pca = try #require(backend.pwmModels["pwm.main"])
    for channel in 0..<4 { #expect(pca.pulseWidth(channel: channel) == .zero) }
    #expect(abs((pca.pulseWidth(channel: 4) - .microseconds(1500)).microsecondsDouble) < 5)
  }

  @Test func sensorsReadTheEmulatedPhysics() throws {
    let board = try simBoard()
    let backend = try SimBackend(board: board)
    backend.pressureModels["pressure.node1.a"]?.pressure = Pressure(pascals: 100_500)
    backend.pressureModels["pressure.node2.a"]?.pressure = Pressure(pascals: 99_000)
    let running = try RunningBoard(board: board, backend: backend)
    #expect(
      Set(running.pressureSensors.keys) == Set(board.i2cDevices.values.filter(\.kind.isPressureSensor).map(\.role)))
    let a = try #require(running.pressureSensors["pressure.node1.a"]).readOnce(clock: running.clock)
    let b = try #require(running.pressureSensors["pressure.node2.a"]).readOnce(clock: running.clock)
    #expect(abs(a.pressure.pascals - 100_500) < 1)
    #expect(abs(b.pressure.pascals - 99_000) < 2)
    #expect(b.kind == .ms5611)
  }

  @Test func aMissingSensorIsLeftOutAndNamed() throws {
    let board = try simBoard()
    let backend = try SimBackend(board: board)
    let spec = try #require(board.i2cDevices["pressure.node1.b"])
    backend.buses[spec.bus]?.detach(address: spec.address)
    let running = try RunningBoard(board: board, backend: backend)
    #expect(running.pressureSensors["pressure.node1.b"] == nil)
    #expect(running.pressureSensors["pressure.node1.a"] != nil)
    #expect(running.problems.map(\.role) == ["pressure.node1.b"])
    #expect(running.problems.first?.description.contains("0x77") == true)
  }

  @Test func aLineHeldElsewhereStopsBringUpNamingTheRole() throws {
    let board = try simBoard()
    let backend = try SimBackend(board: board)
    let spec = try #require(board.lines["status.led"])
    let holder = try backend.gpio.requestOutput(spec.id, config: .init(initialValue: false), consumer: "other")
    defer { holder.release() }
    #expect {
      _ = try RunningBoard(board: board, backend: backend)
    } throws: { error in
      guard let error = error as? CompositionError, case .gpio(let gpio) = error.cause else { return false }
      return error.role == "status.led" && gpio.kind == .lineBusy
    }
    // Everything else it had claimed was released again.
    let other = try #require(board.lines["drone.d1.arm"])
    let again = try backend.gpio.requestOutput(other.id, config: .init(initialValue: false), consumer: "test")
    again.release()
  }

  @Test func safeStateReturnsEveryOutputAfterCommands() throws {
    let board = try simBoard()
    let backend = try SimBackend(board: board)
    let running = try RunningBoard(board: board, backend: backend)
    try running.outputs["drone.d1.arm"]?.set(true)
    try running.outputs["status.led"]?.set(true)
    try running.pwmChannels["drone.d1.motor1"]?.setPulseWidth(.microseconds(1200))
    try running.pwmChannels["drone.d1.motor1"]?.setEnabled(true)
    #expect(running.applySafeState().isEmpty)
    #expect(backend.simulatedGPIO.level(of: try #require(board.lines["drone.d1.arm"]).id)?.logical == false)
    #expect(backend.simulatedGPIO.level(of: try #require(board.lines["status.led"]).id)?.logical == false)
    #expect(backend.pwmModels["pwm.main"]?.pulseWidth(channel: 0) == .zero)
  }

  @Test func safeStateReportsAFailingOutputAndStillSecuresTheRest() throws {
    let board = try simBoard()
    let backend = try SimBackend(board: board)
    let running = try RunningBoard(board: board, backend: backend)
    let pca = try #require(board.i2cDevices["pwm.main"])
    backend.buses[pca.bus]?.inject(.timeout, address: pca.address, count: nil)
    try running.outputs["status.led"]?.set(true)
    let failures = running.applySafeState()
    #expect(!failures.isEmpty)
    #expect(failures.allSatisfy { $0.role.hasPrefix("drone.d1.") })
    #expect(backend.simulatedGPIO.level(of: try #require(board.lines["status.led"]).id)?.logical == false)
  }
}

@Suite struct DeviceTreeModelCheckTests {
  @Test func aLinuxBoardOnAnotherModelWarnsBeforeBringUp() throws {
    let board = try BoardLoader.load(path: SimBoardBringUpTests.boardsDirectory + "/raspberry-pi-4.yaml")
    var warnings: [String] = []
    // Without GPIO chips (the build machine) bring-up fails after the warning, with a
    // typed error naming the chip, never a crash. On a real board it may succeed.
    let hasGPIOChips =
      ((try? FileManager.default.contentsOfDirectory(atPath: "/dev")) ?? []).contains { $0.hasPrefix("gpiochip") }
    do {
      let running = try BoardAssembly.bringUp(board, deviceTreeModel: "Acme Widget Rev 2") { warnings.append($0) }
      running.applySafeState()
      running.release()
      if !hasGPIOChips { Issue.record("bring-up of a Raspberry Pi board succeeded without any GPIO chip") }
    } catch let error as CompositionError {
      // A kill-path line is requested first; the error names its role and chip.
      #expect(board.lines[error.role] != nil)
      #expect(error.description.contains("pinctrl-bcm2711"))
    } catch {
      Issue.record("untyped bring-up error: \(error)")
    }
    #expect(warnings.count == 1)
    #expect(warnings.first?.contains("Acme Widget Rev 2") == true)
    #expect(warnings.first?.contains("Raspberry Pi 4") == true)
  }

  @Test func theSimBoardIsNotChecked() throws {
    let board = try BoardLoader.load(path: SimBoardBringUpTests.boardsDirectory + "/sim.yaml")
    var warnings: [String] = []
    let running = try BoardAssembly.bringUp(board, deviceTreeModel: "Acme Widget") { warnings.append($0) }
    running.release()
    #expect(warnings.isEmpty)
  }
}

/// The sim board catches what a real board would: emulators sit only where their chips
/// can, and PCA9685s answer their All Call address.
@Suite struct SimBoardChipRuleTests {
  @Test("a sim board whose description puts a BMP280 at 0x4c does not come up, naming the role")
  func bmp280At4C() throws {
    var board = try BoardLoader.load(path: SimBoardBringUpTests.boardsDirectory + "/sim.yaml")
    board.i2cDevices["pressure.node1.a"]?.address = 0x4C
    #expect {
      _ = try SimBackend(board: board)
    } throws: { error in
      guard let error = error as? CompositionError, case .i2c(let cause) = error.cause else { return false }
      return error.role == "pressure.node1.a" && cause.address == 0x4C
    }
  }

  static let twoPCA = """
    version: 1
    name: two-pca
    backend: sim
    supports: []
    features: []
    i2c:
      buses:
        sim-a: {simulated: true}
      devices:
        pwm.a: {kind: pca9685, bus: sim-a, address: 0x40, frequency_hz: 50, all_call: disabled}
        pwm.b: {kind: pca9685, bus: sim-a, address: 0x70, frequency_hz: 50}
    pwm:
      outputs:
        cam.pan: {pca9685: pwm.a, channel: 0, kind: servo, min_us: 1000, max_us: 2000, safe: 1200us}
        cam.tilt: {pca9685: pwm.b, channel: 0, kind: servo, min_us: 1000, max_us: 2000, safe: 1800us}
    """

  @Test("bring-up clears ALL_CALL on the other PCA9685 before the one at 0x70 is addressed")
  func allCallDisabledFirst() throws {
    let board = try BoardLoader.load(yaml: Self.twoPCA, file: "two-pca.yaml", expectedName: "two-pca")
    let backend = try SimBackend(board: board)
    let bus = try #require(backend.buses["sim-a"])
    bus.recordsTransactions = true
    let running = try RunningBoard(board: board, backend: backend)
    #expect(running.problems.isEmpty)
    let first70 = try #require(bus.log.firstIndex { $0.address == 0x70 })
    let cleared = try #require(bus.log.firstIndex { $0.address == 0x40 && $0.written == [0x00, 0x30] })
    #expect(cleared < first70)
    // Each chip generates its own safe pulse: nothing sent to 0x70 reached the chip at 0x40.
    let a = try #require(backend.pwmModels["pwm.a"])
    let b = try #require(backend.pwmModels["pwm.b"])
    #expect(abs((a.pulseWidth(channel: 0) - .microseconds(1200)).microsecondsDouble) < 5)
    #expect(abs((b.pulseWidth(channel: 0) - .microseconds(1800)).microsecondsDouble) < 5)
    #expect(bus.groupResponders(at: 0x70).isEmpty)
  }
}

/// A failed start after the watchdog was opened disarms it and says so.
@Suite struct FailedStartWatchdogTests {
  static let yaml = """
    version: 1
    name: wd
    backend: sim
    supports: []
    features: []
    watchdog: {kind: systemd, timeout_s: 15}
    """

  func bringUp() throws -> (RunningBoard, MockWatchdog) {
    let board = try BoardLoader.load(yaml: Self.yaml, file: "wd.yaml", expectedName: "wd")
    let backend = try SimBackend(board: board)
    let running = try RunningBoard(board: board, backend: backend, options: .init(openWatchdog: true))
    return (running, backend.mockWatchdog)
  }

  @Test("abandoning the watchdog disarms it: the board will not reset")
  func disarms() throws {
    let (running, watchdog) = try bringUp()
    #expect(
      running.abandonWatchdog() == "watchdog mock-watchdog: disarmed with the magic close: the board will not reset")
    #expect(watchdog.isDisarmed)
    #expect(running.watchdog == nil)
    #expect(running.abandonWatchdog() == nil)
  }

  @Test("with nowayout it says the board will reset")
  func nowayout() throws {
    let (running, watchdog) = try bringUp()
    watchdog.nowayout = true
    let message = try #require(running.abandonWatchdog())
    #expect(message.contains("nowayout") && message.contains("will reset"))
  }
}

/// One reading of a safe value: a PWM hatch actuator safe `hold` validates, comes up and
/// assembles (before, validation required `hold` and assembly refused it).
@Suite struct PWMHatchHoldTests {
  static let yaml = """
    version: 1
    name: pwm-hatch
    backend: sim
    supports: []
    features: []
    i2c:
      buses:
        sim-a: {simulated: true}
      devices:
        pwm.main: {kind: pca9685, bus: sim-a, address: 0x40, frequency_hz: 50}
    pwm:
      outputs:
        hatch.node1.drive: {pca9685: pwm.main, channel: 2, kind: servo, min_us: 1000, max_us: 2000, safe: hold}
    """

  @Test func validatesBringsUpAndAssembles() throws {
    let board = try BoardLoader.load(yaml: Self.yaml, file: "pwm-hatch.yaml", expectedName: "pwm-hatch")
    let backend = try SimBackend(board: board)
    let running = try RunningBoard(board: board, backend: backend, options: .init(sensorProfile: .loop))
    let assembly = try ControllerAssembly(
      board: running, station: TestStation.empty(), configuration: .standard(), consumer: EventRecorder())
    #expect(assembly.executive.memberNames(of: "actuators").contains("hatch.node1.drive"))
    // Its safe state is no pulses, at bring-up and after the safe state is applied.
    let chip = try #require(backend.pwmModels["pwm.main"])
    #expect(chip.pulseWidth(channel: 2) == .zero)
    #expect(running.applySafeState().isEmpty)
    #expect(chip.pulseWidth(channel: 2) == .zero)
  }
}
