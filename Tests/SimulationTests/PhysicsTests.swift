import Foundation
import Simulation
import Station
import Testing

/// The physics against closed-form results.
@Suite struct PhysicsTests {
  static let a = ModuleID(unchecked: "a")
  static let b = ModuleID(unchecked: "b")

  /// Two modules of 60 m^3 at 22 C joined by one hatch (closed unless opened).
  static func pair(volumes: (Double, Double) = (60, 60)) -> StationDescription {
    func role(_ text: String) -> BoardRole { BoardRole(unchecked: text) }
    return StationDescription(
      name: "pair", file: "<test>",
      modules: [
        .init(
          id: a, volumeM3: volumes.0, nominalTemperatureC: 22, positionM: [0, 0, 0],
          sensors: [role("pressure.a.a"), role("pressure.a.b")], returnVehicle: true),
        .init(
          id: b, volumeM3: volumes.1, nominalTemperatureC: 22, positionM: [5, 0, 0],
          sensors: [role("pressure.b.a"), role("pressure.b.b")], returnVehicle: false),
      ],
      hatches: [.init(id: HatchID(unchecked: "ab"), between: [a, b], role: role("hatch.ab"), travelS: 5)],
      crew: .init(modules: [a], overrideRole: role("crew.override_switch")), batches: [:], targets: [], drones: [],
      blindPolicy: .safeModeWhenAllBlind)
  }

  static func still() -> PhysicsParameters {
    var parameters = PhysicsParameters()
    parameters.thermalAmplitudeK = 0
    parameters.backgroundLossPctPerDay = 0
    return parameters
  }

  @Test func fractionalLeakLosesItsRateInAnHour() {
    let physics = StationPhysics(station: Self.pair(), parameters: Self.still(), hatchOpening: [0])
    physics.addLeak(.fractional(percentPerHour: 0.3), to: Self.a)
    let before = physics.modules[0].moles
    physics.advance(to: 3_600)
    let lost = (before - physics.modules[0].moles) / before
    // 0.3 % within 1 % of itself (exact exponential: 1 - exp(-0.003) = 0.2996 %).
    #expect(abs(lost - 0.003) / 0.003 < 0.01, "lost \(lost * 100) %")
    #expect(physics.modules[1].moles == StationPhysics(station: Self.pair(), parameters: Self.still()).modules[1].moles)
  }

  @Test func oneKelvinAtConstantGasRaisesPressureByOneOverT() {
    var parameters = Self.still()
    parameters.airTimeConstantS = 1
    let physics = StationPhysics(station: Self.pair(), parameters: parameters, hatchOpening: [0])
    let p0 = physics.modules[0].pressurePa
    let t0 = physics.modules[0].temperatureK
    physics.stepSetPoint(of: Self.a, by: 1)
    physics.advance(to: 60)  // 60 time constants: the air is at the new set-point
    let p1 = physics.modules[0].pressurePa
    #expect(abs(physics.modules[0].temperatureK - (t0 + 1)) < 1e-9)
    #expect(abs((p1 - p0) / p0 - 1 / t0) < 1e-9)
  }

  @Test func pressureEqualisesWithTheOrificeTimeConstant() {
    var parameters = Self.still()
    parameters.hatchAreaM2 = 1e-4  // a 1 cm^2 opening: a time constant of seconds
    let physics = StationPhysics(station: Self.pair(), parameters: parameters, hatchOpening: [1])
    physics.setPressure(of: Self.a, to: 101_330)  // 5 Pa apart: inside the linear band
    let total = physics.modules.map(\.moles).reduce(0, +)
    let tau = physics.orificeTimeConstant(hatch: 0)
    #expect(tau > 5 && tau < 60, "tau \(tau) s")
    let d0 = physics.modules[0].pressurePa - physics.modules[1].pressurePa
    let steps = (tau / parameters.stepS).rounded()
    physics.advance(to: steps * parameters.stepS)
    let d1 = physics.modules[0].pressurePa - physics.modules[1].pressurePa
    let expected = exp(-steps * parameters.stepS / tau)
    #expect(abs(d1 / d0 - expected) < 0.01, "ratio \(d1 / d0), expected \(expected)")
    #expect(abs(physics.modules.map(\.moles).reduce(0, +) - total) / total < 1e-12)
  }

  @Test func leakInOneModuleDrainsItsNeighbourOnlyWhileTheHatchIsOpen() {
    let open = StationPhysics(station: Self.pair(), parameters: Self.still(), hatchOpening: [1])
    let closed = StationPhysics(station: Self.pair(), parameters: Self.still(), hatchOpening: [0])
    for physics in [open, closed] {
      physics.addLeak(.hole(areaM2: 1e-4), to: Self.a)
      physics.advance(to: 60)
    }
    #expect(open.modules[1].pressurePa < 101_325 - 100)
    #expect(abs(open.modules[0].pressurePa - open.modules[1].pressurePa) < 1)
    #expect(abs(closed.modules[1].pressurePa - 101_325) < 1e-6)
    #expect(closed.modules[0].pressurePa < open.modules[0].pressurePa)
  }

  @Test func chokedHoleFlowIsProportionalToAreaAndPressure() {
    let physics = StationPhysics(station: Self.pair(), parameters: Self.still(), hatchOpening: [0])
    physics.addLeak(.hole(areaM2: 1e-4), to: Self.a)
    let k1 = physics.lossRate(ofModule: 0)
    physics.addLeak(.hole(areaM2: 1e-4), to: Self.a)
    #expect(abs(physics.lossRate(ofModule: 0) / k1 - 2) < 1e-12)
    // m' = Cd A P sqrt(gamma/(R_s T)) (2/(gamma+1))^3 for gamma 1.4: 2.35e-3 Cd A P at 295 K.
    let module = physics.modules[0]
    let massFlow = k1 * module.moles * StationPhysics.molarMassAir
    let expected = 0.6 * 1e-4 * module.pressurePa * (1.4 / (287.05 * module.temperatureK)).squareRoot() * 0.578_703
    #expect(abs(massFlow / expected - 1) < 1e-3)
  }

  @Test func seededRandomIsReproducibleAndNormal() {
    var r1 = SeededRandom(seed: 42)
    var r2 = SeededRandom(seed: 42)
    var r3 = SeededRandom(seed: 43)
    let xs = (0..<20_000).map { _ in r1.gaussian() }
    #expect(xs == (0..<20_000).map { _ in r2.gaussian() })
    #expect(xs != (0..<20_000).map { _ in r3.gaussian() })
    let mean = xs.reduce(0, +) / Double(xs.count)
    let sd = (xs.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(xs.count)).squareRoot()
    #expect(abs(mean) < 0.03 && abs(sd - 1) < 0.03)
  }
}
