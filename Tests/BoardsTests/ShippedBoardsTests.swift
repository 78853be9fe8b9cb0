import Boards
import Foundation
import HAL
import Testing

@Suite("Shipped board files")
struct ShippedBoardsTests {
  static let names = ["beaglebone-black", "raspberry-pi-4", "raspberry-pi-5", "sim", "virtual-bench"]

  @Test("the five shipped boards are in boards/")
  func catalogueListsTheFive() {
    let catalog = BoardCatalog(directories: [BoardFixtures.repositoryBoards])
    #expect(catalog.boards().map(\.name) == Self.names)
  }

  @Test("each shipped board validates", arguments: names)
  func validates(name: String) throws {
    let catalog = BoardCatalog(directories: [BoardFixtures.repositoryBoards])
    let board = try catalog.load(name)
    #expect(board.name == name)
    // Every output role declares a safe value (the loader enforces it; this pins it).
    for line in board.lines.values where line.direction == .output {
      #expect(line.safe != nil, "\(name): \(line.role)")
    }
    for (role, safe) in board.safeValues where role.hasPrefix("hatch.") {
      #expect(safe == .level(false) || safe == .hold, "\(name): \(role)")
    }
  }

  @Test("sim is the default board and uses the mock backend")
  func simIsDefault() throws {
    let catalog = BoardCatalog(directories: [BoardFixtures.repositoryBoards])
    let board = try catalog.load(BoardCatalog.defaultBoardName)
    #expect(board.backend == .sim)
    #expect(Set(board.features) == Set(BoardFeature.allCases))
    #expect(board.i2cBuses["sim-a"]?.locator == .simulated("sim-a"))
  }

  @Test("the PCA9685 output-enable line is requested inactive, i.e. driven high")
  func outputEnableStartsDisabled() throws {
    let board = try BoardCatalog(directories: [BoardFixtures.repositoryBoards]).load("raspberry-pi-4")
    let enable = try #require(board.lines["pwm.output_enable"])
    #expect(enable.id == GPIOLineID(chip: "pinctrl-bcm2711", line: "GPIO16"))
    #expect(enable.outputConfig == GPIOOutputConfig(activeLow: true, drive: .pushPull, initialValue: false))
    #expect(enable.inputConfig == nil)
    let sensor = try #require(board.lines["hatch.node1.closed_sensor"])
    #expect(
      sensor.inputConfig
        == GPIOInputConfig(activeLow: true, bias: .pullUp, debounce: .milliseconds(5), edges: .both))
    #expect(board.i2cDevices["pwm.main"]?.address == 0x40)
    #expect(board.pwmOutputs["drone.d1.motor1"]?.source == .pca9685(device: "pwm.main", channel: 0))
    #expect(board.pwmOutputs["drone.d1.motor1"]?.safe == .off)
    #expect(board.pwmOutputs["drone.d1.gimbal"]?.safe == .pulse(.microseconds(1500)))
    #expect(board.watchdog == .device(path: "/dev/watchdog", timeout: .seconds(15)))
  }

  @Test("BeagleBone finds its I2C bus and sysfs PWM by device-tree node")
  func beagleBoneUsesDeviceTreeNodes() throws {
    let board = try BoardCatalog(directories: [BoardFixtures.repositoryBoards]).load("beaglebone-black")
    #expect(board.i2cBuses["header"]?.locator == .deviceTreeNode("4819c000.i2c"))
    #expect(
      board.pwmOutputs["valve.node1.vent"]?.source
        == .sysfs(deviceTreeNode: "48302200.pwm", channel: 0, period: .microseconds(20000)))
  }

  @Test("the virtual bench finds i2c-stub by adapter name and lists its gpio-sim lines")
  func virtualBench() throws {
    let board = try BoardCatalog(directories: [BoardFixtures.repositoryBoards]).load("virtual-bench")
    #expect(board.i2cBuses["stub"]?.locator == .adapterName("SMBus stub driver"))
    #expect(board.gpioChips["cloak-sim-a"]?.lineNames?.count == 8)
    #expect(board.expectedModel == nil)
    #expect(!board.supports.contains(.pwmSysfs))
  }
}
