import LeakDetection
import Testing

/// A detector with `modules` modules of two sensors each (100 m^3).
private func makeDetector(
  modules: Int = 2, configuration: LeakDetectorConfiguration = LeakDetectorConfiguration()
) throws -> LeakDetector {
  let detector = try LeakDetector(configuration: configuration)
  for _ in 0..<modules {
    let m = try detector.addModule(volumeCubicMetres: 100)
    _ = try detector.addSensor(module: m)
    _ = try detector.addSensor(module: m)
  }
  return detector
}

/// Feeds 1 Hz samples from `from` to `to` seconds; `pressure(module, t)` gives the air pressure, 22 C air.
/// Sensor 1 reads 40 Pa higher and 0.2 K warmer than sensor 0. Returns the events.
private func feed(
  _ detector: LeakDetector, from: Int, to: Int, modules: Int = 2,
  sensorPressure: ((Int, Int, Double, Double) -> Double)? = nil, pressure: (Int, Double) -> Double
) throws -> [LeakEvent] {
  var random = SplitMix64(seed: 42)
  var events: [LeakEvent] = []
  for second in from..<to {
    let t = Double(second)
    for m in 0..<modules {
      for s in 0..<2 {
        let air = pressure(m, t) + Double(s) * 40 + 1.3 * random.gaussian()
        let p = sensorPressure?(m, s, t, air) ?? air
        try detector.ingest(
          time: t, module: m, sensor: s, pressurePa: p, temperatureC: 22 + 0.2 * Double(s) + 0.01 * random.gaussian())
      }
    }
    while let event = detector.popEvent() { events.append(event) }
  }
  detector.endStep()
  while let event = detector.popEvent() { events.append(event) }
  return events
}

/// Pressure losing `pctPerHour` from `onset`, else 101 325 Pa.
private func losing(_ pctPerHour: Double, from onset: Double, _ t: Double) -> Double {
  t <= onset ? 101_325 : 101_325 * (1 - pctPerHour / 100 * (t - onset) / 3600)
}

@Suite("Leak detector behaviour")
struct LeakDetectorTests {
  @Test("a leak in one of two joined modules alarms the segment, named by its lowest module")
  func segmentAlarm() throws {
    let detector = try makeDetector(modules: 3)
    try detector.setSegmentLabels([7, 7, 3])
    let events = try feed(detector, from: 0, to: 3000, modules: 3) { m, t in
      // Joined modules share one pressure: both see the segment's loss.
      m == 2 ? 101_325 : losing(0.6, from: 1200, t)
    }
    let alarms = events.filter { $0.kind == .leakAlarm }
    #expect(alarms.count == 1)
    #expect(alarms.first?.module == 0)
    #expect(alarms.first?.segment == 7)
    #expect(detector.alarmActive(module: 1))
    #expect(!detector.alarmActive(module: 2))
  }

  @Test("a mask suppresses the alarm while it lasts; the leak is alarmed after it ends")
  func mask() throws {
    let detector = try makeDetector()
    _ = try feed(detector, from: 0, to: 600) { _, _ in 101_325 }
    try detector.mask(module: 0, until: 2400)
    let events = try feed(detector, from: 600, to: 4000) { m, t in m == 0 ? losing(1, from: 900, t) : 101_325 }
    let alarm = try #require(events.first { $0.kind == .leakAlarm })
    #expect(alarm.module == 0)
    #expect(alarm.time > 2400)
    #expect(alarm.time < 2400 + 900)
  }

  @Test("leak_cleared follows once the loss stops")
  func cleared() throws {
    let detector = try makeDetector(modules: 1)
    let events = try feed(detector, from: 0, to: 6000, modules: 1) { _, t in
      t < 1800 ? losing(1, from: 600, t) : losing(1, from: 600, 1800)
    }
    let kinds = events.map(\.kind)
    #expect(kinds == [.leakAlarm, .leakCleared])
    let alarm = try #require(events.first)
    #expect(abs(alarm.ratePctPerHour - 1) < 0.3)
  }

