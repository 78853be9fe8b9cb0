import Drivers
import HAL

#if canImport(LinuxHAL)
  import LinuxHAL
#endif

/// One I2C device a probe expects: `BUS:ADDRESS:KIND`, e.g. `/dev/i2c-1:0x76:bmp280`
/// or `i2c-stub:0x40:pca9685` (the bus part is any spec ``I2CBusResolver`` accepts).
public struct ProbeDeviceSpec: Hashable, Sendable {
  public var bus: String
  public var address: UInt8
  public var kind: I2CChipKind
  /// The board-file role, shown in the report when known.
  public var role: String?

  public init(bus: String, address: UInt8, kind: I2CChipKind, role: String? = nil) {
    self.bus = bus
    self.address = address
    self.kind = kind
    self.role = role
  }

  /// Parses `BUS:ADDRESS:KIND` from the right, so a bus spec may itself contain ':'.
  /// The address is hex with `0x` or decimal, 0x00...0x7F (whether the chip can be
  /// there is ``I2CChipKind/addressProblem(_:)``'s rule, reported by the probe).
  public init?(parsing text: String) {
    let parts = text.split(separator: ":", omittingEmptySubsequences: false)
    guard parts.count >= 3, let kind = I2CChipKind(rawValue: parts[parts.count - 1].lowercased()) else { return nil }
    let addressText = parts[parts.count - 2].lowercased()
    let parsed = addressText.hasPrefix("0x") ? UInt8(addressText.dropFirst(2), radix: 16) : UInt8(addressText)
    guard let address = parsed, address <= 0x7F else { return nil }
    let bus = parts[0..<(parts.count - 2)].joined(separator: ":")
    guard !bus.isEmpty else { return nil }
    self.init(bus: bus, address: address, kind: kind)
  }
}

/// A GPIO line a probe expects: `CHIP:LINE`, e.g. `pinctrl-bcm2711:GPIO17` (split at the
/// last ':', since line names never contain one but chip labels may).
public struct ProbeLineSpec: Hashable, Sendable {
  public var id: GPIOLineID
  /// The board-file role, shown in the report when known.
  public var role: String?

  public init(_ id: GPIOLineID, role: String? = nil) {
    self.id = id
    self.role = role
  }

  public init?(parsing text: String) {
    guard let colon = text.lastIndex(of: ":") else { return nil }
    let chip = String(text[..<colon])
    let line = String(text[text.index(after: colon)...])
    guard !chip.isEmpty, !line.isEmpty else { return nil }
    self.init(GPIOLineID(chip: chip, line: line))
  }
}

#if canImport(LinuxHAL)
  /// The core of `cloak probe`: checks every device answers with the right identity
  /// (``DeviceProbe``, the drivers' chip knowledge) and every line resolves to exactly
  /// one line (``LinuxGPIO/lineInfo(_:)``), on the real Linux backend. Each bus is
  /// opened once.
  public enum BoardProbe {
    public static func run(
      devices: [ProbeDeviceSpec], lines: [ProbeLineSpec], sysfsRoot: String = "/sys", gpio: LinuxGPIO = LinuxGPIO()
    ) -> [ProbeRow] {
      var rows: [ProbeRow] = []
      var buses: [String: Result<LinuxI2CBus, I2CError>] = [:]
      for device in devices {
        let opened: Result<LinuxI2CBus, I2CError>
        if let cached = buses[device.bus] {
          opened = cached
        } else {
          do {
            opened = .success(try LinuxI2CBus(resolving: device.bus, sysfsRoot: sysfsRoot, retry: .none))
          } catch {
            opened = .failure(error)
          }
          buses[device.bus] = opened
        }
        let check = device.role.map { "\($0): \(device.kind.rawValue)" } ?? device.kind.rawValue
        switch opened {
        case .success(let bus):
          var row = DeviceProbe.check(bus: bus, address: device.address, kind: device.kind)
          row.check = check
          rows.append(row)
        case .failure(let error):
          rows.append(
            ProbeRow(
              target: "i2c \(device.bus) \(hex(device.address))", check: check,
              status: error.kind == .notFound ? .missing : .error, detail: error.description))
        }
      }
      for line in lines {
        let target = "gpio \(line.id)"
        let check = line.role.map { "\($0): line exists" } ?? "line exists"
        do {
          let info = try gpio.lineInfo(line.id)
          let use = info.inUse ? ", in use by another consumer" : ""
          rows.append(
            ProbeRow(target: target, check: check, status: .ok, detail: "offset \(info.offset)\(use)"))
        } catch {
          let missing = error.kind == .chipNotFound || error.kind == .lineNotFound
          rows.append(
            ProbeRow(
              target: target, check: check, status: missing ? .missing : .error, detail: error.description))
        }
      }
      return rows
    }
  }
#endif
