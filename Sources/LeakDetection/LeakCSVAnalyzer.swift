#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The offline analyser: CSV bytes in (`time_s,module,sensor,pressure_pa,temperature_c`, rows in time order), the
/// same `LeakDetector` as the live controller, one JSON object per event out. Bytes are parsed in place: no String
/// per row (a name is copied once, when it first appears).
///
/// Feed any chunking of the bytes to `consume`, then call `finish`. Causal: an event printed with `time_s` t was
/// decided from rows with times at or before t (a step is processed when the first row of a later time arrives).
public final class LeakCSVAnalyzer {
  public static let header = "time_s,module,sensor,pressure_pa,temperature_c"

  public let detector: LeakDetector
  /// Module names in order of first appearance (index = detector module index).
  public private(set) var moduleNames: [String] = []
  /// Sensor names per module in order of first appearance.
  public private(set) var sensorNames: [[String]] = []
  /// Data rows read so far.
  public private(set) var rows = 0
  /// Events written so far.
  public private(set) var eventCount = 0

  private let volumes: [String: Double]
  private let sink: (String) -> Void
  private var carry: [UInt8] = []
  private var line = 0
  private var headerSeen = false
  private var lastTime = -Double.infinity

  // Name table: flat byte pool; entry i = (module range, sensor range, module index, sensor index).
  private var pool: [UInt8] = []
  private var entries:
    [(moduleStart: Int, moduleLength: Int, sensorStart: Int, sensorLength: Int, module: Int, sensor: Int)] =
      []
  private var modulePool: [(start: Int, length: Int)] = []
  private var predicted = 0

  /// - Parameters:
  ///   - configuration: the detector's thresholds.
  ///   - volumes: module volumes by name, m^3 (kg/day is reported only for modules with a volume).
  ///   - sink: receives one JSON line (no newline) per event.
  public init(
    configuration: LeakDetectorConfiguration = LeakDetectorConfiguration(), volumes: [String: Double] = [:],
    sink: @escaping (String) -> Void
  ) throws(LeakDetectorError) {
    detector = try LeakDetector(configuration: configuration)
    self.volumes = volumes
    self.sink = sink
  }

