import Drivers
import HAL

extension BoardParser {
  static let busLocatorKeys = ["device", "of_node", "adapter_name", "simulated"]
  static let deviceKeys = ["kind", "bus", "address", "description"]
  static let pca9685Keys = ["oscillator_hz", "frequency_hz", "output_enable", "all_call"]
  /// 7-bit addresses; which of them a device may take is the chip's rule
  /// (``I2CChipKind/addressProblem(_:)``: its address pins and the I2C reserved ranges).
  static let addressRange = 0x00...0x7F

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
    let addressPlace = reader.required("address")
    var address = addressPlace?.integer(diagnostics, in: Self.addressRange)
    if let kind, let value = address, let addressPlace, let chip = I2CChipKind(rawValue: kind.rawValue),
      let problem = chip.addressProblem(UInt8(value))
    {
      diagnostics.report(.wrongAddress, at: addressPlace, problem + Self.decimalHint(addressPlace, chip: chip))
      address = nil
    }
    var spec = I2CDeviceSpec(
      role: role, kind: kind ?? .bmp280, bus: bus ?? "", address: UInt8(truncatingIfNeeded: address ?? 0),
      oscillatorHz: nil, pwmFrequencyHz: nil, outputEnableRole: nil)
    if isPCA {
      // Any positive value parses; whether the chip can run on it (the internal
      // oscillator's spread, the prescale it gives) is PCA9685Timing's rule, checked
      // with the frequency in BoardChecks.
      spec.oscillatorHz =
        reader["oscillator_hz"]?.integer(diagnostics, in: 1...1_000_000_000)
        ?? Int(PCA9685Timing.nominalOscillator.hertz)
      // The format's bounds (PRE_SCALE 3...255 at the nominal 25 MHz); the real check
      // with the declared oscillator is PCA9685Timing's, in BoardChecks.
      spec.pwmFrequencyHz = reader.required("frequency_hz")?.integer(diagnostics, in: 24...1526)
      spec.outputEnableRole = reader["output_enable"]?.string(diagnostics)
      if let allCall = reader["all_call"]?.word(diagnostics, AllCallSetting.self) {
        spec.allCall = allCall
      }
    }
    guard kind != nil, bus != nil, address != nil else { return nil }
    return spec
  }

  /// `76` written for `0x76`: i2cdetect prints addresses in hex without `0x`, and a
  /// number without `0x` reads as decimal here (76 = 0x4c). Says so when the digits read
  /// as hex would be an address the chip can take.
  static func decimalHint(_ place: Located, chip: I2CChipKind) -> String {
    guard case .scalar(let scalar) = place.node else { return "" }
    let text = scalar.string
    guard !text.lowercased().hasPrefix("0x"), let asHex = UInt8(text, radix: 16), chip.addressProblem(asHex) == nil
    else { return "" }
    return " ('\(text)' reads as decimal \(hex(UInt8(Int(text) ?? 0))); i2cdetect prints hex without 0x: "
      + "write \(hex(asHex)))"
  }
}
