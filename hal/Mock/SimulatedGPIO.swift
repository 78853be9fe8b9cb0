import HAL

/// A simulated GPIO controller: chips with named lines on a ``VirtualClock``.
///
/// Behaves as the Linux character device does for Cloak's purposes:
/// - Requests find chips by label and lines by name (`.chipNotFound`, `.lineNotFound`);
///   a held line is `.lineBusy` until its handle is released or deallocated.
/// - Outputs are driven at the request's initial value from the first instant; tests
///   observe them with ``level(of:)`` (physical and logical) and ``history(of:)``.
/// - Inputs are driven by tests with ``drive(_:physicalLevel:at:)`` or
///   ``scheduleEdge(_:_:at:)``; undriven inputs follow their bias (pull-up reads high,
///   pull-down low, otherwise the last level holds). Active-low inverts logical values.
/// - Edge events (rising/falling on the logical value) carry the virtual time of the
///   edge and a per-request sequence number; debounce suppresses edges closer than the
///   debounce period, as the kernel does; at most ``eventBufferCapacity`` events wait per
///   line and overflow drops the oldest (a sequence gap).
/// - `waitForEdge(timeout:)` never blocks: with nothing queued it advances the clock to
///   the next scheduled edge, or to the timeout.
///
/// Faults: ``injectFault(_:on:count:)`` makes a line's next get/set throw;
/// ``removeChip(label:)`` makes a chip disappear (its handles then throw `.io(ENODEV)`).
/// Confined to one thread, like the rest of the mock HAL (decision 0100).
public final class SimulatedGPIO: GPIOController, @unchecked Sendable {
  /// A line's level as the wire has it and as its requester sees it.
  public struct Level: Hashable, Sendable {
    public var physical: Bool
    /// The physical level inverted for an active-low requester (equal when unrequested).
    public var logical: Bool

    public init(physical: Bool, logical: Bool) {
      self.physical = physical
      self.logical = logical
    }
  }

  /// One change of a line's physical level.
  public struct LevelChange: Hashable, Sendable {
    public var time: MonotonicInstant
    public var physical: Bool
    /// The logical level for the requester at that time (physical when unrequested).
    public var logical: Bool

    public init(time: MonotonicInstant, physical: Bool, logical: Bool) {
      self.time = time
      self.physical = physical
      self.logical = logical
    }
  }

  /// errno the kernel gives for an operation on a line whose chip went away.
  public static let noDeviceErrno: Int32 = 19

  /// The clock that timestamps changes and that `waitForEdge` advances.
  public let clock: VirtualClock
  /// Edge events kept per requested line before the oldest is dropped (the kernel's
  /// default is 16 per line).
  public var eventBufferCapacity = 16
  /// Level changes kept per line by ``history(of:)`` (the most recent ones), so long
  /// simulations stay bounded.
  public var historyLimit = 100_000

  /// Each chip's line names, by label.
  private var chips: [String: [String]] = [:]
  /// Per chip, the line names used more than once, with their offsets.
  private var duplicates: [String: [String: [Int]]] = [:]
  /// Each line's slot in ``slots``. Handles keep their line's slot in their claim, so
  /// their operations index an array instead of hashing the line's two names (the
  /// simulation reads and drives dozens of lines per simulated step).
  private var slotOf: [GPIOLineID: Int] = [:]
  /// The lines by slot; nil once their chip was removed (slots are never reused, so a
  /// handle on a removed chip finds nil even after a chip of that label is added again).
  private var slots: [SimulatedGPIOLine?] = []
  private var nextToken: UInt64 = 0

  public init(clock: VirtualClock) { self.clock = clock }

  // MARK: Chips

  /// Adds a chip labelled `label` with `lines` named lines, in offset order. A name used
  /// twice (the BeagleBone's `NC`) cannot be requested: it throws `.ambiguous` naming
  /// both offsets, as the Linux backend does. Adding a label that exists replaces that
  /// chip: it is unplugged and plugged in again, and handles on the old one stop working.
  public func addChip(label: String, lines names: [String]) {
    removeChip(label: label)
    var unique: [String] = []
    for name in names where !unique.contains(name) { unique.append(name) }
    chips[label] = unique
    var offsets: [String: [Int]] = [:]
    for (offset, name) in names.enumerated() { offsets[name, default: []].append(offset) }
    duplicates[label] = offsets.filter { $0.value.count > 1 }
    for name in unique {
      slots.append(SimulatedGPIOLine(at: clock.now()))
      slotOf[GPIOLineID(chip: label, line: name)] = slots.count - 1
    }
  }

  /// Makes a chip disappear (hot-unplug, driver unbind): new requests get
  /// `.chipNotFound` and every operation on its handles throws `.io(errno: ENODEV)`.
  public func removeChip(label: String) {
    duplicates[label] = nil
    guard let names = chips.removeValue(forKey: label) else { return }
    for name in names {
      if let slot = slotOf.removeValue(forKey: GPIOLineID(chip: label, line: name)) { slots[slot] = nil }
    }
  }

