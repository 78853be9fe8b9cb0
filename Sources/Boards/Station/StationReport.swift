import Foundation
import Station

extension StationDescription {
  /// A readable summary for `cloak stations show`: modules with volume and sensors,
  /// hatches, crew, drones, targets per kind (with overdue and last findings) and the
  /// part batches, flagged ones marked.
  public var report: String {
    var out: [String] = ["station \(name) (\(file))"]
    let totalVolume = modules.reduce(0) { $0 + $1.volumeM3 }
    out.append("modules (\(modules.count), \(Self.number(totalVolume)) m^3 in all):")
    let moduleWidth = modules.map(\.id.rawValue.count).max() ?? 0
    for module in modules {
      let position = module.positionM.map(Self.number).joined(separator: ", ")
      var line =
        "  \(Self.pad(module.id.rawValue, moduleWidth))  \(Self.number(module.volumeM3)) m^3  "
        + "\(Self.number(module.nominalTemperatureC)) C  at (\(position)) m  sensors "
        + module.sensors.map(\.rawValue).joined(separator: ", ")
      if module.returnVehicle { line += "  RETURN VEHICLE" }
      out.append(line)
    }
    out.append("hatches (\(hatches.count)):")
    let hatchWidth = hatches.map(\.id.rawValue.count).max() ?? 0
    for hatch in hatches {
      let ends = hatch.between.map(\.rawValue).joined(separator: " <-> ")
      out.append(
        "  \(Self.pad(hatch.id.rawValue, hatchWidth))  \(ends)  roles \(hatch.role).*  travel \(Self.number(hatch.travelS)) s"
      )
    }
    let crewModules = crew.modules.isEmpty ? "no module" : crew.modules.map(\.rawValue).joined(separator: ", ")
    out.append("crew: in \(crewModules); override switch \(crew.overrideRole)")
    out.append("drones (\(drones.count)):")
    for drone in drones {
      let scans = TargetKind.allCases.compactMap { kind in
        drone.scanS[kind].map { "\(kind.rawValue) \(Self.number($0)) s" }
      }
      out.append(
        "  \(drone.id)  dock \(drone.dock)  arm \(drone.armRole)  thrust \(drone.thrustRoles.map(\.rawValue).joined(separator: ", "))"
          + "  \(Self.number(drone.batteryWh)) Wh  \(Self.number(drone.speedMS)) m/s  scan \(scans.joined(separator: ", "))"
      )
    }
    out.append("targets (\(targets.count)):")
    for kind in TargetKind.allCases {
      let ofKind = targets.filter { $0.kind == kind }
      let overdue = ofKind.filter { $0.lastInspectedHAgo > $0.intervalH }.count
      let findings = [Finding.minor, .major].map { finding in
        "\(ofKind.filter { $0.lastFinding == finding }.count) \(finding.rawValue)"
      }
      out.append(
        "  \(kind.rawValue): \(ofKind.count), \(overdue) overdue, last findings \(findings.joined(separator: ", "))")
    }
    out.append("batches (\(batches.count)):")
    for (id, batch) in batches.sorted(by: { $0.key < $1.key }) {
      let count = targets.filter { $0.batch == id }.count
      let flags = batch.flags.isEmpty ? "no flags" : "FLAGGED " + batch.flags.joined(separator: ", ")
      out.append("  \(id)  \(batch.supplier)  \(count) targets  \(flags)")
    }
    out.append("stale data: safe mode \(blindPolicy.rawValue)")
    return out.joined(separator: "\n")
  }

  private static func pad(_ text: String, _ width: Int) -> String {
    text.padding(toLength: max(width, text.count), withPad: " ", startingAt: 0)
  }

  /// `62` for whole numbers, `98.5` otherwise.
  private static func number(_ value: Double) -> String {
    value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(format: "%g", value)
  }
}
