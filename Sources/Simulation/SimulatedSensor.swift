import Boards
import Emulators
import Foundation
import HAL
import MockHAL
import Station

/// One simulated pressure sensor: the drivers' register emulator on its simulated bus,
/// fed by the physics through a model of the part's errors.
///
/// What the emulator is told: pressure `P_air + offset + tempco (T_die - 25 C) + fault
/// offset`, temperature `T_die`, where the die temperature follows the air with a first
/// order lag (``dieTimeConstantS``, 60 s). Noise (``noisePa`` RMS, Gaussian) and spikes
/// are added in the raw-code domain at each conversion through the emulator's
/// per-conversion hook, scaled by the compensation's local slope, so no inverse search
/// runs per noisy sample. Each sensor draws from its own seeded stream.
public final class SimulatedPressureSensor {
  public let role: SensorRole
  public let module: ModuleID
  /// Index of the module in the physics.
  let moduleIndex: Int
  public let model: any PressureSensorModel
  let bus: SimulatedI2CBus?
  let address: UInt8
  /// Fixed offset of this part, Pa (seeded, within +-8 Pa).
  public let offsetPa: Double
  /// Temperature coefficient of the offset, Pa/K (seeded, within +-1 Pa/K).
  public let tempcoPaPerK: Double
  /// Pressure noise, Pa RMS.
  public var noisePa: Double {
    get { noise.noisePa }
    set { noise.noisePa = newValue }
  }
  /// Die temperature lag, s.
  public static let dieTimeConstantS = 60.0
  /// Die temperature, K.
  public private(set) var dieK: Double

  /// Fault state.
  public var stuck: Bool { noise.stuck }
  public private(set) var faultOffsetPa = 0.0
  private var driftPaPerS = 0.0
  private var ramp: (from: Double, to: Double, start: Double, end: Double)?
  public private(set) var detached = false
  private var reattachAt: Double?
  /// What each conversion draws from, in one value: the hook makes one access to it per
  /// conversion, not one exclusivity check per field (decision 1220).
  private var noise: ConversionNoise
  private var lastPressure = -1.0
  private var lastTemperature = -1.0

  /// Conversions the hook has seen (each got noise).
  public var conversions: Int { noise.conversions }

  /// Conversion rate assumed for spike probabilities (the sensors group's 100 Hz).
  public static let conversionsPerSecond = 100.0

  init(
    role: SensorRole, module: ModuleID, moduleIndex: Int, model: any PressureSensorModel, bus: SimulatedI2CBus?,
    address: UInt8, random: SeededRandom, noisePa: Double, airK: Double
  ) {
    self.role = role
    self.module = module
    self.moduleIndex = moduleIndex
    self.model = model
    self.bus = bus
    self.address = address
    var random = random
    offsetPa = (random.uniform() * 2 - 1) * 8
    tempcoPaPerK = (random.uniform() * 2 - 1) * 1
    noise = ConversionNoise(random: random, noisePa: noisePa)
    dieK = airK
    model.pressureCodeHook = { [weak self] code in self?.convert(code) ?? code }
  }

  /// The per-conversion hook: noise and spikes in the code domain.
  private func convert(_ code: Int32) -> Int32 {
    noise.convert(code, pascalsPerCode: model.pascalsPerPressureCode)
  }

  /// What the sensor reads without noise for air at `pascals` and `airK` now, Pa.
  public func biasedPressure(_ pascals: Double) -> Double {
    pascals + offsetPa + tempcoPaPerK * (dieK - 298.15) + faultOffsetPa
  }

  /// Advances the sensor's own state by `dt` to time `now` and feeds the emulator.
  func update(airPa: Double, airK: Double, dt: Double, now: Double) {
    dieK = airK + (dieK - airK) * exp(-dt / Self.dieTimeConstantS)
    if driftPaPerS != 0 { faultOffsetPa += driftPaPerS * dt }
    if let ramp {
      let f = min(max((now - ramp.start) / (ramp.end - ramp.start), 0), 1)
      faultOffsetPa = ramp.from + (ramp.to - ramp.from) * f
      if f >= 1 { self.ramp = nil }
    }
    if detached, let at = reattachAt, now >= at { reattach() }
    guard !stuck else { return }
    let pressure = biasedPressure(airPa)
    let celsius = dieK - 273.15
    // Inputs change the emulator's codes through an inverse search: skip changes far
    // below the noise (1 mPa, 0.1 mK).
    guard abs(pressure - lastPressure) > 1e-3 || abs(celsius - lastTemperature) > 1e-4 else { return }
    lastPressure = pressure
    lastTemperature = celsius
    model.setInputs(pressure: Pressure(pascals: pressure), temperature: Temperature(celsius: celsius))
  }

  /// Applies a fault at time `now`; returns what happened in words.
  func apply(_ fault: ScenarioDescription.SensorFault, now: Double) -> String {
    switch fault {
    case .stuck:
      noise.stuck = true
      noise.stuckCode = nil
      return "\(role) stuck"
    case .drift(let rate):
      driftPaPerS = rate / 3_600
      return "\(role) drifts \(rate) Pa/h"
    case .ramp(let to, let over):
      ramp = (faultOffsetPa, to, now, now + over)
      return "\(role) ramps to \(to) Pa offset over \(DurationText.format(over))"
    case .spikes(let size, let perMinute):
      noise.spikePa = size
      noise.spikesPerConversion = perMinute / 60 / Self.conversionsPerSecond
      return "\(role) spikes of \(size) Pa, \(perMinute)/min"
    case .dropout(let duration):
      detach()
      reattachAt = duration.map { now + $0 }
      return "\(role) leaves its bus" + (duration.map { " for \(DurationText.format($0))" } ?? "")
    case .reset:
      model.resetToDefaults()
      return "\(role) resets itself"
    case .disagree(let by):
      faultOffsetPa += by
      return "\(role) disagrees with its twin by \(by) Pa"
    }
  }

  private func detach() {
    guard !detached else { return }
    bus?.detach(address: address)
    detached = true
  }

  private func reattach() {
    guard detached, let device = model as? any SimulatedI2CDevice else { return }
    // The address is the one the device was attached at before, so its chip's pin rules
    // accept it; should they not, the sensor stays off its bus (a dropout that lasts).
    do { try bus?.attach(device, at: address) } catch { return }
    detached = false
    reattachAt = nil
  }
}

/// A sensor's per-conversion noise, spikes and stuck state, and its seeded stream.
struct ConversionNoise {
  var random: SeededRandom
  var noisePa: Double
  var spikesPerConversion = 0.0
  var spikePa = 0.0
  var stuck = false
  var stuckCode: Int32?
  var conversions = 0

  init(random: SeededRandom, noisePa: Double) {
    self.random = random
    self.noisePa = noisePa
  }

  /// The code latched for raw `code`: the first stuck code while stuck; else `code`
  /// moved by Gaussian noise and a spike (drawn in pascals, converted with the
  /// compensation's local slope `pascalsPerCode`).
  mutating func convert(_ code: Int32, pascalsPerCode slope: Double) -> Int32 {
    conversions &+= 1
    if stuck {
      if stuckCode == nil { stuckCode = code }
      return stuckCode ?? code
    }
    var pascals = noisePa * random.gaussian()
    if spikesPerConversion > 0, random.uniform() < spikesPerConversion {
      pascals += random.uniform() < 0.5 ? -spikePa : spikePa
    }
    guard slope != 0, slope.isFinite else { return code }
    let codes = (pascals / slope).rounded()
    return Int32(clamping: Int64(code) + Int64(max(min(codes, 1e9), -1e9)))
  }
}
