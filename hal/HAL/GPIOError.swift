/// A GPIO failure, naming the chip and line it concerns.
public struct GPIOError: Error, Hashable, Sendable, CustomStringConvertible {
  public enum Kind: Hashable, Sendable {
    /// No chip has this label.
    case chipNotFound
    /// The chip has no line with this name.
    case lineNotFound
    /// The name matches more than one chip (two chips with the same label) or more than
    /// one line of the chip (a name used twice, such as the BeagleBone's `NC`); `detail`
    /// names both candidates. Never resolved to the first match.
    case ambiguous
    /// Another handle, here or in another process, holds the line.
    case lineBusy
    /// The process may not open the chip device; `hint` says what grants access.
    case permissionDenied
    /// The request asks for something the line, chip or library version cannot do.
    case unsupported
    /// The handle was released before this call.
    case released
    /// Any other kernel error, with its errno.
    case io(errno: Int32)
  }

  public var kind: Kind
  public var line: GPIOLineID
  /// A short extra explanation (for example which group or udev rule is needed).
  public var detail: String

  public init(_ kind: Kind, line: GPIOLineID, detail: String = "") {
    self.kind = kind
    self.line = line
    self.detail = detail
  }

  public var description: String {
    let what: String
    switch kind {
    case .chipNotFound: what = "no GPIO chip labelled '\(line.chip)'"
    case .lineNotFound: what = "chip '\(line.chip)' has no line named '\(line.line)'"
    case .ambiguous: what = "the name does not identify one line"
    case .lineBusy: what = "line is already requested by another user"
    case .permissionDenied: what = "permission denied"
    case .unsupported: what = "operation not supported"
    case .released: what = "line handle was already released"
    case .io(let errno): what = "I/O error (errno \(errno))"
    }
    let suffix = detail.isEmpty ? "" : ": \(detail)"
    return "gpio \(line): \(what)\(suffix)"
  }
}
