/// Internal bias of an input line.
public enum GPIOBias: String, Sendable, Hashable, CaseIterable {
  /// Leave the bias as it is (the kernel's "as-is").
  case asIs = "as-is"
  case disabled
  case pullUp = "pull-up"
  case pullDown = "pull-down"
}

/// Electrical drive of an output line.
public enum GPIODrive: String, Sendable, Hashable, CaseIterable {
  case pushPull = "push-pull"
  case openDrain = "open-drain"
  case openSource = "open-source"
}

/// Which edges an input line reports as events.
public enum GPIOEdgeDetection: String, Sendable, Hashable, CaseIterable {
  case none
  case rising
  case falling
  case both
}

/// How to request an output line.
///
/// Values are logical: with `activeLow`, `true` (active) drives the line low.
public struct GPIOOutputConfig: Sendable, Hashable {
  public var activeLow: Bool
  public var drive: GPIODrive
  /// The logical value the line takes the instant it is requested. Outputs are
  /// requested at their board-declared safe value so nothing moves before it is
  /// commanded.
  public var initialValue: Bool

  public init(activeLow: Bool = false, drive: GPIODrive = .pushPull, initialValue: Bool) {
    self.activeLow = activeLow
    self.drive = drive
    self.initialValue = initialValue
  }
}

/// How to request an input line.
public struct GPIOInputConfig: Sendable, Hashable {
  public var activeLow: Bool
  public var bias: GPIOBias
  /// Edges shorter than this are ignored. `nil` or zero: no debounce.
  public var debounce: Duration?
  public var edges: GPIOEdgeDetection

  public init(
    activeLow: Bool = false, bias: GPIOBias = .asIs, debounce: Duration? = nil,
    edges: GPIOEdgeDetection = .none
  ) {
    self.activeLow = activeLow
    self.bias = bias
    self.debounce = debounce
    self.edges = edges
  }
}