  /// Chip labels, ascending.
  public var chipLabels: [String] { chips.keys.sorted() }

  // MARK: GPIOController

  public func requestOutput(_ id: GPIOLineID, config: GPIOOutputConfig, consumer: String)
    throws(GPIOError) -> any GPIOOutputLine
  {
    let claim = try claim(id, consumer: consumer, direction: .output(config, logical: config.initialValue))
    return SimulatedGPIOOutput(id: id, claim: claim, initialValue: config.initialValue, controller: self)
  }

  public func requestInput(_ id: GPIOLineID, config: GPIOInputConfig, consumer: String)
    throws(GPIOError) -> any GPIOInputLine
  {
    let claim = try claim(id, consumer: consumer, direction: .input(config))
    return SimulatedGPIOInput(id: id, claim: claim, controller: self)
  }

  private func claim(
    _ id: GPIOLineID, consumer: String, direction: SimulatedGPIOLine.Request.Direction
  ) throws(GPIOError) -> Claim {
    guard chips[id.chip] != nil else { throw GPIOError(.chipNotFound, line: id) }
    if let offsets = duplicates[id.chip]?[id.line], offsets.count > 1 {
      throw GPIOError(
        .ambiguous, line: id,
        detail: "offsets \(offsets[0]) and \(offsets[1]) of \(id.chip) are both named '\(id.line)'")
    }
    guard let slot = slotOf[id], var line = slots[slot] else { throw GPIOError(.lineNotFound, line: id) }
    line.settle(until: clock.now(), eventCapacity: eventBufferCapacity)
    if let holder = line.request {
      throw GPIOError(.lineBusy, line: id, detail: "held by '\(holder.consumer)'")
    }
    nextToken &+= 1
    line.adopt(.init(token: nextToken, consumer: consumer, direction: direction), at: clock.now())
    line.trimHistory(keeping: historyLimit)
    slots[slot] = line
    return Claim(token: nextToken, slot: slot)
  }

  /// What a handle needs to prove it still owns its line, and where the line is.
  struct Claim {
    var token: UInt64
    /// The line's slot (nil there once the chip is removed: the handle's plug-in of the
    /// chip is gone).
    var slot: Int
  }

  // MARK: Observation

  /// The line's current level, or nil for an unknown line.
  public func level(of id: GPIOLineID) -> Level? {
    guard let slot = slotOf[id] else { return nil }
    settle(slot)
    return slots[slot].map { Level(physical: $0.physical, logical: $0.logical) }
  }

  /// The line's physical level changes, oldest first: all of them, or the most recent
  /// ``historyLimit`` (a request that leaves the level as it was adds nothing).
  public func history(of id: GPIOLineID) -> [LevelChange] {
    guard let slot = slotOf[id] else { return [] }
    settle(slot)
    return Array((slots[slot]?.history ?? []).suffix(max(0, historyLimit)))
  }

  /// The consumer name of the line's holder, or nil when it is free or unknown.
  public func consumer(of id: GPIOLineID) -> String? { slotOf[id].flatMap { slots[$0]?.request?.consumer } }

  /// Edge events waiting to be read on the line.
  public func queuedEvents(of id: GPIOLineID) -> [GPIOEdgeEvent] {
    guard let slot = slotOf[id] else { return [] }
    settle(slot)
    return slots[slot]?.request?.events ?? []
  }

  // MARK: Driving inputs

  /// Drives the line's physical level from outside at `time` (default: now); `nil`
  /// stops driving it, so its bias (or last level) holds. A future `time` is applied
  /// when the clock gets there; a past one no earlier than the line's last change.
  /// Throws `.chipNotFound`/`.lineNotFound` for a line that does not exist.
  public func drive(_ id: GPIOLineID, physicalLevel: Bool?, at time: MonotonicInstant? = nil) throws(GPIOError) {
    try enqueue(.physical(physicalLevel), on: id, at: time ?? clock.now())
  }

  /// Schedules an edge of the requester's logical value at `time`: `.rising` drives the
  /// line active, `.falling` inactive (active-low is resolved when the edge happens).
  /// A `waitForEdge` whose timeout reaches `time` returns it at that virtual time.
  public func scheduleEdge(_ id: GPIOLineID, _ kind: GPIOEdgeEvent.Kind, at time: MonotonicInstant) throws(GPIOError) {
    try enqueue(.logical(kind == .rising), on: id, at: time)
  }

  private func enqueue(
    _ target: SimulatedGPIOLine.Pending.Target, on id: GPIOLineID, at time: MonotonicInstant
  ) throws(GPIOError) {
    try modify(id) { line in
      line.enqueue(target, at: time)
      line.settle(until: clock.now(), eventCapacity: eventBufferCapacity)
    }
  }

