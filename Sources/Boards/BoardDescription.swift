import Drivers
import HAL

/// Everything a board file says: the wiring of one kind of board, shared by every unit
/// of that board. Site configuration and calibration live in separate files.
///
/// Dictionaries are keyed by role (`hatch.node1.close`) or by name (bus names, chip
/// labels). Produced only by ``BoardLoader``, so every value here has been validated.
public struct BoardDescription: Hashable, Sendable {
  /// Which HAL implementation the board runs on.
  public enum Backend: String, Hashable, Sendable, CaseIterable {
    /// Real Linux devices: libgpiod chips, i2c-dev buses, sysfs PWM, /dev/watchdog.
    case linux
    /// The mock HAL with chip emulators on the virtual clock.
    case sim
  }

  /// Schema version this program reads.
  public static let schemaVersion = 1

  public var name: String
  /// The file the board was read from (or the pseudo name given to the loader).
  public var file: String
  public var summary: String
  public var backend: Backend
  /// Expected prefix of `/proc/device-tree/model`; `nil` where there is no device tree.
  public var expectedModel: String?
  /// Bench test groups this board can run.
  public var supports: [BenchTestGroup]
  /// Features the board declares; each requires roles (see ``BoardFeature``).
  public var features: [BoardFeature]
  /// GPIO chips by label.
  public var gpioChips: [String: GPIOChipSpec]
  /// GPIO line roles.
  public var lines: [String: LineSpec]
  /// I2C buses by the board's name for them.
  public var i2cBuses: [String: I2CBusSpec]
  /// I2C device roles.
  public var i2cDevices: [String: I2CDeviceSpec]
  /// PWM output roles.
  public var pwmOutputs: [String: PWMOutputSpec]
  /// Lines that cut actuator power in hardware, in the order they should be asserted.
  public var killPath: [KillPathEntry]
  public var watchdog: WatchdogSpec

  /// Every output role (GPIO and PWM) with its safe value.
  public var safeValues: [String: SafeValue] {
    var values: [String: SafeValue] = [:]
    for (role, line) in lines { if let safe = line.safe { values[role] = safe } }
    for (role, output) in pwmOutputs { values[role] = output.safe }
    return values
  }
}

/// One GPIO chip, found by its label (never by gpiochip number).
public struct GPIOChipSpec: Hashable, Sendable {
  public var label: String
  /// The chip's line names, if the board file lists them. The virtual bench creates
  /// its gpio-sim chips from this list; on real boards it is optional documentation
  /// that validation checks roles against.
  public var lineNames: [String]?
  public var summary: String?
}

/// Input or output.
public enum LineDirection: String, Hashable, Sendable, CaseIterable {
  case input
  case output
}

/// One GPIO line role: which line, how to request it and, for outputs, its safe value.
public struct LineSpec: Hashable, Sendable {
  public var role: String
  public var id: GPIOLineID
  public var direction: LineDirection
  public var activeLow: Bool
  /// Inputs only (outputs: `.asIs`).
  public var bias: GPIOBias
  /// Outputs only (inputs: `.pushPull`).
  public var drive: GPIODrive
  /// Inputs only.
  public var debounce: Duration?
  /// Inputs only.
  public var edges: GPIOEdgeDetection
  /// Outputs only: `.level(_)` or, for hatch drive lines, `.hold`.
  public var safe: SafeValue?
  /// Line in the board file, for messages at run time.
  public var sourceLine: Int

  /// The logical level an output is requested at: its safe level; `hold` requests the
  /// line inactive, which leaves a hatch drive stopped (the hatch holds position).
  /// Read through ``SafeValue/gpioLevel``, the one interpretation every layer uses.
  public var safeLevel: Bool { safe?.gpioLevel ?? false }

  /// How to request this line as an output; `nil` for inputs.
  public var outputConfig: GPIOOutputConfig? {
    guard direction == .output else { return nil }
    return GPIOOutputConfig(activeLow: activeLow, drive: drive, initialValue: safeLevel)
  }

  /// How to request this line as an input; `nil` for outputs.
  public var inputConfig: GPIOInputConfig? {
    guard direction == .input else { return nil }
    return GPIOInputConfig(activeLow: activeLow, bias: bias, debounce: debounce, edges: edges)
  }
}

