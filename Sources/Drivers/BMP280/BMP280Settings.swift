/// Measurement settings for a BMP280/BME280.
public struct BMP280Settings: Hashable, Sendable {
  /// Oversampling code as written to the osrs fields (0 skips the channel).
  public enum Oversampling: UInt8, Hashable, Sendable, CaseIterable {
    case skip = 0
    case x1 = 1
    case x2 = 2
    case x4 = 3
    case x8 = 4
    case x16 = 5

    /// Number of samples averaged (0 when skipped).
    public var factor: Int { self == .skip ? 0 : 1 << Int(rawValue - 1) }
  }

  /// IIR filter coefficient (config bits 4:2).
  public enum Filter: UInt8, Hashable, Sendable, CaseIterable {
    case off = 0
    case c2 = 1
    case c4 = 2
    case c8 = 3
    case c16 = 4
  }

  /// Standby code (config bits 7:5). The duration differs between chips for codes 6
  /// and 7: see ``standby(for:)``.
  public enum Standby: UInt8, Hashable, Sendable, CaseIterable {
    case code0 = 0
    case code1, code2, code3, code4, code5, code6, code7
  }

  public enum Mode: Hashable, Sendable {
    /// One conversion per ``BMP280/startMeasurement(now:)``, then back to sleep.
    case forced
    /// Continuous conversions every measurement time + standby.
    case normal
  }

  public var temperature: Oversampling
  public var pressure: Oversampling
  /// Humidity oversampling (BME280 only; ignored on a BMP280).
  public var humidity: Oversampling
  public var filter: Filter
  public var standby: Standby
  public var mode: Mode

  public init(
    temperature: Oversampling = .x2, pressure: Oversampling = .x16, humidity: Oversampling = .x1,
    filter: Filter = .c4, standby: Standby = .code0, mode: Mode = .forced
  ) {
    self.temperature = temperature
    self.pressure = pressure
    self.humidity = humidity
    self.filter = filter
    self.standby = standby
    self.mode = mode
  }

  /// ctrl_meas (0xF4) value: osrs_t 7:5, osrs_p 4:2, mode 1:0 (01 forced, 11 normal).
  public var ctrlMeas: UInt8 {
    temperature.rawValue << 5 | pressure.rawValue << 2 | (mode == .normal ? 0b11 : 0b01)
  }

  /// config (0xF5) value: t_sb 7:5, filter 4:2, spi3w_en 0.
  public var config: UInt8 { standby.rawValue << 5 | filter.rawValue << 2 }

  /// ctrl_hum (0xF2) value (BME280).
  public var ctrlHum: UInt8 { humidity.rawValue }

  /// Maximum measurement time from the datasheet (BME280 section 9.1, same figures
  /// for the BMP280): 1.25 ms + 2.3 ms per temperature and pressure (and humidity)
  /// sample + 0.575 ms per enabled pressure or humidity channel.
  public func measurementTime(humidityEnabled: Bool) -> Duration {
    var us = 1250 + 2300 * temperature.factor
    if pressure != .skip { us += 2300 * pressure.factor + 575 }
    if humidityEnabled && humidity != .skip { us += 2300 * humidity.factor + 575 }
    return .microseconds(us)
  }

  /// Standby between normal-mode conversions for `kind`.
  public func standbyTime(for kind: BMP280Kind) -> Duration {
    switch standby {
    case .code0: return .microseconds(500)
    case .code1: return .microseconds(62_500)
    case .code2: return .milliseconds(125)
    case .code3: return .milliseconds(250)
    case .code4: return .milliseconds(500)
    case .code5: return .milliseconds(1000)
    case .code6: return kind == .bme280 ? .milliseconds(10) : .milliseconds(2000)
    case .code7: return kind == .bme280 ? .milliseconds(20) : .milliseconds(4000)
    }
  }

  /// The driver's minimum sample period: forced mode, the measurement time (a new
  /// conversion cannot start before the last one ends); normal mode, measurement time
  /// plus standby.
  public func minimumPeriod(for kind: BMP280Kind) -> Duration {
    let t = measurementTime(humidityEnabled: kind == .bme280)
    return mode == .forced ? t : t + standbyTime(for: kind)
  }
}

/// Which member of the family a driver talks to.
public enum BMP280Kind: String, Hashable, Sendable, CaseIterable {
  case bmp280
  case bme280

  /// Chip-id values (0xD0) accepted: BMP280 0x58 and its samples 0x56/0x57; BME280 0x60.
  public var chipIDs: Set<UInt8> { self == .bmp280 ? [0x56, 0x57, 0x58] : [0x60] }
}
