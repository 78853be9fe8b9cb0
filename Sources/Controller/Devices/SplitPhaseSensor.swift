import HAL

/// One pressure (and temperature) measurement.
public struct PressureSample: Sendable, Hashable {
  public var pressure: Pressure
  public var temperature: Temperature
  public init(pressure: Pressure, temperature: Temperature) {
    self.pressure = pressure
    self.temperature = temperature
  }
}

/// A sensor driven split-phase: a conversion is started on one cycle and collected on
/// a later one, so no cycle waits for the chip.
///
/// Bus contract: each call is a few short register transfers (BMP280: start = one
/// register write of `ctrl_meas` with forced mode; collect = one burst read from the
/// status register through the data), never a sleep; only ``reinitialise()`` may wait
/// (a soft reset's NVM copy, about 2 ms).
public protocol SplitPhaseSensor: AnyObject {
  /// The device's name for events (`bmp280@i2c-1:0x76`).
  var name: String { get }
  /// Starts one conversion.
  func startConversion() throws(DeviceFault)
  /// Reads the conversion started earlier: the sample, or nil when it is not ready yet
  /// (the sampler tries again next cycle).
  func collectConversion() throws(DeviceFault) -> PressureSample?
  /// Resets and reconfigures the device (at set-up and after it was excluded).
  func reinitialise() throws(DeviceFault)
}

/// What a sampler publishes each cycle.
public struct SamplerReading: Sendable, Hashable {
  public enum Status: UInt8, Sendable, Hashable {
    /// No good sample yet.
    case starting
    /// The last cycle delivered a sample.
    case fresh
    /// The device is failing; `sample` is the last good one (if any).
    case failing
    /// The device is excluded from use until re-initialised.
    case excluded
  }

  public var status: Status
  public var sample: PressureSample?
  /// When the last good sample was collected.
  public var timestamp: MonotonicInstant?

  public init(status: Status = .starting, sample: PressureSample? = nil, timestamp: MonotonicInstant? = nil) {
    self.status = status
    self.sample = sample
    self.timestamp = timestamp
  }
}
