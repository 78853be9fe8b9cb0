import HAL

/// The simulator's state of one GPIO line, advanced in time order.
///
/// External level changes are queued with their timestamps and applied lazily, in
/// order, whenever the line is looked at (``settle(until:)``), so a test can drive a
/// line in the future without hooking the clock. Debounce follows the kernel's
/// software debounce (gpiolib-cdev): every raw transition restarts a timer; the level
/// counts, and an edge is reported, only once it has been stable for the debounce
/// period, with the timestamp of that moment. See decision 0101.
struct SimulatedGPIOLine {
  /// An external level change not yet applied.
  struct Pending {
    enum Target {
      /// Drive this physical level (`nil`: stop driving, bias or the last level holds).
      case physical(Bool?)
      /// Drive whatever physical level makes the requester see this logical value.
      case logical(Bool)
    }
    var time: MonotonicInstant
    var target: Target
  }

  /// The current holder of the line.
  struct Request {
    enum Direction {
      case output(GPIOOutputConfig, logical: Bool)
      case input(GPIOInputConfig)
    }
    var token: UInt64
    var consumer: String
    var direction: Direction
    /// The debounced logical level the requester sees.
    var stableLogical = false
    /// Time of the last raw transition still waiting out the debounce period.
    var bounceStart: MonotonicInstant?
    var events: [GPIOEdgeEvent] = []
    var sequence: UInt64 = 0

    var activeLow: Bool {
      switch direction {
      case .output(let config, _): return config.activeLow
      case .input(let config): return config.activeLow
      }
    }

    var inputConfig: GPIOInputConfig? {
      if case .input(let config) = direction { return config }
      return nil
    }

    /// The debounce period, or nil when there is none (nil, zero or negative).
    var debounce: Duration? {
      guard let period = inputConfig?.debounce, period > .zero else { return nil }
      return period
    }
  }

  var physical = false
  /// The level something outside drives onto the line; nil when nothing drives it.
  var driven: Bool?
  var pending: [Pending] = []
  /// Everything up to this instant has been applied.
  var settledUntil: MonotonicInstant
  var history: [SimulatedGPIO.LevelChange] = []
  var request: Request?
  var faults: [GPIOError.Kind] = []

  init(at time: MonotonicInstant) { settledUntil = time }

  /// Drops the oldest history in bulk once it holds twice `limit` entries (amortised
  /// O(1) per change).
  mutating func trimHistory(keeping limit: Int) {
    let keep = max(0, limit)
    if history.count - keep >= max(keep, 1) { history.removeFirst(history.count - keep) }
  }

  /// The logical level for the current requester (physical when unrequested).
  var logical: Bool { physical != (request?.activeLow ?? false) }

  /// Queues an external change at `time`, or at the last settled instant if `time` is
  /// earlier (a line's history cannot be rewritten). Keeps changes at the same instant
  /// in the order they were queued.
  mutating func enqueue(_ target: Pending.Target, at time: MonotonicInstant) {
    let when = max(time, settledUntil)
    let index = pending.firstIndex { $0.time > when } ?? pending.endIndex
    pending.insert(Pending(time: when, target: target), at: index)
  }

  /// Applies every queued change and debounce expiry up to `now`, in time order.
  mutating func settle(until now: MonotonicInstant, eventCapacity: Int) {
    while true {
      let change = pending.first.flatMap { $0.time <= now ? $0.time : nil }
      let expiry = debounceExpiry.flatMap { $0 <= now ? $0 : nil }
      switch (change, expiry) {
      case (nil, nil):
        settledUntil = max(settledUntil, now)
        return
      case (let time?, let expiry?) where expiry <= time:
        // A transition exactly one debounce period later does not cancel the first.
        confirm(at: expiry, eventCapacity: eventCapacity)
      case (nil, let expiry?):
        confirm(at: expiry, eventCapacity: eventCapacity)
      case (.some, _):
        let next = pending.removeFirst()
        apply(next.target, at: next.time, eventCapacity: eventCapacity)
      }
    }
  }

  /// The next instant at which something queued will happen on this line.
  var nextActivity: MonotonicInstant? {
    switch (pending.first?.time, debounceExpiry) {
    case (let a?, let b?): return min(a, b)
    case (let a?, nil): return a
    case (nil, let b?): return b
    case (nil, nil): return nil
    }
  }

  private var debounceExpiry: MonotonicInstant? {
    guard let start = request?.bounceStart, let period = request?.debounce else { return nil }
    return start.advanced(by: period)
  }

  private mutating func apply(_ target: Pending.Target, at time: MonotonicInstant, eventCapacity: Int) {
    settledUntil = max(settledUntil, time)
    switch target {
    case .physical(let level): driven = level
    case .logical(let level): driven = level != (request?.activeLow ?? false)
    }
    recompute(at: time, eventCapacity: eventCapacity)
  }

  /// Takes a new request's view of the line: the level it sets (output initial value,
  /// input bias) becomes the requester's stable level without reporting an edge, as
  /// the kernel enables edge detection only once the line is configured.
  mutating func adopt(_ held: Request, at time: MonotonicInstant) {
    request = held
    recompute(at: time, eventCapacity: 1)
    request?.bounceStart = nil
    request?.events.removeAll()
    request?.sequence = 0
    let level = logical
    request?.stableLogical = level
  }

  /// Recomputes the physical level from the holder and the outside, recording a change.
  mutating func recompute(at time: MonotonicInstant, eventCapacity: Int) {
    let level: Bool
    switch request?.direction {
    case .output(let config, let logical)?:
      level = logical != config.activeLow
    case .input(let config)?:
      level = driven ?? biasLevel(config.bias) ?? physical
    case nil:
      level = driven ?? physical
    }
    guard level != physical else { return }
    physical = level
    history.append(SimulatedGPIO.LevelChange(time: time, physical: level, logical: logical))
    guard request?.inputConfig != nil else { return }
    if request?.debounce != nil {
      request?.bounceStart = time
    } else {
      confirm(at: time, eventCapacity: eventCapacity)
    }
  }

  /// The level is now stable: update what the requester sees and report the edge.
  private mutating func confirm(at time: MonotonicInstant, eventCapacity: Int) {
    guard var held = request, let config = held.inputConfig else { return }
    held.bounceStart = nil
    let level = logical
    if level != held.stableLogical {
      held.stableLogical = level
      let kind: GPIOEdgeEvent.Kind = level ? .rising : .falling
      if reports(kind, config.edges) {
        // The kernel numbers every edge it detects; a full buffer drops the oldest
        // event, so the reader sees a gap in the sequence.
        held.sequence &+= 1
        if held.events.count >= max(1, eventCapacity) { held.events.removeFirst() }
        held.events.append(GPIOEdgeEvent(kind: kind, timestamp: time, sequence: held.sequence))
      }
    }
    request = held
  }

  private func reports(_ kind: GPIOEdgeEvent.Kind, _ edges: GPIOEdgeDetection) -> Bool {
    switch (edges, kind) {
    case (.both, _), (.rising, .rising), (.falling, .falling): return true
    default: return false
    }
  }

  private func biasLevel(_ bias: GPIOBias) -> Bool? {
    switch bias {
    case .pullUp: return true
    case .pullDown: return false
    case .asIs, .disabled: return nil
    }
  }
}