/// Where to find an I2C bus. Bus numbers (`/dev/i2c-N`) are only stable on some
/// boards; elsewhere the device-tree node names the controller.
public enum I2CBusLocator: Hashable, Sendable {
  /// A fixed device path, e.g. `/dev/i2c-1` on a Raspberry Pi.
  case devicePath(String)
  /// The controller's device-tree node, e.g. `4819c000.i2c` (matched against the
  /// target of `/sys/bus/i2c/devices/i2c-N/of_node`).
  case deviceTreeNode(String)
  /// The adapter name in `/sys/class/i2c-dev/i2c-N/name`. Only for adapters whose name
  /// is unique (the kernel's i2c-stub); SoC adapters all share one name.
  case adapterName(String)
  /// A bus of the mock HAL, named for logs.
  case simulated(String)
}

public struct I2CBusSpec: Hashable, Sendable {
  public var name: String
  public var locator: I2CBusLocator
}

/// Chips the drivers know.
public enum I2CDeviceKind: String, Hashable, Sendable, CaseIterable {
  case bmp280
  case bme280
  case ms5611
  case pca9685

  /// Whether the chip measures pressure (and so may serve leak watch).
  public var isPressureSensor: Bool { self != .pca9685 }
}

public struct I2CDeviceSpec: Hashable, Sendable {
  public var role: String
  public var kind: I2CDeviceKind
  /// Name of the bus in ``BoardDescription/i2cBuses``.
  public var bus: String
  /// 7-bit address.
  public var address: UInt8
  /// PCA9685 only: nominal oscillator (the measured value is calibration, not wiring).
  public var oscillatorHz: Int?
  /// PCA9685 only: output frequency shared by all 16 channels.
  public var pwmFrequencyHz: Int?
  /// PCA9685 only: role of the GPIO output wired to the chip's OE pin.
  public var outputEnableRole: String?
  /// PCA9685 only: whether the chip keeps answering at its LED All Call address (0x70).
  public var allCall: AllCallSetting = .enabled
}

/// A PCA9685's MODE1.ALLCALL as the board wants it.
public enum AllCallSetting: String, Hashable, Sendable, CaseIterable {
  /// The power-up state: the chip also answers at 0x70, as every PCA9685 on the bus
  /// does; bring-up keeps it.
  case enabled
  /// Bring-up clears MODE1.ALLCALL on this chip before anything at 0x70 on its bus is
  /// addressed; from then on it answers only at its own address.
  case disabled
}

/// Where a PWM output comes from.
public enum PWMSource: Hashable, Sendable {
  /// Channel 0...15 of the PCA9685 device with this role.
  case pca9685(device: String, channel: Int)
  /// A sysfs PWM channel; the chip is found by its device-tree node because
  /// `pwmchipN` numbers are not stable.
  case sysfs(deviceTreeNode: String, channel: Int, period: Duration)
}

/// What a PWM output drives; decides the checks on its pulse range.
public enum PWMOutputKind: String, Hashable, Sendable, CaseIterable {
  case servo
  case esc
  case valve
}

public struct PWMOutputSpec: Hashable, Sendable {
  public var role: String
  public var source: PWMSource
  public var kind: PWMOutputKind
  public var minPulse: Duration
  public var maxPulse: Duration
  public var neutralPulse: Duration
  /// `.off`, `.pulse(_)` within min...max, or `.hold` (hatch actuators only).
  public var safe: SafeValue
  /// GPIO output role that must be active before this output may move (ESCs).
  public var arming: String?
  public var sourceLine: Int
}

extension PWMOutputSpec {
  /// The drivers' servo limits for this output: the range, neutral, arming (ESCs and
  /// outputs with an arming line) and safe value as the board declares them. Board
  /// validation and the controller's assembly both build the limits here. Nil when
  /// `min_us` is not below `max_us` (validation has reported it).
  public var servoLimits: ServoLimits? {
    guard minPulse < maxPulse else { return nil }
    return ServoLimits(
      range: minPulse...maxPulse, neutral: neutralPulse, maxSlewPerSecond: nil,
      requiresArming: arming != nil || kind == .esc, safeValue: safe)
  }
}

/// Which way an external resistor pulls a line when nothing drives it.
public enum ExternalPull: String, Hashable, Sendable, CaseIterable {
  case up
  case down
}

/// One line of the hardware kill path: an output whose external pull resistor holds
/// actuators safe whenever no process drives it (crashed, not started, unplugged).
public struct KillPathEntry: Hashable, Sendable {
  /// A GPIO output role in ``BoardDescription/lines``.
  public var role: String
  public var pull: ExternalPull
  public var resistorOhms: Int
  public var summary: String
}

/// The board's watchdog.
public enum WatchdogSpec: Hashable, Sendable {
  case none
  /// A kernel watchdog device such as `/dev/watchdog`.
  case device(path: String, timeout: Duration)
  /// systemd's service watchdog (`WatchdogSec=`), stroked with `sd_notify`.
  case systemd(timeout: Duration)
}
