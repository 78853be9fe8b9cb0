import Station
#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// A seeded synthetic station log for tests, tuning and the benchmark (same seed, same samples).
///
/// Physics: each module holds gas n(t) (relative), lost at the background rate plus any leak; its air temperature
/// cycles sinusoidally (amplitude, period, a phase per module) plus set-point steps approached exponentially; the
/// pressure is P = P0 n T_air / T_ref (ideal gas, constant volume). Each sensor reads that pressure plus a fixed
/// offset and white noise (quantised to 0.01 Pa), and a die temperature that lags the air through a first-order lag
/// (its own time constant), reads warmer by a fixed offset, plus white noise (quantised to 0.001 K). Faults are
/// applied to one sensor from a given time.
public struct LeakScenario: Sendable {
  public struct Leak: Sendable {
    public var module: Int
    public var onsetSeconds: Double
    public var pctPerHour: Double
    public init(module: Int, onsetSeconds: Double, pctPerHour: Double) {
      self.module = module
      self.onsetSeconds = onsetSeconds
      self.pctPerHour = pctPerHour
    }
  }

  public struct SetpointStep: Sendable {
    public var module: Int
    public var atSeconds: Double
    public var deltaK: Double
    public var tauSeconds: Double
    public init(module: Int, atSeconds: Double, deltaK: Double, tauSeconds: Double = 900) {
      self.module = module
      self.atSeconds = atSeconds
      self.deltaK = deltaK
      self.tauSeconds = tauSeconds
    }
  }

  public enum FaultKind: Sendable, Equatable {
    /// The reading freezes (pressure and temperature) at its value at the fault time.
    case stuck
    /// The pressure reading drifts by this many Pa per second.
    case ramp(pascalsPerSecond: Double)
    /// Spikes of +-amplitude Pa on a random fraction of samples.
    case spikes(amplitudePa: Double, probability: Double)
    /// No more samples.
    case dropout
    /// The pressure reading jumps by this offset and stays there (disagreement with the twin).
    case offsetStep(pascals: Double)
    /// The temperature reading freezes while the pressure stays live.
    case temperatureStuck
  }

  public struct Fault: Sendable {
    public var module: Int
    public var sensor: Int
    public var atSeconds: Double
    public var kind: FaultKind
    public init(module: Int, sensor: Int, atSeconds: Double, kind: FaultKind) {
      self.module = module
      self.sensor = sensor
      self.atSeconds = atSeconds
      self.kind = kind
    }
  }

  public var moduleNames = ["lab", "node1", "airlock"]
  public var sensorsPerModule = 2
  public var durationSeconds = 6.0 * 3600
  public var sampleIntervalSeconds = 1.0
  public var thermalAmplitudeK = 1.0
  public var thermalPeriodSeconds = 5400.0
  public var pressureNoisePa = 1.3
  public var temperatureNoiseK = 0.01
  /// Die lag, seconds; each sensor draws its own in +-`dieLagJitterSeconds`.
  public var dieLagSeconds = 60.0
  public var dieLagJitterSeconds = 0.0
  public var backgroundPctPerHour = 0.01
  public var leaks: [Leak] = []
  public var setpointSteps: [SetpointStep] = []
  public var faults: [Fault] = []
  public var seed: UInt64 = 1

  public init() {}

