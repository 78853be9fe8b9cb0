import HAL

extension BoardParser {
  /// Reads `kill_path: [{role, pull, resistor_ohms, description}]`.
  func parseKillPath(_ place: Located?) -> [KillPathEntry] {
    guard let place, !place.isNull, let items = place.items(diagnostics) else { return [] }
    var entries: [KillPathEntry] = []
    for item in items {
      guard let reader = MappingReader(item, diagnostics) else { continue }
      reader.rejectUnknown(allowed: ["role", "pull", "resistor_ohms", "description"])
      let role = reader.required("role")?.string(diagnostics)
      let pull = reader.required("pull")?.word(diagnostics, ExternalPull.self)
      let ohms = reader.required("resistor_ohms")?.integer(diagnostics, in: 100...1_000_000)
      let summary = reader["description"]?.string(diagnostics) ?? ""
      guard let role, let pull, let ohms else { continue }
      entries.append(KillPathEntry(role: role, pull: pull, resistorOhms: ohms, summary: summary))
    }
    return entries
  }

  /// Reads `watchdog: {kind: device|systemd|none, device, timeout_s}`; absent means none.
  func parseWatchdog(_ place: Located?) -> WatchdogSpec {
    guard let place, !place.isNull, let reader = MappingReader(place, diagnostics) else { return .none }
    guard let kind = reader.required("kind")?.scalar(diagnostics, expecting: "device, systemd or none") else {
      return .none
    }
    switch kind {
    case "none":
      reader.rejectUnknown(allowed: ["kind"], context: "for 'kind: none'")
      return .none
    case "device":
      reader.rejectUnknown(allowed: ["kind", "device", "timeout_s"], context: "for a device watchdog")
      let path = reader.required("device")?.string(diagnostics)
      let timeout = reader.required("timeout_s")?.integer(diagnostics, in: 1...600)
      guard let path, let timeout else { return .none }
      return .device(path: path, timeout: .seconds(timeout))
    case "systemd":
      reader.rejectUnknown(allowed: ["kind", "timeout_s"], context: "for a systemd watchdog")
      guard let timeout = reader.required("timeout_s")?.integer(diagnostics, in: 1...600) else { return .none }
      return .systemd(timeout: .seconds(timeout))
    default:
      if let kindPlace = reader["kind"] {
        diagnostics.report(.badValue, at: kindPlace, "'\(kind)' is not one of: device, systemd, none")
      }
      return .none
    }
  }
}
