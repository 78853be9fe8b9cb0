import LeakDetection
import Testing

@Suite("debug probe")
struct DebugProbeTests {
  @Test("probe") func probe() throws {
    let s = LeakEvaluation.scenario(.sensorFault, seed: 7)
    let d = try LeakDetector()
    for _ in s.moduleNames {
      let m = try d.addModule(volumeCubicMetres: 100)
      for _ in 0..<2 { _ = try d.addSensor(module: m) }
    }
    s.generate { t, m, j, p, tc in
      try? d.ingest(time: t, module: m, sensor: j, pressurePa: p, temperatureC: tc)
      if m == 0 && t >= 12860 && t <= 12926 && Int(t) % 3 == 0 && j == 1 { print(t, d.debugDescription(module: 0)) }
      while let e = d.popEvent() { print(e.time, e.kind, e.module, e.sensor) }
    }
  }
}
