import Foundation
import Station

/// The station's air as the simulation models it: per module an amount of gas (mol) and
/// an air temperature (K), pressure from the ideal gas law `P = n R T / V`.
///
/// Flows, each integrated exactly over a step for the state at the step's start (an
/// exponential integrator with operator splitting, so every step size is stable and no
/// flow can overshoot equilibrium):
/// - leaks to vacuum: a hole of area `A` chokes, mass flow
///   `m' = Cd A P sqrt(gamma / (R_s T)) (2 / (gamma + 1))^((gamma + 1) / (2 (gamma - 1)))`
///   (isentropic choked flow, e.g. White, Fluid Mechanics, 7th ed., eq. 9.46), linear in
///   the upstream pressure, so the module's gas decays as `exp(-k t)`;
/// - a given fractional rate (percent of the module's gas per hour) and the background
///   loss (percent per day, every module): the same first-order decay;
/// - orifice flow through a hatch opened to a fraction `x` of its area: `m' = Cd x A
///   sqrt(2 rho |dP|)` (turbulent orifice), linearised within
///   ``PhysicsParameters/laminarBandPa`` of equilibrium, where the pressure difference
///   decays with the orifice time constant
///   `tau = 1 / (Cd x A sqrt(2 rho / band) (R / M) (T1 / V1 + T2 / V2))`
///   (``orificeTimeConstant(hatch:)``); outside the band the secant conductance at the
///   step's start is used;
/// - repressurisation from a tank: a constant mass flow into one module while its
///   pressure is below a threshold, until a set pressure or an empty tank.
///
/// Temperature: each module's air follows its set-point (nominal plus steps) with a first
/// order lag (``PhysicsParameters/airTimeConstantS``), plus the thermal control cycle
/// `A sin(2 pi t / period + phase)`, phases spread evenly over the modules.
///
/// Step and error: ``PhysicsParameters/stepS`` (0.1 s). The decays are exact for a
/// constant temperature; the splitting error is of order `dt * k` relative per step
/// (below 1e-7 for the 0.3 %/h leak, about 1e-5 for a 1 cm^2 hole in a 60 m^3 module).
/// An open hatch (time constant about 2 ms) reaches equilibrium within each step: the
/// pair's pressures equalise exactly and mass is conserved to rounding.
public final class StationPhysics {
  /// Molar gas constant, J/(mol K) (CODATA 2018, exact).
  public static let gasConstant = 8.314_462_618
  /// Molar mass of dry air, kg/mol (ISO 2533).
  public static let molarMassAir = 0.028_964_7
  /// Ratio of specific heats of air.
  public static let gamma = 1.4

  /// One leak.
  public enum Leak: Sendable, Hashable {
    /// A hole to vacuum of this area, m^2 (choked flow).
    case hole(areaM2: Double)
    /// A loss of this percentage of the module's gas per hour.
    case fractional(percentPerHour: Double)
  }

  /// One module's state.
  public struct Module: Sendable, Hashable {
    public var id: ModuleID
    public var volumeM3: Double
    /// Gas amount, mol.
    public var moles: Double
    /// Air temperature, K (set-point response plus the thermal cycle).
    public var temperatureK: Double
    /// The set-point the air follows (nominal plus steps), K.
    public var setPointK: Double
    /// The air's lagged response to the set-point, K (the temperature without the cycle).
    public var laggedK: Double
    /// Phase of the thermal cycle, radians.
    public var cyclePhase: Double
    public var leaks: [Leak]
    /// Gas vented to vacuum so far, kg.
    public var ventedKg: Double

    /// Pressure, Pa (ideal gas).
    public var pressurePa: Double { moles * StationPhysics.gasConstant * temperatureK / volumeM3 }
    /// Gas mass, kg.
    public var massKg: Double { moles * StationPhysics.molarMassAir }
  }

  /// A repressurisation supply: a tank feeding one module.
  public struct Supply: Sendable, Hashable {
    public var module: ModuleID
    /// Starts feeding when the module's pressure falls below this, Pa.
    public var belowPa: Double
    /// Stops when the pressure reaches this, Pa.
    public var toPa: Double
    /// Mass flow while feeding, kg/h.
    public var rateKgPerH: Double
    /// Gas left in the tank, kg.
    public var tankKg: Double
    /// Whether it is feeding now.
    public var feeding = false

    public init(module: ModuleID, belowPa: Double, toPa: Double, rateKgPerH: Double, tankKg: Double) {
      self.module = module
      self.belowPa = belowPa
      self.toPa = toPa
      self.rateKgPerH = rateKgPerH
      self.tankKg = tankKg
    }
  }

