import HAL

/// Which pressure sensor a board declares.
public enum PressureSensorKind: String, Hashable, Sendable, CaseIterable {
  case bmp280
  case bme280
  case ms5611
}

/// One reading from any pressure sensor, in SI units.
public struct SensorReading: Hashable, Sendable {
  public var kind: PressureSensorKind
  public var temperature: Temperature
  public var pressure: Pressure
  public var humidity: RelativeHumidity?
  public var timestamp: MonotonicInstant

  public init(
    kind: PressureSensorKind, temperature: Temperature, pressure: Pressure, humidity: RelativeHumidity? = nil,
    timestamp: MonotonicInstant
  ) {
    self.kind = kind
    self.temperature = temperature
    self.pressure = pressure
    self.humidity = humidity
    self.timestamp = timestamp
  }
}

/// The split-phase interface the loop uses for every pressure sensor.
///
/// Contract: ``startMeasurement(now:)`` never waits and returns when to call
/// ``collectReading(now:)`` next; `collectReading` returns a new reading or nil (not
/// ready, more steps to go, or already returned) and never the same conversion twice.
/// Call at most once per ``minimumPeriod``.
public protocol PressureSensor: AnyObject {
  var kind: PressureSensorKind { get }
  var device: String { get }
  var minimumPeriod: Duration { get }
  func initialise(clock: any MonotonicClock) throws(SensorError)
  @discardableResult func startMeasurement(now: MonotonicInstant) throws(SensorError) -> MonotonicInstant
  func collectReading(now: MonotonicInstant) throws(SensorError) -> SensorReading?
  /// When `collectReading` can next make progress (nil when idle).
  var nextStepAt: MonotonicInstant? { get }
}

extension PressureSensor {
  /// Blocking convenience for the CLI: start, sleep to each step, return the reading.
  public func readOnce(clock: any MonotonicClock) throws(SensorError) -> SensorReading {
    var next = try startMeasurement(now: clock.now())
    for _ in 0..<4 {
      clock.sleep(until: next)
      if let reading = try collectReading(now: clock.now()) { return reading }
      guard let step = nextStepAt else { break }
      next = step
    }
    throw SensorError(.conversionIncomplete, device: device, detail: "no reading after the measurement time")
  }
}

extension BMP280: PressureSensor {
  public var kind: PressureSensorKind { model == .bme280 ? .bme280 : .bmp280 }

  public func collectReading(now: MonotonicInstant) throws(SensorError) -> SensorReading? {
    guard let s = try collect(now: now) else { return nil }
    return SensorReading(
      kind: kind, temperature: s.temperature, pressure: s.pressure, humidity: s.humidity, timestamp: s.timestamp)
  }
}

extension MS5611: PressureSensor {
  public var kind: PressureSensorKind { .ms5611 }

  public func collectReading(now: MonotonicInstant) throws(SensorError) -> SensorReading? {
    guard let s = try collect(now: now) else { return nil }
    return SensorReading(kind: .ms5611, temperature: s.temperature, pressure: s.pressure, timestamp: s.timestamp)
  }
}

/// Builds the driver for `kind` at `address` on `bus`, with default settings.
/// `cloak sensor read` and the board composition use this.
public func makePressureSensor(kind: PressureSensorKind, bus: any I2CBus, address: UInt8) -> any PressureSensor {
  switch kind {
  case .bmp280: return BMP280(bus: bus, address: address, kind: .bmp280)
  case .bme280: return BMP280(bus: bus, address: address, kind: .bme280)
  case .ms5611: return MS5611(bus: bus, address: address)
  }
}

/// Probes (chip id or PROM CRC), initialises and takes one reading: the driver side of
/// `cloak sensor read`. Blocks for the reset and one measurement (about 50 ms).
public func probeAndRead(
  kind: PressureSensorKind, bus: any I2CBus, address: UInt8, clock: any MonotonicClock
) throws(SensorError) -> SensorReading {
  let sensor = makePressureSensor(kind: kind, bus: bus, address: address)
  try sensor.initialise(clock: clock)
  return try sensor.readOnce(clock: clock)
}
