/// One problem found in a board file, naming the file, the line and the key path.
///
/// `description` is `FILE:LINE: KEY.PATH: message`; the line is omitted when unknown
/// (0) and the key path when the problem concerns the whole document.
public struct BoardError: Error, Hashable, Sendable, CustomStringConvertible {
  /// What kind of problem this is; tests and tools match on it.
  public enum Kind: String, Hashable, Sendable, CaseIterable {
    /// The file is not valid YAML.
    case yamlSyntax
    /// No such file, or no board has that name.
    case fileNotFound
    /// The path exists but is no readable board file: a directory, a device or stream,
    /// too large, not UTF-8, no permission (``TextFileError`` says which).
    case fileUnreadable
    /// A key the schema does not define (typos are errors, never ignored).
    case unknownKey
    /// A required key is absent.
    case missingKey
    /// The same key twice in one mapping (for example a role declared twice).
    case duplicateKey
    /// The same line name twice in a chip's `lines:` list.
    case duplicateLine
    /// A value of the wrong YAML shape (a scalar where a mapping belongs, ...).
    case wrongType
    /// A value outside the allowed set of words or not parseable.
    case badValue
    /// A number outside its allowed range, or min above max; also what the hardware
    /// cannot run as written: a PCA9685 prescale outside 3...255 for the declared
    /// oscillator, a pulse not below the real period, an oscillator beyond the internal
    /// one's spread.
    case outOfRange
    /// `version:` names a schema this program does not read.
    case unsupportedVersion
    /// A reference to a chip, bus, device or role the file does not declare.
    case unknownReference
    /// Two roles mapped to one GPIO line.
    case lineConflict
    /// Two devices at one address on one bus, or a device at an address other chips on
    /// the bus also answer (the PCA9685's All Call address).
    case addressConflict
    /// An address the chip's address pins cannot select, or one the I2C specification
    /// reserves.
    case wrongAddress

    /// Two PWM outputs on one channel.
    case channelConflict
    /// A role a declared feature requires is absent or of the wrong shape.
    case missingRole
    /// An output role without a `safe:` value.
    case missingSafeValue
    /// A safe value that is not safe for the role (e.g. a hatch that would move).
    case unsafeSafeValue
    /// A kill-path line whose pull resistor would not hold it at its safe level.
    case killPathUnsafe
    /// Station files: the same id twice within one kind (two modules called `lab`).
    case duplicateID
    /// Station files: a reference that resolves but does not fit (a seal's hatch that
    /// does not join the seal's module, a weld with a hatch, a hatch joining a module to
    /// itself).
    case mismatchedReference
    /// Station files: a module with fewer than two pressure sensors (voting needs two).
    case tooFewSensors
    /// Station files: one board role used twice by the station (a sensor listed by two
    /// modules, a thrust role that is also a hatch line, ...).
    case roleConflict
    /// Station files: no module has `return_vehicle: true`.
    case noReturnVehicle
    /// Station files: a module no chain of hatches reaches from the first module.
    case disconnected
    /// Station binding: a role the station names exists on the board with the wrong kind
    /// or direction (a GPIO input where an output belongs, a pca9685 where a pressure
    /// sensor belongs).
    case roleMismatch
    /// Station binding: a drone's thrust output is not armed by that drone's arm role.
    case armingMismatch
  }

  public var kind: Kind
  /// The board file's path as given (or a pseudo name for boards read from a string).
  public var file: String
  /// 1-based line in the file; 0 when unknown.
  public var line: Int
  /// Dotted key path, e.g. `gpio.lines.hatch.node1.close.safe`; empty for the document.
  public var keyPath: String
  public var message: String

  public init(_ kind: Kind, file: String, line: Int, keyPath: String, message: String) {
    self.kind = kind
    self.file = file
    self.line = line
    self.keyPath = keyPath
    self.message = message
  }

  public var description: String {
    var text = file
    if line > 0 { text += ":\(line)" }
    text += ": "
    if !keyPath.isEmpty { text += keyPath + ": " }
    return text + message
  }
}

/// Loading a board failed; `errors` holds every problem found (never empty).
public struct BoardLoadError: Error, Hashable, Sendable, CustomStringConvertible {
  public var errors: [BoardError]

  public init(errors: [BoardError]) { self.errors = errors }

  /// One error per line, in file order.
  public var description: String { errors.map(\.description).joined(separator: "\n") }
}
