import Drivers
import HAL

/// Drives a pressure-sensor driver from the drivers layer (BMP280/BME280, MS5611) as a
/// ``SplitPhaseSensor``.
///
/// Bus contract is the driver's: `startMeasurement` is one register write (forced mode)
/// or nothing, `collectReading` one burst read once the conversion time has passed
/// (nil before). Times come from `clock` at the moment of each call, so the driver's
/// ready instant matches the bus's (the chip's) time line.
public final class PressureSensorAdapter: SplitPhaseSensor, @unchecked Sendable {
  public let name: String
  private let sensor: any PressureSensor
  private let clock: any MonotonicClock

  public init(sensor: any PressureSensor, clock: any MonotonicClock) {
    self.name = sensor.device
    self.sensor = sensor
    self.clock = clock
  }

  public func startConversion() throws(DeviceFault) {
    do {
      try sensor.startMeasurement(now: clock.now())
    } catch {
      throw DeviceFault(.driver(error), device: name)
    }
  }

  public func collectConversion() throws(DeviceFault) -> PressureSample? {
    let reading: Drivers.SensorReading?
    do {
      reading = try sensor.collectReading(now: clock.now())
    } catch {
      throw DeviceFault(.driver(error), device: name)
    }
    guard let reading else { return nil }
    return PressureSample(pressure: reading.pressure, temperature: reading.temperature)
  }

  public func reinitialise() throws(DeviceFault) {
    do {
      try sensor.initialise(clock: clock)
    } catch {
      throw DeviceFault(.driver(error), device: name)
    }
  }
}
