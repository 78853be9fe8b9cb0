/// Pressure in pascals. A distinct type so pascals, hectopascals and mmHg never mix.
public struct Pressure: Comparable, Hashable, Sendable, CustomStringConvertible {
  public var pascals: Double
  public init(pascals: Double) { self.pascals = pascals }
  public static func hectopascals(_ value: Double) -> Pressure { Pressure(pascals: value * 100) }
  public var hectopascals: Double { pascals / 100 }
  public static func < (lhs: Self, rhs: Self) -> Bool { lhs.pascals < rhs.pascals }
  public var description: String { "\(pascals) Pa" }
}

/// Temperature in degrees Celsius.
public struct Temperature: Comparable, Hashable, Sendable, CustomStringConvertible {
  public var celsius: Double
  public init(celsius: Double) { self.celsius = celsius }
  public var kelvin: Double { celsius + 273.15 }
  public static func < (lhs: Self, rhs: Self) -> Bool { lhs.celsius < rhs.celsius }
  public var description: String { "\(celsius) C" }
}

/// Relative humidity in percent (0...100).
public struct RelativeHumidity: Comparable, Hashable, Sendable, CustomStringConvertible {
  public var percent: Double
  public init(percent: Double) { self.percent = percent }
  public static func < (lhs: Self, rhs: Self) -> Bool { lhs.percent < rhs.percent }
  public var description: String { "\(percent) %RH" }
}

/// A frequency in hertz.
public struct Frequency: Comparable, Hashable, Sendable, CustomStringConvertible {
  public var hertz: Double
  public init(hertz: Double) { self.hertz = hertz }
  /// The period of one cycle to the nearest nanosecond; `nil` for a non-positive or
  /// non-finite frequency, or one whose period is under half a nanosecond or does not
  /// fit in `Int64` nanoseconds (a bad board file must not trap the conversion).
  public var period: Duration? {
    guard hertz > 0, hertz.isFinite else { return nil }
    guard let nanoseconds = Int64(exactly: (1e9 / hertz).rounded()), nanoseconds > 0 else { return nil }
    return .nanoseconds(nanoseconds)
  }
  public static func < (lhs: Self, rhs: Self) -> Bool { lhs.hertz < rhs.hertz }
  public var description: String { "\(hertz) Hz" }
}