  // MARK: Faults

  /// Makes the line's next `count` get/set operations (`value()`, `set(_:)`) throw
  /// `kind`. Throws `.chipNotFound`/`.lineNotFound` for a line that does not exist.
  public func injectFault(_ kind: GPIOError.Kind, on id: GPIOLineID, count: Int = 1) throws(GPIOError) {
    try modify(id) { line in
      line.faults.append(contentsOf: repeatElement(kind, count: max(0, count)))
    }
  }

  // MARK: Handle operations

  func set(_ id: GPIOLineID, claim: Claim, to value: Bool) throws(GPIOError) {
    try operate(id, claim: claim, takesFault: true) { line in
      guard case .output(let config, _)? = line.request?.direction else { return }
      line.request?.direction = .output(config, logical: value)
      line.recompute(at: clock.now(), eventCapacity: eventBufferCapacity)
    }
  }

  func value(_ id: GPIOLineID, claim: Claim) throws(GPIOError) -> Bool {
    var result = false
    try operate(id, claim: claim, takesFault: true) { line in
      // With debounce the kernel reports the debounced level.
      guard let held = line.request else { return }
      result = held.debounce == nil ? line.logical : held.stableLogical
    }
    return result
  }

  func waitForEdge(_ id: GPIOLineID, claim: Claim, timeout: Duration) throws(GPIOError) -> GPIOEdgeEvent? {
    let deadline = clock.now().advanced(by: max(timeout, .zero))
    while true {
      var event: GPIOEdgeEvent?
      var next: MonotonicInstant?
      try operate(id, claim: claim, takesFault: false) { (line) throws(GPIOError) in
        guard let held = line.request, let config = held.inputConfig, config.edges != .none else {
          throw GPIOError(.unsupported, line: id, detail: "line was requested without edge detection")
        }
        if !held.events.isEmpty { event = line.request?.events.removeFirst() }
        next = line.nextActivity
      }
      if let event { return event }
      let now = clock.now()
      guard now < deadline else { return nil }
      // Jump to the next thing that can make an edge on this line, or to the timeout.
      let target = next.map { $0 > now ? min($0, deadline) : deadline } ?? deadline
      clock.advance(to: target)
    }
  }

  func release(_ id: GPIOLineID, claim: Claim) {
    let slot = claim.slot
    guard slots[slot]?.request?.token == claim.token else { return }
    slots[slot]?.settle(until: clock.now(), eventCapacity: eventBufferCapacity)
    slots[slot]?.request = nil
    slots[slot]?.recompute(at: clock.now(), eventCapacity: eventBufferCapacity)
  }

  // MARK: Helpers

  private func settle(_ slot: Int) {
    slots[slot]?.settle(until: clock.now(), eventCapacity: eventBufferCapacity)
    slots[slot]?.trimHistory(keeping: historyLimit)
  }

  private func modify(_ id: GPIOLineID, _ body: (inout SimulatedGPIOLine) -> Void) throws(GPIOError) {
    guard chips[id.chip] != nil else { throw GPIOError(.chipNotFound, line: id) }
    // Moved out and back so the history array stays uniquely referenced: appending to a
    // copy that the slot still shares would allocate on every change.
    guard let slot = slotOf[id], var line = slots[slot].take() else { throw GPIOError(.lineNotFound, line: id) }
    defer { slots[slot] = line }
    body(&line)
    line.trimHistory(keeping: historyLimit)
  }

  /// Runs `body` on a held line after checking the handle still owns it, settling time
  /// first and consuming an injected fault if `takesFault`.
  private func operate(
    _ id: GPIOLineID, claim: Claim, takesFault: Bool,
    _ body: (inout SimulatedGPIOLine) throws(GPIOError) -> Void
  ) throws(GPIOError) {
    // The claim's slot: nil there once the chip was removed (also when a chip of that
    // label was added again: its lines have new slots).
    let slot = claim.slot
    guard slots[slot]?.request?.token == claim.token else {
      // Gone, or unplugged and plugged in again: the handle's device is gone either way.
      guard slots[slot] != nil else {
        throw GPIOError(.io(errno: Self.noDeviceErrno), line: id, detail: "chip was removed")
      }
      // Released while this call was in progress (for example from a clock hook).
      throw GPIOError(.released, line: id)
    }
    let now = clock.now()
    // Moved out and back so the history array stays uniquely referenced (see modify).
    guard var line = slots[slot].take() else { throw GPIOError(.released, line: id) }
    defer { slots[slot] = line }
    line.settle(until: now, eventCapacity: eventBufferCapacity)
    if takesFault, !line.faults.isEmpty {
      let kind = line.faults.removeFirst()
      throw GPIOError(kind, line: id, detail: "injected fault")
    }
    try body(&line)
    line.trimHistory(keeping: historyLimit)
  }
}
