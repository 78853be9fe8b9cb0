import LeakDetection
import Testing

private func analyse(_ text: String, chunk: Int = 1 << 20) throws(LeakCSVError) -> (LeakCSVAnalyzer, [String]) {
  var lines: [String] = []
  let analyzer: LeakCSVAnalyzer
  do {
    analyzer = try LeakCSVAnalyzer { lines.append($0) }
  } catch {
    throw .malformed(line: 0, message: "\(error)")
  }
  let bytes = Array(text.utf8)
  var start = 0
  while start < bytes.count {
    let end = min(start + chunk, bytes.count)
    var failure: LeakCSVError?
    bytes[start..<end].withUnsafeBytes { buffer in
      do throws(LeakCSVError) { try analyzer.consume(buffer) } catch { failure = error }
    }
    if let failure { throw failure }
    start = end
  }
  try analyzer.finish()
  return (analyzer, lines)
}

private func expectError(_ text: String, line: Int, containing fragment: String) {
  do {
    _ = try analyse(text)
    Issue.record("expected a malformed-row error at line \(line)")
  } catch {
    #expect(error.line == line, "\(error)")
    #expect(error.description.contains(fragment), "\(error)")
  }
}

private let header = "time_s,module,sensor,pressure_pa,temperature_c\n"

@Suite("Leak CSV analyser")
struct LeakCSVAnalyzerTests {
  @Test("names map to indices as they appear; numbers parse exactly")
  func names() throws {
    let text = header + "0,lab,a,101325.25,22.5\n0,lab,b,1.013e5,-1.5\n0,node,a,+101000,22\n1,lab,a,101325.5,22.5\n"
    let (analyzer, lines) = try analyse(text)
    #expect(analyzer.moduleNames == ["lab", "node"])
    #expect(analyzer.sensorNames == [["a", "b"], ["a"]])
    #expect(analyzer.rows == 4)
    #expect(lines.isEmpty)
  }

  @Test("any chunking gives the same events as one block")
  func chunking() throws {
    var scenario = LeakEvaluation.scenario(.rapid10, seed: 3)
    scenario.durationSeconds = 1800 + 1800 + 60
    var text = ""
    scenario.csv { text += $0 }
    let whole = try analyse(text).1
    #expect(whole.contains { $0.contains("\"event\": \"rapid_depress\"") })
    for chunk in [1, 7, 4096] {
      #expect(try analyse(text, chunk: chunk).1 == whole)
    }
  }

  @Test("causal: the events of a prefix of the rows are the full run's events up to the prefix's last time")
  func causal() throws {
    var scenario = LeakEvaluation.scenario(.alarm, seed: 2)
    let onset = scenario.leaks[0].onsetSeconds
    scenario.durationSeconds = onset + 1200
    var text = ""
    scenario.csv { text += $0 }
    let full = try analyse(text).1
    #expect(full.contains { $0.contains("leak_alarm") })
    let rows = text.split(separator: "\n", omittingEmptySubsequences: false)
    for cut in [Int(onset) * 6, (Int(onset) + 300) * 6, (Int(onset) + 600) * 6 + 3] where cut < rows.count {
      let prefix = rows[0...cut].joined(separator: "\n") + "\n"
      let lastTime = try #require(Double(rows[cut].split(separator: ",")[0]))
      let partial = try analyse(prefix).1
      let expected = full.filter { line in
        let value = line.split(separator: ",")[0].split(separator: ":")[1].drop { $0 == " " }
        return (Double(value) ?? .infinity) <= lastTime
      }
      #expect(partial == expected)
    }
  }

  @Test("malformed rows stop the run with their line number")
  func malformed() {
    expectError(header + "0,lab,a,101325,22\n1,lab,a,101325\n", line: 3, containing: "4 fields")
    expectError(header + "0,lab,a,101325,22,9\n", line: 2, containing: "more than 5 fields")
    expectError(header + "0,lab,a,1o1325,22\n", line: 2, containing: "pressure_pa is not a number: '1o1325'")
    expectError(header + "0,lab,a,101325,\n", line: 2, containing: "temperature_c")
    expectError(header + "x,lab,a,101325,22\n", line: 2, containing: "time_s is not a number")
    expectError(header + "nan,lab,a,101325,22\n", line: 2, containing: "time_s")
    expectError(header + "0,,a,101325,22\n", line: 2, containing: "empty module")
    expectError(header + "0,lab,,101325,22\n", line: 2, containing: "empty sensor")
    expectError(header + "5,lab,a,101325,22\n4,lab,a,101325,22\n", line: 3, containing: "earlier")
    expectError(header + "0,lab,a,101325,22\n\n1,lab,a,101325,22\n", line: 3, containing: "empty row")
    expectError("time,module,sensor,pressure,temperature\n", line: 1, containing: "header")
    do {
      _ = try analyse("")
      Issue.record("expected missing header")
    } catch {
      #expect(error == .missingHeader)
    }
  }

  @Test("CRLF line ends and a last line without a newline are read; nan is an unreadable sample")
  func lineEnds() throws {
    let (analyzer, _) = try analyse(
      "time_s,module,sensor,pressure_pa,temperature_c\r\n0,lab,a,101325,22\r\n1,lab,a,nan,22\r\n2,lab,a,101325,22")
    #expect(analyzer.rows == 3)
  }

  @Test("events are JSON objects with time_s, event, module and the rate or the sensor")
  func json() throws {
    let analyzer = try LeakCSVAnalyzer { _ in }
    let alarm = LeakEvent(
      time: 12.5, kind: .leakAlarm, module: 0, segment: 0, ratePctPerHour: 0.31234, rateKgPerDay: 8.9,
      rateMmHgPerDay: 56.9, hoursToFloor: .infinity, pressurePa: 101_325)
    #expect(
      analyzer.json(alarm)
        == "{\"time_s\": 12.5, \"event\": \"leak_alarm\", \"module\": \"0\", \"rate_pct_per_h\": 0.3123, "
        + "\"rate_kg_per_day\": 8.9, \"rate_mmhg_per_day\": 56.9, \"pressure_pa\": 101325.0}")
    let fault = LeakEvent(time: 3, kind: .sensorFault, module: 0, segment: 0, sensor: 1, fault: .ramp)
    #expect(
      analyzer.json(fault) == "{\"time_s\": 3.0, \"event\": \"sensor_fault\", \"module\": \"0\", \"sensor\": \"1\", "
        + "\"fault\": \"ramp\"}")
  }
}
