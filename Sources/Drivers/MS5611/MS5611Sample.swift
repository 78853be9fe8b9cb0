import HAL

/// One compensated MS5611 measurement.
public struct MS5611Sample: Hashable, Sendable {
  /// 0.01 C (second-order corrected).
  public var centiCelsius: Int32
  /// Pa (the datasheet's 0.01 mbar).
  public var pascals: Int32
  public var d1: UInt32
  public var d2: UInt32
  public var timestamp: MonotonicInstant

  public init(centiCelsius: Int32, pascals: Int32, d1: UInt32, d2: UInt32, timestamp: MonotonicInstant) {
    self.centiCelsius = centiCelsius
    self.pascals = pascals
    self.d1 = d1
    self.d2 = d2
    self.timestamp = timestamp
  }

  public var temperature: Temperature { Temperature(celsius: Double(centiCelsius) / 100) }
  public var pressure: Pressure { Pressure(pascals: Double(pascals)) }
}
