import HAL

extension BoardParser {
  static let busLocatorKeys = ["device", "of_node", "adapter_name", "simulated"]
  static let deviceKeys = ["kind", "bus", "address", "description"]
  static let pca9685Keys = ["oscillator_hz", "frequency_hz", "output_enable"]
  /// 7-bit addresses outside the ranges I2C reserves (0x00-0x02, 0x78-0x7F).
  static let addressRange = 0x03...0x77

  /// Reads `i2c: { buses: {NAME: {...}}, devices: {ROLE: {...}} }`.
  func parseI2C(
    _ place: Located?, backend: BoardDescription.Backend
  ) -> ([String: I2CBusSpec], [String: I2CDeviceSpec]) {
    guard let place, !place.isNull, let i2c = MappingReader(place, diagnostics) else { return ([:], [:]) }
    i2c.rejectUnknown(allowed: ["buses", "devices"])
    var buses: [String: I2CBusSpec] = [:]
    if let busesPlace = i2c.required("buses"), let reader = MappingReader(busesPlace, diagnostics) {
      for entry in reader.entries {
        if let locator = parseBusLocator(entry.value, backend: backend) {
          buses[entry.key] = I2CBusSpec(name: entry.key, locator: locator)
        }
      }
    }
    var devices: [String: I2CDeviceSpec] = [:]
    for entry in roleEntries(i2c["devices"]) {
      if let device = parseDevice(role: entry.key, entry.value) { devices[entry.key] = device }
    }
    return (buses, devices)
  }

  private func parseBusLocator(_ place: Located, backend: BoardDescription.Backend) -> I2CBusLocator? {
    guard let reader = MappingReader(place, diagnostics) else { return nil }
    reader.rejectUnknown(allowed: Self.busLocatorKeys + ["description"])
    _ = reader["description"]?.string(diagnostics)
    let given = reader.entries.filter { Self.busLocatorKeys.contains($0.key) }
    guard given.count == 1, let entry = given.first else {
      diagnostics.report(
        given.isEmpty ? .missingKey : .badValue, at: place,
        "a bus needs exactly one of: \(Self.busLocatorKeys.joined(separator: ", "))")
      return nil
    }
    if entry.key == "simulated" {
      guard entry.value.bool(diagnostics) == true else {
        diagnostics.report(.badValue, at: entry.value, "write 'simulated: true' or use another locator")
        return nil
      }
      guard backend == .sim else {
        diagnostics.report(.badValue, at: entry.value, "a simulated bus needs 'backend: sim'")
        return nil
      }
      return .simulated(place.path.last ?? "")
    }
    guard backend == .linux else {
      diagnostics.report(.badValue, at: entry.value, "a 'backend: sim' board has only 'simulated: true' buses")
      return nil
    }
    guard let text = entry.value.string(diagnostics) else { return nil }
    switch entry.key {
    case "device":
      guard text.hasPrefix("/dev/") else {
        diagnostics.report(.badValue, at: entry.value, "a bus device path starts with /dev/ (e.g. /dev/i2c-1)")
        return nil
      }
      return .devicePath(text)
    case "of_node":
      return .deviceTreeNode(text)
    default:
      return .adapterName(text)
    }
  }

  private func parseDevice(role: String, _ place: Located) -> I2CDeviceSpec? {
    guard let reader = MappingReader(place, diagnostics) else { return nil }
    let kind = reader.required("kind")?.word(diagnostics, I2CDeviceKind.self)
    let isPCA = kind == .pca9685
    reader.rejectUnknown(
      allowed: Self.deviceKeys + (isPCA || kind == nil ? Self.pca9685Keys : []),
      context: kind.map { "for a \($0.rawValue)" } ?? "")
    _ = reader["description"]?.string(diagnostics)
    let bus = reader.required("bus")?.string(diagnostics)
    let address = reader.required("address")?.integer(diagnostics, in: Self.addressRange)
    var spec = I2CDeviceSpec(
      role: role, kind: kind ?? .bmp280, bus: bus ?? "", address: UInt8(truncatingIfNeeded: address ?? 0),
      oscillatorHz: nil, pwmFrequencyHz: nil, outputEnableRole: nil)
    if isPCA {
      // Internal oscillator 25 MHz; EXTCLK may be up to 50 MHz.
      spec.oscillatorHz = reader["oscillator_hz"]?.integer(diagnostics, in: 1_000_000...50_000_000) ?? 25_000_000
      // PRE_SCALE 3...255 at 25 MHz gives about 24...1526 Hz.
      spec.pwmFrequencyHz = reader.required("frequency_hz")?.integer(diagnostics, in: 24...1526)
      spec.outputEnableRole = reader["output_enable"]?.string(diagnostics)
    }
    guard kind != nil, bus != nil, address != nil else { return nil }
    return spec
  }
}