  public let parameters: PhysicsParameters
  public private(set) var modules: [Module]
  /// Hatch ends as module indices, in station order.
  public let hatchEnds: [(a: Int, b: Int)]
  /// Each hatch's opening, 0 (closed) ... 1 (fully open); the hatch model sets it.
  public var hatchOpening: [Double]
  public var supply: Supply?
  /// Simulated time, s.
  public private(set) var time: Double = 0
  private let index: [ModuleID: Int]

  /// Every module at `initialPressurePa` and its nominal temperature (plus the cycle at
  /// time 0); hatches as `hatchOpening` gives them (default all open).
  public init(
    station: StationDescription, parameters: PhysicsParameters = PhysicsParameters(),
    initialPressurePa: Double = 101_325, hatchOpening: [Double]? = nil
  ) {
    self.parameters = parameters
    var index: [ModuleID: Int] = [:]
    var modules: [Module] = []
    let count = Double(max(station.modules.count, 1))
    for (i, module) in station.modules.enumerated() {
      index[module.id] = i
      let setPoint = module.nominalTemperatureC + 273.15
      let phase = 2 * Double.pi * Double(i) / count
      let temperature = setPoint + parameters.thermalAmplitudeK * sin(phase)
      modules.append(
        Module(
          id: module.id, volumeM3: module.volumeM3,
          moles: initialPressurePa * module.volumeM3 / (Self.gasConstant * temperature), temperatureK: temperature,
          setPointK: setPoint, laggedK: setPoint, cyclePhase: phase, leaks: [], ventedKg: 0))
    }
    self.index = index
    self.modules = modules
    hatchEnds = station.hatches.map { hatch in
      (index[hatch.between[0]] ?? 0, index[hatch.between.count > 1 ? hatch.between[1] : hatch.between[0]] ?? 0)
    }
    self.hatchOpening = hatchOpening ?? Array(repeating: 1, count: station.hatches.count)
  }

  /// The index of module `id` in ``modules``.
  public func index(of id: ModuleID) -> Int? { index[id] }

  /// Module `id`'s pressure, Pa (nil: no such module).
  public func pressure(of id: ModuleID) -> Double? { index[id].map { modules[$0].pressurePa } }

  /// Adds a leak to module `id` (ignored for an unknown module).
  public func addLeak(_ leak: Leak, to id: ModuleID) {
    guard let i = index[id] else { return }
    modules[i].leaks.append(leak)
  }

  /// Removes every leak of module `id` (a patched hole).
  public func sealLeaks(of id: ModuleID) {
    guard let i = index[id] else { return }
    modules[i].leaks.removeAll()
  }

  /// Moves module `id`'s temperature set-point by `deltaK` (the air follows with its lag).
  public func stepSetPoint(of id: ModuleID, by deltaK: Double) {
    guard let i = index[id] else { return }
    modules[i].setPointK += deltaK
  }

  /// Sets module `id`'s gas amount so its pressure is `pascals` now (test set-up).
  public func setPressure(of id: ModuleID, to pascals: Double) {
    guard let i = index[id] else { return }
    modules[i].moles = pascals * modules[i].volumeM3 / (Self.gasConstant * modules[i].temperatureK)
  }

  /// Advances by one step of ``PhysicsParameters/stepS``.
  public func step() {
    let dt = parameters.stepS
    time += dt
    updateTemperatures(dt)
    applyLosses(dt)
    applySupply(dt)
    for hatch in hatchEnds.indices { exchange(through: hatch, dt) }
  }

  /// Steps until ``time`` reaches `seconds` (within half a step).
  public func advance(to seconds: Double) {
    while time + parameters.stepS / 2 <= seconds { step() }
  }

  /// The first-order loss rate of module `i` now, 1/s (leaks and background).
  public func lossRate(ofModule i: Int) -> Double {
    let module = modules[i]
    var k = parameters.backgroundLossPctPerDay / 100 / 86_400
    for leak in module.leaks {
      switch leak {
      case .fractional(let percentPerHour): k += percentPerHour / 100 / 3_600
      case .hole(let area): k += chokedCoefficient(area: area, module: module)
      }
    }
    return k
  }

  /// The orifice time constant of hatch `hatch` at its current opening, in the linear
  /// band, s (infinity when closed).
  public func orificeTimeConstant(hatch: Int) -> Double {
    let (a, b) = hatchEnds[hatch]
    let area = parameters.hatchAreaM2 * hatchOpening[hatch]
    guard area > 0, a != b else { return .infinity }
    let upstream = modules[a]
    let rho = upstream.pressurePa * Self.molarMassAir / (Self.gasConstant * upstream.temperatureK)
    let g = parameters.dischargeCoefficient * area * (2 * rho / parameters.laminarBandPa).squareRoot()
    let lambda =
      g * Self.gasConstant / Self.molarMassAir
      * (modules[a].temperatureK / modules[a].volumeM3 + modules[b].temperatureK / modules[b].volumeM3)
    return 1 / lambda
  }

  // MARK: Flows

