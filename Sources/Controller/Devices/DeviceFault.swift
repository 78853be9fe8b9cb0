import Drivers
import HAL

/// A device-level failure seen by a rate-group member, naming the device.
public struct DeviceFault: Error, Hashable, Sendable, CustomStringConvertible {
  public enum Kind: Hashable, Sendable {
    /// The bus transfer failed.
    case bus(I2CError)
    /// The device has no result yet (conversion still running).
    case notReady
    /// The device answered with data that cannot be right (stuck, out of range).
    case implausible
    /// The device is not initialised (or lost its configuration).
    case notInitialised
    /// The driver reported a failure (wrong chip, bad calibration, reset, invalid data).
    case driver(SensorError)
  }

  public var kind: Kind
  public var device: String

  public init(_ kind: Kind, device: String) {
    self.kind = kind
    self.device = device
  }

  /// Whether an immediate retry of the same transfer may succeed.
  public var isTransient: Bool {
    switch kind {
    case .bus(let error): return error.isTransient
    case .notReady: return true
    case .implausible, .notInitialised: return false
    case .driver(let error):
      if case .bus(let bus) = error.kind { return bus.isTransient }
      return false
    }
  }

  public var description: String {
    switch kind {
    case .bus(let error): return "\(device): \(error)"
    case .notReady: return "\(device): no result ready"
    case .implausible: return "\(device): implausible data"
    case .notInitialised: return "\(device): not initialised"
    case .driver(let error): return error.description
    }
  }
}

/// What to do when a device keeps failing (per device, from configuration).
///
/// Steps, in order: retry a transient failure at once (up to `retries` times in the
/// same cycle); after `staleAfterPeriods` failed periods in a row its data is stale;
/// after `excludeAfterPeriods` the device is excluded (no more transfers in the
/// loop); while excluded, re-initialisation is tried every `reinitEveryPeriods`; a
/// success puts it back in use. Whether what remains is enough to act safely is the
/// ``StaleDataMonitor``'s call.
public struct DeviceFaultPolicy: Sendable, Hashable, Codable {
  private enum Keys: String, CodingKey { case retries, staleAfterPeriods, excludeAfterPeriods, reinitEveryPeriods }

  public var retries: Int
  public var staleAfterPeriods: Int
  public var excludeAfterPeriods: Int
  public var reinitEveryPeriods: Int

  /// Most retries in one cycle: every retry is a bus transfer inside the group's period,
  /// so a bound keeps a device that fails transiently forever from stalling its group.
  public static let maximumRetries = 10
  /// Most periods for any step (about 2.8 hours at 100 Hz): keeps derived durations
  /// (``staleAfterPeriods`` times the period) far from overflow.
  public static let maximumPeriods = 1_000_000

  /// Clamps every step into range: retries `0...maximumRetries`, periods
  /// `1...maximumPeriods`, `excludeAfterPeriods >= staleAfterPeriods`.
  public init(retries: Int = 1, staleAfterPeriods: Int = 3, excludeAfterPeriods: Int = 10, reinitEveryPeriods: Int = 50)
  {
    let periods = 1...Self.maximumPeriods
    self.retries = min(max(retries, 0), Self.maximumRetries)
    self.staleAfterPeriods = staleAfterPeriods.clamped(to: periods)
    self.excludeAfterPeriods = max(excludeAfterPeriods.clamped(to: periods), self.staleAfterPeriods)
    self.reinitEveryPeriods = reinitEveryPeriods.clamped(to: periods)
  }

  /// Decodes through ``init(retries:staleAfterPeriods:excludeAfterPeriods:reinitEveryPeriods:)``,
  /// so a file cannot set a zero, negative or huge step (missing fields take the defaults).
  public init(from decoder: any Decoder) throws {
    let container = try decoder.container(keyedBy: Keys.self)
    self.init(
      retries: try container.decodeIfPresent(Int.self, forKey: .retries) ?? 1,
      staleAfterPeriods: try container.decodeIfPresent(Int.self, forKey: .staleAfterPeriods) ?? 3,
      excludeAfterPeriods: try container.decodeIfPresent(Int.self, forKey: .excludeAfterPeriods) ?? 10,
      reinitEveryPeriods: try container.decodeIfPresent(Int.self, forKey: .reinitEveryPeriods) ?? 50)
  }

  public func encode(to encoder: any Encoder) throws {
    var container = encoder.container(keyedBy: Keys.self)
    try container.encode(retries, forKey: .retries)
    try container.encode(staleAfterPeriods, forKey: .staleAfterPeriods)
    try container.encode(excludeAfterPeriods, forKey: .excludeAfterPeriods)
    try container.encode(reinitEveryPeriods, forKey: .reinitEveryPeriods)
  }
}

extension Int {
  fileprivate func clamped(to range: ClosedRange<Int>) -> Int {
    Swift.min(Swift.max(self, range.lowerBound), range.upperBound)
  }
}