  @Test("one sensor below the floor is not low pressure; both are, once, with hysteresis")
  func lowPressureVote() throws {
    var configuration = LeakDetectorConfiguration()
    configuration.lowPressurePa = 100_000
    let detector = try makeDetector(modules: 1, configuration: configuration)
    let events = try feed(detector, from: 0, to: 400, modules: 1) { _, t in t < 200 ? 100_200 : 99_800 }
    #expect(events.filter { $0.kind == .lowPressure }.map(\.time) == [200])
    let lone = try makeDetector(modules: 1, configuration: configuration)
    let loneEvents = try feed(
      lone, from: 0, to: 400, modules: 1, sensorPressure: { _, s, t, p in s == 0 && t >= 200 ? p - 2000 : p },
      pressure: { _, _ in 100_300 })
    #expect(!loneEvents.contains { $0.kind == .lowPressure || $0.kind == .rapidDepress || $0.kind == .leakAlarm })
    #expect(loneEvents.contains { $0.kind == .sensorFault && $0.sensor == 0 })
  }

  @Test("low_pressure clears once every sensor is above the floor plus the hysteresis, not within it")
  func lowPressureClears() throws {
    var configuration = LeakDetectorConfiguration()
    configuration.lowPressurePa = 100_000  // hysteresis 500 Pa: cleared above 100 500 Pa
    let detector = try makeDetector(modules: 1, configuration: configuration)
    let events = try feed(detector, from: 0, to: 1000, modules: 1) { _, t in
      switch t {
      case ..<200: return 100_200  // above the floor, within the hysteresis
      case ..<400: return 99_800  // below: low_pressure
      case ..<600: return 100_300  // back within the hysteresis: still low
      case ..<800: return 100_700  // both sensors above 100 500: cleared
      default: return 99_800  // below again: a new low_pressure
      }
    }
    let floor = events.filter { $0.kind == .lowPressure || $0.kind == .lowPressureCleared }
    #expect(floor.map(\.kind) == [.lowPressure, .lowPressureCleared, .lowPressure])
    #expect(floor.map(\.time) == [200, 600, 800])
    #expect(floor.allSatisfy { $0.module == 0 })
  }

  @Test("a dropped-out sensor is named; the other keeps watching and still alarms a leak")
  func dropoutThenLeak() throws {
    let detector = try makeDetector(modules: 1)
    var events: [LeakEvent] = []
    var random = SplitMix64(seed: 3)
    for second in 0..<3000 {
      let t = Double(second)
      for s in 0..<2 where !(s == 1 && t >= 500) {
        try detector.ingest(
          time: t, module: 0, sensor: s, pressurePa: losing(1, from: 1500, t) + 1.3 * random.gaussian(),
          temperatureC: 22)
      }
      while let event = detector.popEvent() { events.append(event) }
    }
    let fault = try #require(events.first { $0.kind == .sensorFault })
    #expect(fault.sensor == 1)
    #expect(fault.fault == .dropout)
    #expect(fault.time == 504)
    #expect(detector.sensorFault(module: 0, sensor: 1) == .dropout)
    let alarm = try #require(events.first { $0.kind == .leakAlarm })
    #expect(alarm.time > 1500 && alarm.time < 1500 + 900)
  }

  @Test("unreadable values count towards dropout and never reach the estimators")
  func unreadable() throws {
    let detector = try makeDetector(modules: 1)
    let events = try feed(
      detector, from: 0, to: 1200, modules: 1, sensorPressure: { _, s, t, p in s == 0 && t >= 300 ? .nan : p },
      pressure: { _, _ in 101_325 })
    #expect(events.map(\.kind) == [.sensorFault])
    #expect(events.first?.fault == .dropout)
  }

  @Test("a 10 Hz sensor quantised to 1 Pa is not stuck; a frozen one is, after 9 s")
  func stuck() throws {
    let detector = try makeDetector(modules: 1)
    var random = SplitMix64(seed: 5)
    var events: [LeakEvent] = []
    for tick in 0..<36_000 {
      let t = Double(tick) / 10
      for s in 0..<2 {
        let live = (101_325 + 1.3 * random.gaussian()).rounded()
        let p = s == 1 && t >= 1800 ? 101_325 : live
        try detector.ingest(time: t, module: 0, sensor: s, pressurePa: p, temperatureC: 22)
      }
      while let event = detector.popEvent() { events.append(event) }
    }
    #expect(events.count == 1)
    #expect(events.first?.fault == .stuck)
    #expect(events.first?.sensor == 1)
    let time = try #require(events.first?.time)
    #expect(time >= 1809 && time < 1810)
  }

