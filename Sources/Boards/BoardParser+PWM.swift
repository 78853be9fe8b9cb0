import HAL

extension BoardParser {
  static let pwmOutputKeys = [
    "pca9685", "sysfs_of_node", "channel", "period_us", "kind", "min_us", "max_us", "neutral_us", "safe", "arming",
    "description",
  ]
  /// Pulse widths any servo, ESC or valve driver uses; outside is a typo.
  static let pulseRange = 100...5000

  /// Reads `pwm: { outputs: {ROLE: {...}} }`.
  func parsePWM(_ place: Located?) -> [String: PWMOutputSpec] {
    guard let place, !place.isNull, let pwm = MappingReader(place, diagnostics) else { return [:] }
    pwm.rejectUnknown(allowed: ["outputs"])
    var outputs: [String: PWMOutputSpec] = [:]
    for entry in roleEntries(pwm["outputs"]) {
      if let output = parseOutput(role: entry.key, entry.value) { outputs[entry.key] = output }
    }
    return outputs
  }

  private func parseOutput(role: String, _ place: Located) -> PWMOutputSpec? {
    guard let reader = MappingReader(place, diagnostics) else { return nil }
    reader.rejectUnknown(allowed: Self.pwmOutputKeys)
    _ = reader["description"]?.string(diagnostics)
    let source = parseSource(reader, place)
    let kind = reader.required("kind")?.word(diagnostics, PWMOutputKind.self)
    let minUs = reader.required("min_us")?.integer(diagnostics, in: Self.pulseRange)
    let maxUs = reader.required("max_us")?.integer(diagnostics, in: Self.pulseRange)
    var neutralUs = minUs
    if let neutralPlace = reader["neutral_us"] { neutralUs = neutralPlace.integer(diagnostics, in: Self.pulseRange) }
    if let minUs, let maxUs, let maxPlace = reader["max_us"] {
      if minUs >= maxUs {
        diagnostics.report(.outOfRange, at: maxPlace, "max_us \(maxUs) must be greater than min_us \(minUs)")
      } else if let neutralUs, !(minUs...maxUs).contains(neutralUs), let neutralPlace = reader["neutral_us"] {
        diagnostics.report(.outOfRange, at: neutralPlace, "neutral_us \(neutralUs) is outside min_us...max_us")
      }
    }
    if case .sysfs(_, _, let period) = source, let maxUs, .microseconds(maxUs) >= period,
      let maxPlace = reader["max_us"]
    {
      diagnostics.report(.outOfRange, at: maxPlace, "max_us \(maxUs) must be shorter than period_us")
    }
    var safe: SafeValue?
    if let safePlace = reader["safe"], !safePlace.isNull {
      safe = parseOutputSafe(safePlace, range: minUs.flatMap { lo in maxUs.map { lo...max(lo, $0) } })
    } else {
      diagnostics.report(
        .missingSafeValue, line: place.line, path: place.path + ["safe"],
        "output has no safe value (off, hold or a pulse such as 1500us)")
    }
    let arming = reader["arming"]?.string(diagnostics)
    guard let source, let kind, let minUs, let maxUs, let safe else { return nil }
    return PWMOutputSpec(
      role: role, source: source, kind: kind, minPulse: .microseconds(minUs), maxPulse: .microseconds(maxUs),
      neutralPulse: .microseconds(neutralUs ?? minUs), safe: safe, arming: arming, sourceLine: place.line)
  }

  private func parseSource(_ reader: MappingReader, _ place: Located) -> PWMSource? {
    let pca = reader["pca9685"]
    let sysfs = reader["sysfs_of_node"]
    if pca != nil, let sysfs {
      diagnostics.report(.badValue, at: sysfs, "an output is either on a pca9685 or on a sysfs PWM chip, not both")
      return nil
    }
    if let pca {
      if let periodPlace = reader["period_us"] {
        diagnostics.report(
          .unknownKey, at: periodPlace, "period_us is for sysfs outputs; a pca9685's period is its frequency_hz")
      }
      let device = pca.string(diagnostics)
      let channel = reader.required("channel")?.integer(diagnostics, in: 0...15)
      guard let device, let channel else { return nil }
      return .pca9685(device: device, channel: channel)
    }
    if let sysfs {
      let node = sysfs.string(diagnostics)
      let channel = reader.required("channel")?.integer(diagnostics, in: 0...63)
      let period = reader.required("period_us")?.integer(diagnostics, in: 1000...1_000_000)
      guard let node, let channel, let period else { return nil }
      return .sysfs(deviceTreeNode: node, channel: channel, period: .microseconds(period))
    }
    diagnostics.report(
      .missingKey, line: place.line, path: place.path + ["pca9685"], "an output needs pca9685 or sysfs_of_node")
    return nil
  }

  private func parseOutputSafe(_ place: Located, range: ClosedRange<Int>?) -> SafeValue? {
    guard let word = place.scalar(diagnostics, expecting: "a safe value") else { return nil }
    switch word {
    case "off": return .off
    case "hold": return .hold
    default:
      guard word.hasSuffix("us"), let micros = Int(word.dropLast(2)) else {
        diagnostics.report(
          .badValue, at: place, "'\(word)' is not a PWM safe value (off, hold, or a pulse like 1500us)")
        return nil
      }
      let range = range ?? Self.pulseRange
      if !range.contains(micros) {
        diagnostics.report(
          .outOfRange, at: place,
          "safe pulse \(micros) us is outside min_us...max_us (\(range.lowerBound)...\(range.upperBound))")
        return nil
      }
      return .pulse(.microseconds(micros))
    }
  }
}
