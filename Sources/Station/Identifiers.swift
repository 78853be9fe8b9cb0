/// Typed station identifiers. Each is parsed once, by the station loader (or by
/// ``init(parsing:)`` for ids typed on a command line or received over a link); past
/// that point no code handles a raw string where one of these belongs.
///
/// The id grammar (one place): 1 to 64 characters, lower-case ASCII letters, digits,
/// `_` and `-`, starting with a letter or digit. Board roles are dotted paths of such
/// words (`pressure.node1.a`).
public protocol StationIdentifier: Hashable, Comparable, Sendable, CustomStringConvertible {
  /// The id as written in the station file.
  var rawValue: String { get }
  /// Wraps an id already checked against the grammar.
  init(unchecked rawValue: String)
  /// The kind of thing this id names, for messages (`module`, `hatch`, ...).
  static var kind: String { get }
}

extension StationIdentifier {
  /// Parses `text` against the id grammar; `nil` when it does not match.
  public init?(parsing text: String) {
    guard StationIDGrammar.isValidID(text) else { return nil }
    self.init(unchecked: text)
  }

  public var description: String { rawValue }
  public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// The id and role grammar, in one place.
public enum StationIDGrammar {
  /// Longest id accepted, in characters.
  public static let maximumLength = 64

  /// Whether `text` is a valid station id (see ``StationIdentifier``).
  public static func isValidID(_ text: String) -> Bool {
    let bytes = Array(text.utf8)
    guard let first = bytes.first, bytes.count <= maximumLength, isLowerOrDigit(first) else { return false }
    return bytes.allSatisfy { isLowerOrDigit($0) || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: "-") }
  }

  /// Whether `text` is a valid board role: two or more ids joined by `.`.
  public static func isValidRole(_ text: String) -> Bool {
    let parts = text.split(separator: ".", omittingEmptySubsequences: false)
    return parts.count >= 2 && parts.allSatisfy { isValidID(String($0)) }
  }

  private static func isLowerOrDigit(_ byte: UInt8) -> Bool {
    (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
  }
}

/// A pressurised module (`node1`, `lab`).
public struct ModuleID: StationIdentifier {
  public let rawValue: String
  public init(unchecked rawValue: String) { self.rawValue = rawValue }
  public static let kind = "module"
}

/// A hatch between two modules.
public struct HatchID: StationIdentifier {
  public let rawValue: String
  public init(unchecked rawValue: String) { self.rawValue = rawValue }
  public static let kind = "hatch"
}

/// An inspection drone.
public struct DroneID: StationIdentifier {
  public let rawValue: String
  public init(unchecked rawValue: String) { self.rawValue = rawValue }
  public static let kind = "drone"
}

/// A seal or weld to inspect.
public struct TargetID: StationIdentifier {
  public let rawValue: String
  public init(unchecked rawValue: String) { self.rawValue = rawValue }
  public static let kind = "target"
}

/// A batch of parts from one supplier.
public struct BatchID: StationIdentifier {
  public let rawValue: String
  public init(unchecked rawValue: String) { self.rawValue = rawValue }
  public static let kind = "batch"
}

/// A board role (`pressure.node1.a`, `hatch.n1-n2.close`, `drone.d1.motor1`): the name
/// under which a board file wires one device or line. Grammar: ids joined by `.`.
public struct BoardRole: Hashable, Comparable, Sendable, CustomStringConvertible {
  public let rawValue: String
  public init(unchecked rawValue: String) { self.rawValue = rawValue }
  /// Parses `text` as a role; `nil` when it does not match the grammar.
  public init?(parsing text: String) {
    guard StationIDGrammar.isValidRole(text) else { return nil }
    rawValue = text
  }
  /// `self` followed by `.suffix` (a hatch prefix's `open`, `close`, ...).
  public func appending(_ suffix: String) -> BoardRole { BoardRole(unchecked: rawValue + "." + suffix) }
  public var description: String { rawValue }
  public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// A pressure sensor, named by its board role (`pressure.node1.a`).
public typealias SensorRole = BoardRole