  /// Calls `body(time_s, module, sensor, pressure_pa, temperature_c)` for every sample, in time order.
  public func generate(_ body: (Double, Int, Int, Double, Double) -> Void) {
    var random = SplitMix64(seed: seed)
    let modules = moduleNames.count
    let sensors = modules * sensorsPerModule
    var basePressure = [Double](repeating: 0, count: modules)
    var baseTemperature = [Double](repeating: 0, count: modules)
    var phase = [Double](repeating: 0, count: modules)
    var logGas = [Double](repeating: 0, count: modules)
    for m in 0..<modules {
      basePressure[m] = 101_000 + 600 * random.uniform()
      baseTemperature[m] = 21.5 + 2 * random.uniform()
      phase[m] = 2 * Double.pi * random.uniform()
    }
    var offsetP = [Double](repeating: 0, count: sensors)
    var offsetT = [Double](repeating: 0, count: sensors)
    var lag = [Double](repeating: 0, count: sensors)
    var die = [Double](repeating: .nan, count: sensors)
    var frozenP = [Double](repeating: .nan, count: sensors)
    var frozenT = [Double](repeating: .nan, count: sensors)
    for s in 0..<sensors {
      offsetP[s] = 150 * (random.uniform() - 0.5)
      offsetT[s] = 0.1 + 0.4 * random.uniform()
      lag[s] = max(1, dieLagSeconds + dieLagJitterSeconds * (2 * random.uniform() - 1))
    }
    let steps = Int((durationSeconds / sampleIntervalSeconds).rounded(.down))
    var previous = 0.0
    for step in 0...steps {
      let t = Double(step) * sampleIntervalSeconds
      let dt = step == 0 ? 0 : t - previous
      previous = t
      for m in 0..<modules {
        // Gas: background plus leaks (exponential loss at the given relative rate).
        var rate = backgroundPctPerHour
        for leak in leaks where leak.module == m && t > leak.onsetSeconds {
          rate += leak.pctPerHour * min(1, (t - leak.onsetSeconds) / max(dt, 1e-9))
        }
        logGas[m] -= rate / 100 / 3600 * dt
        var air = baseTemperature[m] + thermalAmplitudeK * sin(2 * Double.pi * t / thermalPeriodSeconds + phase[m])
        for change in setpointSteps where change.module == m && t > change.atSeconds {
          air += change.deltaK * (1 - exp(-(t - change.atSeconds) / change.tauSeconds))
        }
        let airK = air + 273.15
        let pressure = basePressure[m] * exp(logGas[m]) * airK / (baseTemperature[m] + 273.15)
        for j in 0..<sensorsPerModule {
          let s = m * sensorsPerModule + j
          if die[s].isNaN {
            die[s] = air
          } else {
            die[s] += (1 - exp(-dt / lag[s])) * (air - die[s])
          }
          var p = pressure + offsetP[s] + pressureNoisePa * random.gaussian()
          var temperature = die[s] + offsetT[s] + temperatureNoiseK * random.gaussian()
          var skip = false
          for fault in faults where fault.module == m && fault.sensor == j && t >= fault.atSeconds {
            switch fault.kind {
            case .stuck:
              if frozenP[s].isNaN {
                frozenP[s] = (p * 100).rounded() / 100
                frozenT[s] = (temperature * 1000).rounded() / 1000
              }
              p = frozenP[s]
              temperature = frozenT[s]
            case .ramp(let rate): p += rate * (t - fault.atSeconds)
            case .spikes(let amplitude, let probability):
              if random.uniform() < probability { p += random.uniform() < 0.5 ? amplitude : -amplitude }
            case .dropout: skip = true
            case .offsetStep(let pascals): p += pascals
            case .temperatureStuck:
              if frozenT[s].isNaN { frozenT[s] = (temperature * 1000).rounded() / 1000 }
              temperature = frozenT[s]
            }
          }
          if skip { continue }
          body(t, m, j, (p * 100).rounded() / 100, (temperature * 1000).rounded() / 1000)
        }
      }
    }
  }

  /// The scenario as CSV text (header and rows), for analyser tests and `cloak leak generate`.
  public func csv(_ write: (String) -> Void) {
    write(LeakCSVAnalyzer.header + "\n")
    var block = ""
    generate { t, m, s, p, temperature in
      block += "\(t),\(moduleNames[m]),\(moduleNames[m])-p\(s),\(p),\(temperature)\n"
      if block.utf8.count > 1 << 16 {
        write(block)
        block = ""
      }
    }
    write(block)
  }
}

/// The seeded generator of the synthetic cases: the project's one SplitMix64
/// (``Station/SeededRandom``).
public typealias SplitMix64 = SeededRandom