  @Test("refusals name what was wrong")
  func errors() throws {
    let detector = try makeDetector(modules: 1)
    #expect(throws: LeakDetectorError.unknownModule(3)) {
      try detector.ingest(time: 0, module: 3, sensor: 0, pressurePa: 1, temperatureC: 1)
    }
    #expect(throws: LeakDetectorError.unknownSensor(module: 0, sensor: 2)) {
      try detector.ingest(time: 0, module: 0, sensor: 2, pressurePa: 1, temperatureC: 1)
    }
    try detector.ingest(time: 5, module: 0, sensor: 0, pressurePa: 101_000, temperatureC: 22)
    #expect(throws: LeakDetectorError.timeWentBackwards(previous: 5, got: 4)) {
      try detector.ingest(time: 4, module: 0, sensor: 0, pressurePa: 101_000, temperatureC: 22)
    }
    #expect(throws: LeakDetectorError.invalidTime(.infinity)) {
      try detector.ingest(time: .infinity, module: 0, sensor: 0, pressurePa: 101_000, temperatureC: 22)
    }
    #expect(throws: LeakDetectorError.segmentLabelCount(expected: 1, got: 2)) {
      try detector.setSegmentLabels([0, 0])
    }
    #expect(throws: LeakDetectorError.invalidVolume(module: 1, value: -1)) {
      _ = try detector.addModule(volumeCubicMetres: -1)
    }
    var bad = LeakDetectorConfiguration()
    bad.alarmRatePctPerHour = 0
    #expect(throws: LeakDetectorError.invalidConfiguration(field: "alarmRatePctPerHour", value: "0.0")) {
      _ = try LeakDetector(configuration: bad)
    }
    bad = LeakDetectorConfiguration()
    bad.defaultLagSeconds = 61
    #expect(throws: LeakDetectorError.self) { _ = try LeakDetector(configuration: bad) }
  }

  @Test("rates in kg/day, mmHg/day and hours to the floor")
  func units() {
    // domain.md: 0.3 %/h in a 100 m^3 module at 101.3 kPa is roughly 8.6 kg/day.
    let mass = LeakUnits.airMassKg(pascals: 101_325, cubicMetres: 100, kelvin: 295.15)
    #expect(abs(mass - 119.6) < 0.1)
    #expect(abs(LeakUnits.kgPerDay(pctPerHour: 0.3, massKg: mass) - 8.6) < 0.05)
    // 0.3 %/h of 760 mmHg is 54.7 mmHg/day.
    #expect(abs(LeakUnits.mmHgPerDay(pctPerHour: 0.3, pascals: 101_325) - 54.72) < 0.01)
    // 1 %/h from 100 kPa to 95 kPa: ln(100/95)/0.01 = 5.13 h.
    #expect(abs(LeakUnits.hoursToFloor(pctPerHour: 1, pascals: 100_000, floorPascals: 95_000) - 5.129) < 0.001)
    #expect(LeakUnits.hoursToFloor(pctPerHour: 0, pascals: 100_000, floorPascals: 95_000) == .infinity)
    #expect(LeakUnits.hoursToFloor(pctPerHour: 1, pascals: 90_000, floorPascals: 95_000) == 0)
  }

  @Test("the temperature lag is chosen from the data")
  func lagSelection() throws {
    var scenario = LeakScenario()
    scenario.moduleNames = ["m"]
    scenario.dieLagSeconds = 95
    scenario.durationSeconds = 4 * 3600
    let detector = try LeakDetector()
    let m = try detector.addModule()
    _ = try detector.addSensor(module: m)
    _ = try detector.addSensor(module: m)
    scenario.generate { t, m, s, p, temperature in
      try? detector.ingest(time: t, module: m, sensor: s, pressurePa: p, temperatureC: temperature)
    }
    let lag = try #require(detector.temperatureLagSeconds(module: 0, sensor: 0))
    #expect(lag >= 80 && lag <= 105)
  }
}
