import HAL

/// A pressure-sensor emulator whose physical inputs a test or the station simulation
/// sets; the chip then reports the raw values the real part would.
public protocol PressureSensorModel: AnyObject {
  var pressure: Pressure { get set }
  var temperature: Temperature { get set }
}

extension BMP280Emulator: PressureSensorModel {}
extension MS5611Emulator: PressureSensorModel {}
