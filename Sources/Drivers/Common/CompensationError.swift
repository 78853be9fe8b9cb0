/// A compensation formula could not be evaluated exactly as the datasheet defines it.
///
/// Compensation functions are pure, so they report the step that failed; drivers turn
/// this into a ``SensorError`` naming the chip.
public enum CompensationError: Error, Hashable, Sendable, CustomStringConvertible {
  /// An intermediate value left the integer width the datasheet formula uses.
  case overflow(step: String)
  /// The formula would divide by zero (the datasheet returns 0 there).
  case divisionByZero(step: String)
  /// The formula produced a value the chip cannot mean (0 Pa, negative pressure).
  case implausibleResult(step: String)
  /// The raw ADC value is out of range or the channel was skipped.
  case invalidRaw(String)

  public var description: String {
    switch self {
    case .overflow(let step): return "overflow in \(step)"
    case .divisionByZero(let step): return "division by zero in \(step)"
    case .implausibleResult(let step): return "implausible result of \(step)"
    case .invalidRaw(let what): return "invalid raw value: \(what)"
    }
  }
}

/// Checked 64-bit arithmetic for compensation formulas: each step reports overflow
/// with the step's name instead of trapping or wrapping.
@inline(__always)
func mul(_ a: Int64, _ b: Int64, _ step: StaticString) throws(CompensationError) -> Int64 {
  let (r, o) = a.multipliedReportingOverflow(by: b)
  if o { throw .overflow(step: "\(step)") }
  return r
}

@inline(__always)
func add(_ a: Int64, _ b: Int64, _ step: StaticString) throws(CompensationError) -> Int64 {
  let (r, o) = a.addingReportingOverflow(b)
  if o { throw .overflow(step: "\(step)") }
  return r
}

@inline(__always)
func sub(_ a: Int64, _ b: Int64, _ step: StaticString) throws(CompensationError) -> Int64 {
  let (r, o) = a.subtractingReportingOverflow(b)
  if o { throw .overflow(step: "\(step)") }
  return r
}

/// `a << n` for a signed value, checked: the C formulas shift signed values left as a
/// multiplication by 2^n, which is only defined when it fits.
@inline(__always)
func shl(_ a: Int64, _ n: Int64, _ step: StaticString) throws(CompensationError) -> Int64 {
  try mul(a, Int64(1) << n, step)
}

/// Checks that a value computed in 64 bits fits the 32-bit intermediate of a datasheet
/// formula (where C would overflow, this throws).
@inline(__always)
func fit32(_ a: Int64, _ step: StaticString) throws(CompensationError) -> Int64 {
  if a < Int64(Int32.min) || a > Int64(Int32.max) { throw .overflow(step: "\(step)") }
  return a
}
