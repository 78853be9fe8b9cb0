import Controller
import HAL
import MockHAL

/// A BMP280-like register model for the loop benchmark's `sim` board.
///
/// Chip id 0x58 at 0xD0; writing `ctrl_meas` (0xF4) with mode bits 01 (forced) latches
/// one conversion into the data registers 0xF7...0xFC (pressure then temperature,
/// 20-bit raw values, MSB first) and returns the chip to sleep. The raw values are a
/// linear stand-in, not the Bosch compensation: the bench measures the loop, not the
/// physics. Replaced by the drivers branch's BMP280 emulator when it lands.
public final class BenchPressureChip: RegisterFileDevice, @unchecked Sendable {
  /// Pressure the next conversion reports.
  public var pressure = Pressure(pascals: 101_325)
  /// Conversions done.
  public private(set) var conversions = 0

  public init() {
    super.init()
    registers[0xD0] = 0x58
    readOnly = [0xD0]
  }

  override public func writeRegister(_ register: UInt8, _ value: UInt8) throws(I2CError) {
    try super.writeRegister(register, value)
    guard register == 0xF4, value & 0x03 == 0x01 else { return }
    conversions += 1
    let raw = UInt32(clamping: Int(pressure.pascals * 4))
    registers[0xF7] = UInt8(truncatingIfNeeded: raw >> 12)
    registers[0xF8] = UInt8(truncatingIfNeeded: raw >> 4)
    registers[0xF9] = UInt8(truncatingIfNeeded: raw << 4)
    let temperature = UInt32(21 * 1_000 + 500_000)
    registers[0xFA] = UInt8(truncatingIfNeeded: temperature >> 12)
    registers[0xFB] = UInt8(truncatingIfNeeded: temperature >> 4)
    registers[0xFC] = UInt8(truncatingIfNeeded: temperature << 4)
    registers[0xF4] = value & 0xFC  // back to sleep: the result is ready at once
  }
}

/// The split-phase sensor the benchmark samples over a (simulated) I2C bus, in the
/// BMP280's bus shape: start = one register write (`ctrl_meas` = forced mode), collect =
/// one 6-byte burst read from 0xF7 into a preallocated buffer.
public final class BenchPressureSensor: SplitPhaseSensor, @unchecked Sendable {
  public let name: String
  private let bus: any I2CBus
  private let address: UInt8
  private var buffer = [UInt8](repeating: 0, count: 6)

  public init(bus: any I2CBus, address: UInt8) {
    self.bus = bus
    self.address = address
    self.name = "bmp280@\(bus.name)/\(hex(address))"
  }

  public func startConversion() throws(DeviceFault) {
    do {
      try bus.writeRegister(address: address, register: 0xF4, value: 0b0010_0101)
    } catch {
      throw DeviceFault(.bus(error), device: name)
    }
  }

  public func collectConversion() throws(DeviceFault) -> PressureSample {
    do {
      try bus.readRegisters(address: address, start: 0xF7, into: &buffer)
    } catch {
      throw DeviceFault(.bus(error), device: name)
    }
    let raw = UInt32(buffer[0]) << 12 | UInt32(buffer[1]) << 4 | UInt32(buffer[2]) >> 4
    let rawTemperature = UInt32(buffer[3]) << 12 | UInt32(buffer[4]) << 4 | UInt32(buffer[5]) >> 4
    guard raw != 0 else { throw DeviceFault(.implausible, device: name) }
    return PressureSample(
      pressure: Pressure(pascals: Double(raw) / 4),
      temperature: Temperature(celsius: (Double(rawTemperature) - 500_000) / 1_000))
  }

  public func reinitialise() throws(DeviceFault) {
    do {
      let id = try bus.readRegister(address: address, register: 0xD0)
      guard id == 0x58 else { throw DeviceFault(.notInitialised, device: name) }
    } catch let error as I2CError {
      throw DeviceFault(.bus(error), device: name)
    } catch let fault as DeviceFault {
      throw fault
    } catch {
      throw DeviceFault(.notInitialised, device: name)
    }
  }
}

/// A PWM output double for the benchmark: keeps the values it is given.
public final class BenchPWMChannel: PWMChannel, @unchecked Sendable {
  public let name: String
  public private(set) var period: Duration
  public private(set) var pulseWidth: Duration = .zero
  public private(set) var isEnabled = false
  /// Pulse-width changes so far.
  public private(set) var changes = 0

  public init(name: String, period: Duration = .milliseconds(20)) {
    self.name = name
    self.period = period
  }

  public func setPeriod(_ period: Duration) throws(PWMError) { self.period = period }

  public func setPulseWidth(_ width: Duration) throws(PWMError) {
    guard width <= period, width >= .zero else { throw PWMError(.outOfRange, channel: name) }
    pulseWidth = width
    changes += 1
  }

  public func setEnabled(_ enabled: Bool) throws(PWMError) { isEnabled = enabled }
}
