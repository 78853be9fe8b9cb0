import HAL

extension BoardDescription {
  /// A human-readable summary for `cloak boards show`, roles sorted by name.
  public var report: String {
    var out: [String] = []
    out.append("board \(name) (\(file))")
    if !summary.isEmpty { out.append("  \(summary)") }
    out.append("  backend: \(backend.rawValue)")
    out.append("  model: \(expectedModel ?? "(not checked)")")
    out.append("  features: \(features.map(\.rawValue).joined(separator: ", "))")
    out.append("  supports: \(supports.map(\.rawValue).joined(separator: ", "))")
    out.append("gpio lines:")
    for line in lines.values.sorted(by: { $0.role < $1.role }) {
      var detail = "\(line.direction.rawValue)"
      if line.activeLow { detail += ", active-low" }
      if line.direction == .output {
        detail += ", \(line.drive.rawValue), safe \(line.safe.map(\.description) ?? "?")"
      } else {
        detail += ", bias \(line.bias.rawValue), edges \(line.edges.rawValue)"
        if let debounce = line.debounce { detail += ", debounce \(Self.micros(debounce) / 1000) ms" }
      }
      out.append("  \(line.role) = \(line.id) (\(detail))")
    }
    out.append("i2c buses:")
    for bus in i2cBuses.values.sorted(by: { $0.name < $1.name }) {
      out.append("  \(bus.name) = \(Self.describe(bus.locator))")
    }
    out.append("i2c devices:")
    for device in i2cDevices.values.sorted(by: { $0.role < $1.role }) {
      var detail = "\(device.kind.rawValue) on \(device.bus) @ \(hex(device.address))"
      if let hertz = device.pwmFrequencyHz { detail += ", \(hertz) Hz" }
      if let enable = device.outputEnableRole { detail += ", OE \(enable)" }
      out.append("  \(device.role) = \(detail)")
    }
    out.append("pwm outputs:")
    for output in pwmOutputs.values.sorted(by: { $0.role < $1.role }) {
      let source: String
      switch output.source {
      case .pca9685(let device, let channel): source = "\(device) ch\(channel)"
      case .sysfs(let node, let channel, let period): source = "sysfs \(node) ch\(channel) period \(period)"
      }
      var detail =
        "\(output.kind.rawValue), \(Self.micros(output.minPulse))-\(Self.micros(output.maxPulse)) us, "
        + "neutral \(Self.micros(output.neutralPulse)) us, safe \(output.safe)"
      if let arming = output.arming { detail += ", armed by \(arming)" }
      out.append("  \(output.role) = \(source) (\(detail))")
    }
    out.append("kill path:")
    for entry in killPath {
      out.append("  \(entry.role): pull-\(entry.pull.rawValue) \(entry.resistorOhms) ohm  \(entry.summary)")
    }
    switch watchdog {
    case .none: out.append("watchdog: none")
    case .device(let path, let timeout): out.append("watchdog: \(path), timeout \(timeout)")
    case .systemd(let timeout): out.append("watchdog: systemd, timeout \(timeout)")
    }
    return out.joined(separator: "\n")
  }

  static func describe(_ locator: I2CBusLocator) -> String {
    switch locator {
    case .devicePath(let path): return path
    case .deviceTreeNode(let node): return "device-tree node \(node)"
    case .adapterName(let name): return "adapter named '\(name)'"
    case .simulated(let name): return "simulated bus \(name)"
    }
  }

  static func micros(_ duration: Duration) -> Int64 { duration.nanosecondsSaturated / 1000 }
}
