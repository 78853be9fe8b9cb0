#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The tiers of the leak detector's output (issue 10). Raw values are the names the analyser prints.
public enum LeakEventKind: String, Sendable, CaseIterable {
  /// The segment loses gas at or above the alarm rate (sequential test passed, every healthy sensor agreeing).
  case leakAlarm = "leak_alarm"
  /// An active `leak_alarm` ended: the rate stayed below the clear fraction for the hold time.
  case leakCleared = "leak_cleared"
  /// A sustained loss at or above the trend rate over hours, below the alarm.
  case leakTrend = "leak_trend"
  /// The raw pressure falls faster than the rapid rate (every healthy sensor of the module agreeing).
  case rapidDepress = "rapid_depress"
  /// The module's pressure is below the absolute floor (every healthy sensor agreeing).
  case lowPressure = "low_pressure"
  /// A `low_pressure` ended: every healthy sensor of the module reads above the floor
  /// plus its hysteresis (``LeakDetectorConfiguration/lowPressureHysteresisPa``).
  case lowPressureCleared = "low_pressure_cleared"
  /// A sensor was found faulty and is excluded from now on.
  case sensorFault = "sensor_fault"
}

/// Why a sensor was excluded.
public enum SensorFaultKind: String, Sendable, CaseIterable {
  /// The same raw pressure `stuckSamples` times in a row, or a disagreement during which it did not move.
  case stuck
  /// A disagreement with its twins that grew during the run (by more than 30 % of a tolerance).
  case ramp
  /// Repeated short disagreements (`spikeFaultCount` spikes within `spikeWindowSeconds`).
  case spikes
  /// No readable sample for `dropoutSeconds` while its module reported.
  case dropout
  /// Readings outside the plausible range for `dropoutSeconds`.
  case outOfRange = "out_of_range"
  /// A sustained disagreement with its twins that is none of the above.
  case disagreement
}

/// One event, a plain value (no allocation). Rates are losses (positive = losing gas).
public struct LeakEvent: Sendable, Equatable {
  /// Time of the step that raised it, seconds (the samples' time base).
  public var time: Double
  public var kind: LeakEventKind
  /// The module (for segment events: the segment's lowest module index).
  public var module: Int
  /// The segment label the caller gave the module (its own index unless `setSegmentLabels` said otherwise).
  public var segment: Int
  /// The sensor for `sensorFault`, else -1.
  public var sensor: Int
  /// The fault for `sensorFault`.
  public var fault: SensorFaultKind?
  /// Loss rate, % of the gas per hour, for leak events and `rapidDepress` (else NaN).
  public var ratePctPerHour: Double
  /// The same rate in kg of air per day, from the segment's volumes and temperatures (ideal gas); NaN without volumes.
  public var rateKgPerDay: Double
  /// The same rate as a pressure fall in mmHg per day at the segment's current pressure.
  public var rateMmHgPerDay: Double
  /// Hours until the segment reaches `floorPressurePa` at this rate (exponential decay), infinity when not losing.
  public var hoursToFloor: Double
  /// The module's (median healthy) pressure, Pa, at the event.
  public var pressurePa: Double

  public init(
    time: Double, kind: LeakEventKind, module: Int, segment: Int, sensor: Int = -1, fault: SensorFaultKind? = nil,
    ratePctPerHour: Double = .nan, rateKgPerDay: Double = .nan, rateMmHgPerDay: Double = .nan,
    hoursToFloor: Double = .nan, pressurePa: Double = .nan
  ) {
    self.time = time
    self.kind = kind
    self.module = module
    self.segment = segment
    self.sensor = sensor
    self.fault = fault
    self.ratePctPerHour = ratePctPerHour
    self.rateKgPerDay = rateKgPerDay
    self.rateMmHgPerDay = rateMmHgPerDay
    self.hoursToFloor = hoursToFloor
    self.pressurePa = pressurePa
  }
}

/// Unit conversions of a relative gas-loss rate. Ideal gas: m = P V M / (R T).
public enum LeakUnits {
  /// Universal gas constant, J/(mol K) (CODATA 2018, exact).
  public static let gasConstant = 8.314_462_618
  /// Molar mass of dry air, kg/mol (the figure, 0.028965).
  public static let airMolarMass = 0.028_965
  /// Pascals per mmHg (133.322387415, the conventional millimetre of mercury).
  public static let pascalsPerMmHg = 133.322_387_415

  /// Mass of air in a volume, kg, for pressure `pascals`, volume `cubicMetres`, temperature `kelvin`.
  public static func airMassKg(pascals: Double, cubicMetres: Double, kelvin: Double) -> Double {
    pascals * cubicMetres * airMolarMass / (gasConstant * kelvin)
  }

  /// kg/day lost for a rate of `pctPerHour` of a gas mass `massKg`.
  public static func kgPerDay(pctPerHour: Double, massKg: Double) -> Double {
    pctPerHour / 100 * 24 * massKg
  }

  /// mmHg/day of pressure fall for `pctPerHour` at pressure `pascals` (temperature held).
  public static func mmHgPerDay(pctPerHour: Double, pascals: Double) -> Double {
    pctPerHour / 100 * 24 * pascals / pascalsPerMmHg
  }

  /// Hours until `pascals` decays to `floorPascals` at `pctPerHour` (exponential: the loss through a hole is
  /// proportional to the pressure). 0 when already at or below the floor, infinity when not losing.
  public static func hoursToFloor(pctPerHour: Double, pascals: Double, floorPascals: Double) -> Double {
    guard pascals > floorPascals else { return 0 }
    guard pctPerHour > 0 else { return .infinity }
    return (pascals / floorPascals).logNatural / (pctPerHour / 100)
  }
}

extension Double {
  /// Natural logarithm (the C library's; the core imports no Foundation).
  @inline(__always) var logNatural: Double { log(self) }
  /// e^x (the C library's).
  @inline(__always) var expNatural: Double { exp(self) }
}

/// A segment's loss rate as the detector measures it now (``LeakDetector/lossRate(module:)``).
public struct SegmentLossRate: Sendable, Equatable {
  /// Loss, % of the segment's gas per hour (NaN before any data).
  public var pctPerHour: Double
  /// The same as air mass, kg/day (NaN when a volume or temperature is unknown).
  public var kgPerDay: Double
  /// The same as a pressure fall, mmHg/day.
  public var mmHgPerDay: Double
  /// Seconds of data behind the rate (the shortest of the segment's healthy sensors).
  public var seconds: Double
  /// The segment's mean pressure, Pa.
  public var pressurePa: Double

  public init(
    pctPerHour: Double = .nan, kgPerDay: Double = .nan, mmHgPerDay: Double = .nan, seconds: Double = 0,
    pressurePa: Double = .nan
  ) {
    self.pctPerHour = pctPerHour
    self.kgPerDay = kgPerDay
    self.mmHgPerDay = mmHgPerDay
    self.seconds = seconds
    self.pressurePa = pressurePa
  }
}
