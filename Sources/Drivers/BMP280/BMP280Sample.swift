import HAL

/// One compensated BMP280/BME280 measurement, in the datasheet's integer units and SI.
public struct BMP280Sample: Hashable, Sendable {
  /// Temperature in 0.01 C (32-bit formula).
  public var centiCelsius: Int32
  /// Pressure in Pa as Q24.8 (64-bit formula).
  public var pressureQ24Dot8: UInt32
  /// Relative humidity in %RH as Q22.10 (BME280 only).
  public var humidityQ22Dot10: UInt32?
  /// When the driver collected it.
  public var timestamp: MonotonicInstant
  /// The raw ADC values (adc_T, adc_P, adc_H) the sample was computed from.
  public var raw: (t: Int32, p: Int32, h: Int32?) {
    get { (rawT, rawP, rawH) }
    set {
      rawT = newValue.t
      rawP = newValue.p
      rawH = newValue.h
    }
  }
  private var rawT: Int32
  private var rawP: Int32
  private var rawH: Int32?

  public init(
    centiCelsius: Int32, pressureQ24Dot8: UInt32, humidityQ22Dot10: UInt32?, timestamp: MonotonicInstant,
    raw: (t: Int32, p: Int32, h: Int32?)
  ) {
    self.centiCelsius = centiCelsius
    self.pressureQ24Dot8 = pressureQ24Dot8
    self.humidityQ22Dot10 = humidityQ22Dot10
    self.timestamp = timestamp
    self.rawT = raw.t
    self.rawP = raw.p
    self.rawH = raw.h
  }

  public var temperature: Temperature { Temperature(celsius: Double(centiCelsius) / 100) }
  /// Q24.8 / 256, unrounded.
  public var pressure: Pressure { Pressure(pascals: Double(pressureQ24Dot8) / 256) }
  public var humidity: RelativeHumidity? {
    humidityQ22Dot10.map { RelativeHumidity(percent: Double($0) / 1024) }
  }

  /// Compensates raw values with `calibration` (the shared path of the driver and the
  /// register-dump decoder).
  public static func compensate(
    adcT: Int32, adcP: Int32, adcH: Int32?, calibration: BMP280Calibration, timestamp: MonotonicInstant
  ) throws(CompensationError) -> BMP280Sample {
    let (t, tFine) = try BMP280Compensation.temperature(adcT: adcT, calibration)
    let p = try BMP280Compensation.pressure64(adcP: adcP, tFine: tFine, calibration)
    var h: UInt32?
    if let adcH {
      guard let hc = calibration.humidity else { throw .invalidRaw("humidity without humidity calibration") }
      h = try BMP280Compensation.humidity(adcH: adcH, tFine: tFine, hc)
    }
    return BMP280Sample(
      centiCelsius: t, pressureQ24Dot8: p, humidityQ22Dot10: h, timestamp: timestamp, raw: (adcT, adcP, adcH))
  }
}
