import HAL

/// A pressure-sensor emulator whose physical inputs a test or the station simulation
/// sets; the chip then reports the raw values the real part would.
public protocol PressureSensorModel: AnyObject {
  var pressure: Pressure { get set }
  var temperature: Temperature { get set }
  /// Sets both inputs with one inverse search.
  func setInputs(pressure: Pressure, temperature: Temperature)
  /// Called with the raw pressure code at each conversion; its result is latched
  /// instead (noise, spikes: the station simulation's per-conversion hook).
  var pressureCodeHook: ((Int32) -> Int32)? { get set }
  /// Pascals per raw pressure code at the current inputs (the compensation's local slope).
  var pascalsPerPressureCode: Double { get }
  /// The chip resets itself (brown-out): configuration lost, no command on the bus.
  func resetToDefaults()
}

extension BMP280Emulator: PressureSensorModel {}
extension MS5611Emulator: PressureSensorModel {}