  /// `k` such that a hole of `area` loses `k n` mol/s: the choked mass flow per mole.
  private func chokedCoefficient(area: Double, module: Module) -> Double {
    let gamma = Self.gamma
    let specificR = Self.gasConstant / Self.molarMassAir
    let factor = pow(2 / (gamma + 1), (gamma + 1) / (2 * (gamma - 1)))
    // m' = Cd A P sqrt(gamma / (R_s T)) factor, P = n R T / V, n' = m' / M.
    let perPascal =
      parameters.dischargeCoefficient * area * (gamma / (specificR * module.temperatureK)).squareRoot()
      * factor
    return perPascal * Self.gasConstant * module.temperatureK / module.volumeM3 / Self.molarMassAir
  }

  private func updateTemperatures(_ dt: Double) {
    let decay = exp(-dt / parameters.airTimeConstantS)
    let omega = 2 * Double.pi / parameters.thermalPeriodS
    for i in modules.indices {
      modules[i].laggedK = modules[i].setPointK + (modules[i].laggedK - modules[i].setPointK) * decay
      modules[i].temperatureK =
        modules[i].laggedK + parameters.thermalAmplitudeK * sin(omega * time + modules[i].cyclePhase)
    }
  }

  private func applyLosses(_ dt: Double) {
    for i in modules.indices {
      let k = lossRate(ofModule: i)
      guard k > 0 else { continue }
      let before = modules[i].moles
      modules[i].moles = before * exp(-k * dt)
      modules[i].ventedKg += (before - modules[i].moles) * Self.molarMassAir
    }
  }

  private func applySupply(_ dt: Double) {
    guard var supply, let i = index[supply.module] else { return }
    let pressure = modules[i].pressurePa
    if supply.feeding, pressure >= supply.toPa || supply.tankKg <= 0 { supply.feeding = false }
    if !supply.feeding, pressure < supply.belowPa, supply.tankKg > 0 { supply.feeding = true }
    if supply.feeding {
      let kg = min(supply.rateKgPerH / 3_600 * dt, supply.tankKg)
      supply.tankKg -= kg
      modules[i].moles += kg / Self.molarMassAir
    }
    self.supply = supply
  }

  /// Moves gas through hatch `hatch` for `dt`: the pair's pressure difference decays
  /// exactly with the (secant) orifice conductance; mass is conserved.
  private func exchange(through hatch: Int, _ dt: Double) {
    let (a, b) = hatchEnds[hatch]
    let area = parameters.hatchAreaM2 * hatchOpening[hatch]
    guard area > 0, a != b else { return }
    let pa = modules[a].pressurePa
    let pb = modules[b].pressurePa
    let difference = pa - pb
    guard difference != 0 else { return }
    let upstream = difference > 0 ? modules[a] : modules[b]
    let rho = upstream.pressurePa * Self.molarMassAir / (Self.gasConstant * upstream.temperatureK)
    let band = max(abs(difference), parameters.laminarBandPa)
    let g = parameters.dischargeCoefficient * area * (2 * rho / band).squareRoot()  // kg/s per Pa
    let ka = Self.gasConstant * modules[a].temperatureK / modules[a].volumeM3  // Pa per mol
    let kb = Self.gasConstant * modules[b].temperatureK / modules[b].volumeM3
    let lambda = g / Self.molarMassAir * (ka + kb)
    let remaining = difference * exp(-lambda * dt)
    let moved = (difference - remaining) / (ka + kb)  // mol from a to b
    modules[a].moles -= moved
    modules[b].moles += moved
  }
}

/// The physics' constants and defaults (every one documented with its source or why).
public struct PhysicsParameters: Sendable, Hashable {
  /// Fixed integration step, s (see ``StationPhysics`` for its error).
  public var stepS = 0.1
  /// Discharge coefficient of holes and hatch openings (a sharp-edged orifice: 0.6).
  public var dischargeCoefficient = 0.6
  /// Open area of a fully open hatch, m^2 (a square hatch about 1 m on a side; the ISS
  /// CBM hatch is 1.27 m square with rounded corners).
  public var hatchAreaM2 = 1.0
  /// Within this pressure difference, Pa, orifice flow is linearised (so equalisation
  /// has a time constant; outside it, the square-root law).
  public var laminarBandPa = 10.0
  /// Thermal control cycle amplitude, K (at most 1).
  public var thermalAmplitudeK = 0.5
  /// Thermal control cycle period, s (about one orbit, 90 min).
  public var thermalPeriodS = 5_400.0
  /// Time constant of a module's air following its set-point, s.
  public var airTimeConstantS = 300.0
  /// Background loss of every module, percent of its gas per day (seal permeation; the
  /// ISS loses on the order of 0.1 kg of air a day from 900 m^3).
  public var backgroundLossPctPerDay = 0.01

  public init() {}
}
