/// A PWM failure, naming the channel.
public struct PWMError: Error, Hashable, Sendable, CustomStringConvertible {
  public enum Kind: Hashable, Sendable {
    /// No such PWM chip or channel.
    case notFound
    case permissionDenied
    /// A period or pulse width the hardware cannot produce.
    case outOfRange
    /// The operation is not possible on this channel type.
    case unsupported
    /// The underlying bus failed (PCA9685 over I2C).
    case bus(I2CError)
    /// Any other errno from sysfs.
    case io(errno: Int32)
  }

  public var kind: Kind
  public var channel: String
  public var detail: String

  public init(_ kind: Kind, channel: String, detail: String = "") {
    self.kind = kind
    self.channel = channel
    self.detail = detail
  }

  public var description: String {
    let what: String
    switch kind {
    case .notFound: what = "not found"
    case .permissionDenied: what = "permission denied"
    case .outOfRange: what = "value out of range"
    case .unsupported: what = "not supported"
    case .bus(let error): what = "bus error: \(error)"
    case .io(let errno): what = "I/O error (errno \(errno))"
    }
    let suffix = detail.isEmpty ? "" : ": \(detail)"
    return "pwm \(channel): \(what)\(suffix)"
  }
}
