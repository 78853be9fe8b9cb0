import HAL

/// One ordered list of expected hardware interactions, shared by every scripted double.
///
/// A test lists what the code under test must do, in order, across all peripherals
/// (an I2C write, then a GPIO set, then a delay...), hands the scripted doubles to
/// the code, and calls ``verify()``. Any interaction that is not the next expectation
/// is recorded as a failure (and answered with an error), and expectations left
/// unconsumed fail `verify()`.
///
/// A mismatch does not advance the script: the expectation stays next, so one stray
/// interaction is reported once and the rest of the sequence can still match.
public final class TransactionScript: @unchecked Sendable {
  private var expectations: [ExpectedInteraction]
  private var cursor = 0
  public private(set) var failures: [String] = []

  public init(_ expectations: [ExpectedInteraction] = []) {
    self.expectations = expectations
  }

  /// Appends expectations to the end of the script.
  public func expect(_ more: ExpectedInteraction...) { expectations.append(contentsOf: more) }
  public func expect(contentsOf more: [ExpectedInteraction]) { expectations.append(contentsOf: more) }

  /// Expectations not yet consumed.
  public var remaining: ArraySlice<ExpectedInteraction> { expectations[cursor...] }

  /// Checks that every expectation was consumed and nothing unexpected happened.
  public func verify() throws(ScriptError) {
    var problems = failures
    if cursor < expectations.count {
      problems.append(
        "\(expectations.count - cursor) expectation(s) not consumed, next: \(expectations[cursor])")
    }
    if !problems.isEmpty { throw ScriptError(problems: problems) }
  }

  /// Matches `actual` against the next expectation. Returns it on a match; otherwise
  /// records a failure naming `source` and returns nil.
  @discardableResult
  public func consume(_ actual: Interaction, from source: String) -> ExpectedInteraction? {
    guard cursor < expectations.count else {
      failures.append("\(source): unexpected \(actual) (script exhausted)")
      return nil
    }
    let next = expectations[cursor]
    guard next.matches(actual) else {
      failures.append("\(source): expected \(next), got \(actual)")
      return nil
    }
    cursor += 1
    return next
  }
}

/// What the code under test actually did.
public enum Interaction: Hashable, Sendable, CustomStringConvertible {
  case i2c(bus: String, address: UInt8, write: [UInt8], readCount: Int)
  case gpioSet(GPIOLineID, Bool)
  case gpioGet(GPIOLineID)
  case pwmPeriod(channel: String, Duration)
  case pwmPulse(channel: String, Duration)
  case pwmEnable(channel: String, Bool)
  case sleep(until: MonotonicInstant)
  case watchdogStroke(String)
  case watchdogDisarm(String)

  public var description: String {
    switch self {
    case .i2c(let bus, let address, let write, let count):
      return "i2c \(bus) \(hex(address)) write \(write.map(hex)) read \(count)"
    case .gpioSet(let line, let value): return "gpio set \(line) = \(value)"
    case .gpioGet(let line): return "gpio get \(line)"
    case .pwmPeriod(let channel, let period): return "pwm \(channel) period \(period)"
    case .pwmPulse(let channel, let width): return "pwm \(channel) pulse \(width)"
    case .pwmEnable(let channel, let on): return "pwm \(channel) enable \(on)"
    case .sleep(let deadline): return "sleep until \(deadline)"
    case .watchdogStroke(let name): return "watchdog \(name) stroke"
    case .watchdogDisarm(let name): return "watchdog \(name) disarm"
    }
  }
}

/// The earlier name of ``ExpectedInteraction``. Test files that import Swift Testing
/// must use the new name: Testing declares its own `Expectation`.
public typealias Expectation = ExpectedInteraction

/// One expected interaction and the answer the double gives.
public enum ExpectedInteraction: Hashable, Sendable, CustomStringConvertible {
  /// An I2C transaction writing `write` and reading `read.count` bytes, answered with
  /// `read`.
  case i2c(bus: String, address: UInt8, write: [UInt8], read: [UInt8] = [])
  /// An I2C transaction answered with an error.
  case i2cFailure(bus: String, address: UInt8, write: [UInt8], readCount: Int, error: I2CError.Kind)
  case gpioSet(GPIOLineID, Bool)
  /// A GPIO read, answered with `value`.
  case gpioGet(GPIOLineID, Bool)
  case pwmPeriod(channel: String, Duration)
  case pwmPulse(channel: String, Duration)
  case pwmEnable(channel: String, Bool)
  /// A sleep to exactly this deadline.
  case sleep(until: MonotonicInstant)
  /// A stroke of the named watchdog.
  case watchdogStroke(String)
  /// A deliberate disarm of the named watchdog.
  case watchdogDisarm(String)

  func matches(_ actual: Interaction) -> Bool {
    switch (self, actual) {
    case (.i2c(let b, let a, let w, let r), .i2c(let b2, let a2, let w2, let n)):
      return b == b2 && a == a2 && w == w2 && r.count == n
    case (.i2cFailure(let b, let a, let w, let n, _), .i2c(let b2, let a2, let w2, let n2)):
      return b == b2 && a == a2 && w == w2 && n == n2
    case (.gpioSet(let l, let v), .gpioSet(let l2, let v2)): return l == l2 && v == v2
    case (.gpioGet(let l, _), .gpioGet(let l2)): return l == l2
    case (.pwmPeriod(let c, let p), .pwmPeriod(let c2, let p2)): return c == c2 && p == p2
    case (.pwmPulse(let c, let p), .pwmPulse(let c2, let p2)): return c == c2 && p == p2
    case (.pwmEnable(let c, let e), .pwmEnable(let c2, let e2)): return c == c2 && e == e2
    case (.sleep(let d), .sleep(let d2)): return d == d2
    case (.watchdogStroke(let n), .watchdogStroke(let n2)): return n == n2
    case (.watchdogDisarm(let n), .watchdogDisarm(let n2)): return n == n2
    default: return false
    }
  }

  public var description: String {
    switch self {
    case .i2c(let bus, let address, let write, let read):
      return "i2c \(bus) \(hex(address)) write \(write.map(hex)) read \(read.map(hex))"
    case .i2cFailure(let bus, let address, let write, let count, let error):
      return "i2c \(bus) \(hex(address)) write \(write.map(hex)) read \(count) -> \(error)"
    case .gpioSet(let line, let value): return "gpio set \(line) = \(value)"
    case .gpioGet(let line, let value): return "gpio get \(line) -> \(value)"
    case .pwmPeriod(let channel, let period): return "pwm \(channel) period \(period)"
    case .pwmPulse(let channel, let width): return "pwm \(channel) pulse \(width)"
    case .pwmEnable(let channel, let on): return "pwm \(channel) enable \(on)"
    case .sleep(let deadline): return "sleep until \(deadline)"
    case .watchdogStroke(let name): return "watchdog \(name) stroke"
    case .watchdogDisarm(let name): return "watchdog \(name) disarm"
    }
  }
}

/// `verify()` found unconsumed expectations or unexpected interactions.
public struct ScriptError: Error, Hashable, Sendable, CustomStringConvertible {
  /// One line per problem, each naming the double (bus, line, channel, clock) concerned.
  public var problems: [String]

  public init(problems: [String]) { self.problems = problems }
  public var description: String { problems.joined(separator: "\n") }
}