  /// Parses a chunk. Lines may span chunks.
  /// - Throws: `LeakCSVError` naming the 1-based line of the first malformed row (nothing after it is read).
  public func consume(_ bytes: UnsafeRawBufferPointer) throws(LeakCSVError) {
    guard !bytes.isEmpty else { return }
    var start = 0
    let count = bytes.count
    if !carry.isEmpty {
      // Finish the carried partial line first.
      guard let newline = find(bytes, from: 0) else {
        carry.append(contentsOf: bytes)
        return
      }
      carry.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[0..<newline]))
      let joined = carry
      carry.removeAll(keepingCapacity: true)
      try handleCarried(joined)
      start = newline + 1
    }
    while start < count {
      guard let newline = find(bytes, from: start) else {
        carry.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[start..<count]))
        return
      }
      try handleLine(bytes, start, newline)
      start = newline + 1
    }
  }

  /// Ends the input: the last partial line, the last step and its events.
  /// - Throws: `LeakCSVError` for a malformed last line or an input without the header.
  public func finish() throws(LeakCSVError) {
    if !carry.isEmpty {
      let joined = carry
      carry.removeAll()
      try handleCarried(joined)
    }
    guard headerSeen else { throw .missingHeader }
    detector.endStep()
    drain()
  }

  private func handleCarried(_ joined: [UInt8]) throws(LeakCSVError) {
    var failure: LeakCSVError?
    joined.withUnsafeBytes { buffer in
      do throws(LeakCSVError) { try handleLine(buffer, 0, buffer.count) } catch { failure = error }
    }
    if let failure { throw failure }
  }

  private func find(_ bytes: UnsafeRawBufferPointer, from start: Int) -> Int? {
    guard let base = bytes.baseAddress, start < bytes.count else { return nil }
    guard let hit = memchr(base + start, 0x0A, bytes.count - start) else { return nil }
    return base.distance(to: UnsafeRawPointer(hit))
  }

  private func handleLine(_ bytes: UnsafeRawBufferPointer, _ start: Int, _ rawEnd: Int) throws(LeakCSVError) {
    line += 1
    var end = rawEnd
    if end > start && bytes[end - 1] == 0x0D { end -= 1 }
    if !headerSeen {
      var offset = start
      if end - start >= 3 && bytes[start] == 0xEF && bytes[start + 1] == 0xBB && bytes[start + 2] == 0xBF {
        offset += 3  // UTF-8 byte order mark
      }
      let found = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[offset..<end]), as: UTF8.self)
      guard found == Self.header else { throw .badHeader(line: line, found: found) }
      headerSeen = true
      return
    }
    guard end > start else { throw .malformed(line: line, message: "empty row") }
    // Split on the four commas.
    var commas = (0, 0, 0, 0)
    var found = 0
    var index = start
    while index < end {
      if bytes[index] == 0x2C {
        switch found {
        case 0: commas.0 = index
        case 1: commas.1 = index
        case 2: commas.2 = index
        case 3: commas.3 = index
        default: throw .malformed(line: line, message: "more than 5 fields")
        }
        found += 1
      }
      index += 1
    }
    guard found == 4 else { throw .malformed(line: line, message: "\(found + 1) fields, expected 5") }
    guard let time = parseDouble(bytes, start, commas.0), time.isFinite else {
      throw .malformed(line: line, message: "time_s is not a number: '\(text(bytes, start, commas.0))'")
    }
    guard time >= lastTime else {
      throw .malformed(line: line, message: "time_s \(time) is earlier than the previous row's \(lastTime)")
    }
    guard commas.1 > commas.0 + 1 else { throw .malformed(line: line, message: "empty module") }
    guard commas.2 > commas.1 + 1 else { throw .malformed(line: line, message: "empty sensor") }
    guard let pressure = parseDouble(bytes, commas.2 + 1, commas.3) else {
      throw .malformed(line: line, message: "pressure_pa is not a number: '\(text(bytes, commas.2 + 1, commas.3))'")
    }
    guard let temperature = parseDouble(bytes, commas.3 + 1, end) else {
      throw .malformed(line: line, message: "temperature_c is not a number: '\(text(bytes, commas.3 + 1, end))'")
    }
    let (module, sensor) = try lookup(bytes, commas.0 + 1, commas.1, commas.1 + 1, commas.2)
    lastTime = time
    rows += 1
    if time > detector.currentStepTime { drainAfterEndingStep() }
    do {
      try detector.ingest(time: time, module: module, sensor: sensor, pressurePa: pressure, temperatureC: temperature)
    } catch {
      throw .malformed(line: line, message: "\(error)")
    }
  }

  private func drainAfterEndingStep() {
    detector.endStep()
    drain()
  }

  private func drain() {
    while let event = detector.popEvent() {
      eventCount += 1
      sink(json(event))
    }
  }

  private func text(_ bytes: UnsafeRawBufferPointer, _ start: Int, _ end: Int) -> String {
    String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<min(end, start + 64)]), as: UTF8.self)
  }

  // MARK: names

  private func lookup(
    _ bytes: UnsafeRawBufferPointer, _ ms: Int, _ me: Int, _ ss: Int, _ se: Int
  ) throws(LeakCSVError) -> (Int, Int) {
    if !entries.isEmpty {
      var probe = predicted
      for _ in 0..<entries.count {
        let e = entries[probe]
        if e.sensorLength == se - ss, e.moduleLength == me - ms, equal(bytes, ss, e.sensorStart, e.sensorLength),
          equal(bytes, ms, e.moduleStart, e.moduleLength)
        {
          predicted = probe + 1 == entries.count ? 0 : probe + 1
          return (e.module, e.sensor)
        }
        probe = probe + 1 == entries.count ? 0 : probe + 1
      }
    }
    // A new sensor (and maybe a new module): set-up, allocates once.
    var module = -1
    for (index, name) in modulePool.enumerated()
    where name.length == me - ms && equal(bytes, ms, name.start, name.length) {
      module = index
      break
    }
    do {
      if module < 0 {
        let name = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[ms..<me]), as: UTF8.self)
        module = try detector.addModule(volumeCubicMetres: volumes[name])
        modulePool.append((pool.count, me - ms))
        pool.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[ms..<me]))
        moduleNames.append(name)
        sensorNames.append([])
      }
      let sensor = try detector.addSensor(module: module)
      sensorNames[module].append(String(decoding: UnsafeRawBufferPointer(rebasing: bytes[ss..<se]), as: UTF8.self))
      let moduleStart = modulePool[module].start
      let sensorStart = pool.count
      pool.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[ss..<se]))
      entries.append((moduleStart, me - ms, sensorStart, se - ss, module, sensor))
      predicted = 0
      return (module, sensor)
    } catch {
      throw .malformed(line: line, message: "\(error)")
    }
  }

  private func equal(_ bytes: UnsafeRawBufferPointer, _ start: Int, _ poolStart: Int, _ length: Int) -> Bool {
    pool.withUnsafeBytes { stored in
      guard let a = bytes.baseAddress, let b = stored.baseAddress else { return length == 0 }
      return memcmp(a + start, b + poolStart, length) == 0
    }
  }

  // MARK: numbers

  private static let powers: [Double] = (0...22).map { exponent in
    var value = 1.0
    for _ in 0..<exponent { value *= 10 }
    return value
  }

  /// A decimal number: exact fast path (at most 15 significant digits, |exponent| <= 22, Clinger's method), else the
  /// standard library's parser (also for `nan` and `inf`).
  private func parseDouble(_ bytes: UnsafeRawBufferPointer, _ start: Int, _ end: Int) -> Double? {
    guard start < end else { return nil }
    var i = start
    var negative = false
    if bytes[i] == 0x2D || bytes[i] == 0x2B {
      negative = bytes[i] == 0x2D
      i += 1
    }
    var mantissa: UInt64 = 0
    var digits = 0
    var fraction = 0
    var sawDigit = false
    while i < end, bytes[i] &- 0x30 < 10 {
      mantissa = mantissa &* 10 &+ UInt64(bytes[i] &- 0x30)
      if mantissa != 0 { digits += 1 }
      sawDigit = true
      i += 1
    }
    if i < end, bytes[i] == 0x2E {
      i += 1
      while i < end, bytes[i] &- 0x30 < 10 {
        mantissa = mantissa &* 10 &+ UInt64(bytes[i] &- 0x30)
        if mantissa != 0 { digits += 1 }
        fraction += 1
        sawDigit = true
        i += 1
      }
    }
    var exponent = 0
    if sawDigit, i < end, bytes[i] == 0x65 || bytes[i] == 0x45 {
      i += 1
      var expNegative = false
      if i < end, bytes[i] == 0x2D || bytes[i] == 0x2B {
        expNegative = bytes[i] == 0x2D
        i += 1
      }
      var expDigits = 0
      while i < end, bytes[i] &- 0x30 < 10, expDigits < 6 {
        exponent = exponent * 10 + Int(bytes[i] &- 0x30)
        expDigits += 1
        i += 1
      }
      if expDigits == 0 { return slowParse(bytes, start, end) }
      if expNegative { exponent = -exponent }
    }
    guard sawDigit, i == end, digits <= 15 else { return slowParse(bytes, start, end) }
    let power = exponent - fraction
    var value = Double(mantissa)
    if power < 0 {
      guard power >= -22 else { return slowParse(bytes, start, end) }
      value /= Self.powers[-power]
    } else if power > 0 {
      guard power <= 22 else { return slowParse(bytes, start, end) }
      value *= Self.powers[power]
    }
    return negative ? -value : value
  }

  private func slowParse(_ bytes: UnsafeRawBufferPointer, _ start: Int, _ end: Int) -> Double? {
    Double(String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self))
  }

  // MARK: output

  /// One event as a JSON object: `time_s`, `event`, `module`, then `sensor` and `fault` for sensor faults, or the
  /// rates (`rate_pct_per_h`, `rate_kg_per_day` when volumes are known, `rate_mmhg_per_day`, `hours_to_floor`)
  /// and `pressure_pa`. Non-finite numbers are left out.
  public func json(_ event: LeakEvent) -> String {
    var out = "{\"time_s\": \(number(event.time, digits: 3)), \"event\": \"\(event.kind.rawValue)\""
    let moduleName = event.module < moduleNames.count ? moduleNames[event.module] : "\(event.module)"
    out += ", \"module\": \"\(escape(moduleName))\""
    if event.kind == .sensorFault {
      let names = event.module < sensorNames.count ? sensorNames[event.module] : []
      let sensorName = event.sensor >= 0 && event.sensor < names.count ? names[event.sensor] : "\(event.sensor)"
      out += ", \"sensor\": \"\(escape(sensorName))\""
      if let fault = event.fault { out += ", \"fault\": \"\(fault.rawValue)\"" }
    } else {
      for (key, value, digits) in [
        ("rate_pct_per_h", event.ratePctPerHour, 4), ("rate_kg_per_day", event.rateKgPerDay, 3),
        ("rate_mmhg_per_day", event.rateMmHgPerDay, 3), ("hours_to_floor", event.hoursToFloor, 2),
      ] where value.isFinite {
        out += ", \"\(key)\": \(number(value, digits: digits))"
      }
    }
    if event.pressurePa.isFinite { out += ", \"pressure_pa\": \(number(event.pressurePa, digits: 1))" }
    return out + "}"
  }

  private func number(_ value: Double, digits: Int) -> String {
    var scale = 1.0
    for _ in 0..<digits { scale *= 10 }
    let rounded = (value * scale).rounded() / scale
    return "\(rounded)"
  }

  private func escape(_ text: String) -> String {
    var out = ""
    for scalar in text.unicodeScalars {
      switch scalar {
      case "\"": out += "\\\""
      case "\\": out += "\\\\"
      case "\n": out += "\\n"
      case "\r": out += "\\r"
      case "\t": out += "\\t"
      default:
        if scalar.value < 0x20 {
          let hex = String(scalar.value, radix: 16)
          out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
        } else {
          out.unicodeScalars.append(scalar)
        }
      }
    }
    return out
  }
}

/// What the analyser refuses; every case names the 1-based line.
public enum LeakCSVError: Error, Equatable, Sendable, CustomStringConvertible {
  /// The first line is not exactly `time_s,module,sensor,pressure_pa,temperature_c`.
  case badHeader(line: Int, found: String)
  /// The input ended before a header.
  case missingHeader
  /// A data row that cannot be used.
  case malformed(line: Int, message: String)

  public var line: Int? {
    switch self {
    case .badHeader(let line, _), .malformed(let line, _): line
    case .missingHeader: nil
    }
  }

  public var description: String {
    switch self {
    case .badHeader(let line, let found):
      "line \(line): header is '\(found.prefix(80))', expected '\(LeakCSVAnalyzer.header)'"
    case .missingHeader: "line 1: no header (empty input); expected '\(LeakCSVAnalyzer.header)'"
    case .malformed(let line, let message): "line \(line): \(message)"
    }
  }
}
