#if canImport(Glibc)
  import CLinuxShims
  import Glibc
  import HAL
  import Synchronization

  /// An output line held through libgpiod. `set` is one line-value ioctl between two
  /// uncontended atomic adds on a gate word, no lock: the gate only keeps `release()`
  /// (from any thread) from freeing the handle under a `set` in flight
  /// (docs/decisions/0421-gpio-set-without-a-mutex.md).
  final class LinuxGPIOOutputLine: GPIOOutputLine, @unchecked Sendable {
    let id: GPIOLineID
    /// Freed once, by the `release()` that closes the gate, after in-flight sets drained.
    private let handle: OpaquePointer
    /// What `set` calls libgpiod on (owned by `handle`), the line's offset in it, and
    /// the libgpiod function itself: no shim frame per set.
    private let target: UnsafeMutableRawPointer?
    private let offset: UInt32
    private let setter: LibgpiodSetter
    /// Bit 0: released (the gate is closed). The rest: twice the `set` calls in flight.
    private let gate = Atomic<Int>(0)
    private let last: Atomic<Bool>

    init(id: GPIOLineID, handle: OpaquePointer, initialValue: Bool) {
      self.id = id
      self.handle = handle
      var target: UnsafeMutableRawPointer?
      var offset: UInt32 = 0
      let function = cloak_gpio_set_target(handle, &target, &offset)
      self.target = target
      self.offset = offset
      self.setter = LibgpiodSetter(function, major: cloak_gpio_libgpiod_major())
      self.last = Atomic(initialValue)
    }

    deinit { release() }

    // Always inlined so the protocol witness thunk is the whole of `set`.
    @inline(__always)
    func set(_ value: Bool) throws(GPIOError) {
      guard gate.wrappingAdd(2, ordering: .acquiring).oldValue & 1 == 0 else {
        gate.wrappingSubtract(2, ordering: .releasing)
        throw GPIOError(.released, line: id)
      }
      let rc: Int32
      switch setter {
      case .v1(let function): rc = function(target, value ? 1 : 0) == 0 ? 0 : Self.negativeErrno()
      case .v2(let function): rc = function(target, offset, value ? 1 : 0) == 0 ? 0 : Self.negativeErrno()
      case .shim: rc = cloak_gpio_set(handle, value ? 1 : 0)
      }
      if rc == 0 { last.store(value, ordering: .relaxed) }
      gate.wrappingSubtract(2, ordering: .releasing)
      guard rc == 0 else { throw GPIOErrno.error(rc, line: id, operation: "set") }
    }

    var lastValue: Bool { last.load(ordering: .relaxed) }

    /// The shim's convention for a libgpiod failure: -errno, -EIO if errno says nothing.
    private static func negativeErrno() -> Int32 { errno > 0 ? -errno : -EIO }

    func release() {
      guard gate.bitwiseOr(1, ordering: .acquiringAndReleasing).oldValue & 1 == 0 else { return }
      // Sets that got in before the gate closed are one ioctl each: wait them out.
      var pause = timespec(tv_sec: 0, tv_nsec: 20_000)
      while gate.load(ordering: .acquiring) != 1 { nanosleep(&pause, nil) }
      cloak_gpio_release(handle)
    }
  }

  /// libgpiod's own set function, typed for the major the shim was built against.
  enum LibgpiodSetter {
    /// 1.6: `int gpiod_line_set_value(struct gpiod_line *, int)`.
    case v1(@convention(c) (UnsafeMutableRawPointer?, Int32) -> Int32)
    /// 2.x: `int gpiod_line_request_set_value(struct gpiod_line_request *, unsigned int,
    /// enum gpiod_line_value)` (the enum is an int: 0 inactive, 1 active).
    case v2(@convention(c) (UnsafeMutableRawPointer?, UInt32, Int32) -> Int32)
    /// Through `cloak_gpio_set` (the shim gave no function).
    case shim

    init(_ function: UnsafeMutableRawPointer?, major: Int32) {
      guard let function else {
        self = .shim
        return
      }
      switch major {
      case 1: self = .v1(unsafeBitCast(function, to: (@convention(c) (UnsafeMutableRawPointer?, Int32) -> Int32).self))
      case 2:
        self = .v2(
          unsafeBitCast(function, to: (@convention(c) (UnsafeMutableRawPointer?, UInt32, Int32) -> Int32).self))
      default: self = .shim
      }
    }
  }

  /// An input line held through libgpiod, with optional edge events and (on
  /// libgpiod 1.6) emulated debounce.
  ///
  /// `waitForEdge` blocks while holding the handle's mutex, so a `release()` from
  /// another thread waits for the wait's timeout.
  final class LinuxGPIOInputLine: GPIOInputLine, @unchecked Sendable {
    let id: GPIOLineID
    private let edges: GPIOEdgeDetection
    private let state: Mutex<InputState>
    private static let settledCapacity = 16

    // The C handle is only touched under the mutex.
    private struct InputState: @unchecked Sendable {
      var handle: OpaquePointer?
      var debounce: GPIODebounceFilter?
      /// Events delivered so far, for libraries that give no kernel sequence number.
      var sequence: UInt64 = 0
      /// Debounced events settled by `value()` before anyone waited for them (bounded,
      /// oldest dropped first, like the kernel's event FIFO).
      var settled: [GPIOEdgeEvent] = []
    }

    init(id: GPIOLineID, handle: OpaquePointer, edges: GPIOEdgeDetection, debounce: GPIODebounceFilter?) {
      self.id = id
      self.edges = edges
      var initial = InputState(handle: handle, debounce: debounce)
      initial.settled.reserveCapacity(Self.settledCapacity)
      self.state = Mutex(initial)
    }

    deinit { release() }

    func value() throws(GPIOError) -> Bool {
      try state.withLock { (state) throws(GPIOError) -> Bool in
        guard let handle = state.handle else { throw GPIOError(.released, line: id) }
        if state.debounce != nil {
          // The kernel's debouncer reports the settled level, not the raw one.
          if let event = try drain(handle, &state, now: Self.now()) {
            if state.settled.count >= Self.settledCapacity { state.settled.removeFirst() }
            state.settled.append(event)
          }
          return state.debounce?.level ?? false
        }
        let rc = cloak_gpio_get(handle)
        guard rc >= 0 else { throw GPIOErrno.error(rc, line: id, operation: "get") }
        return rc == 1
      }
    }

    func waitForEdge(timeout: Duration) throws(GPIOError) -> GPIOEdgeEvent? {
      guard edges != .none else {
        throw GPIOError(.unsupported, line: id, detail: "line was requested without edge detection")
      }
      return try state.withLock { (state) throws(GPIOError) -> GPIOEdgeEvent? in
        guard let handle = state.handle else { throw GPIOError(.released, line: id) }
        let timeoutNanos = max(timeout.nanosecondsSaturated, 0)
        if state.debounce == nil { return try waitRaw(handle, &state, timeoutNanos: timeoutNanos) }
        if !state.settled.isEmpty { return state.settled.removeFirst() }
        let start = Self.now()
        let (sum, overflow) = start.addingReportingOverflow(timeoutNanos)
        let deadline = overflow ? Int64.max : sum
        while true {
          var now = Self.now()
          if let event = try drain(handle, &state, now: now) { return event }
          now = Self.now()
          guard now < deadline else { return nil }
          let wake = min(deadline, state.debounce?.nextDue ?? deadline)
          let rc = cloak_gpio_wait_edge(handle, max(wake &- now, 0))
          guard rc >= 0 else { throw GPIOErrno.error(rc, line: id, operation: "wait for edge") }
        }
      }
    }

    func release() {
      let handle = state.withLock { (state) -> OpaquePointer? in
        defer { state.handle = nil }
        return state.handle
      }
      if let handle { cloak_gpio_release(handle) }
    }

    // MARK: - Internals

    private static func now() -> Int64 {
      var spec = timespec()
      clock_gettime(CLOCK_MONOTONIC, &spec)
      return Int64(spec.tv_sec) &* 1_000_000_000 &+ Int64(spec.tv_nsec)
    }

    private func waitRaw(_ handle: OpaquePointer, _ state: inout InputState, timeoutNanos: Int64)
      throws(GPIOError) -> GPIOEdgeEvent?
    {
      let rc = cloak_gpio_wait_edge(handle, timeoutNanos)
      guard rc >= 0 else { throw GPIOErrno.error(rc, line: id, operation: "wait for edge") }
      guard rc == 1 else { return nil }
      var raw = cloak_gpio_edge()
      let readRC = cloak_gpio_read_edge(handle, &raw)
      guard readRC == 0 else { throw GPIOErrno.error(readRC, line: id, operation: "read edge event") }
      state.sequence &+= 1
      return GPIOEdgeEvent(
        kind: raw.rising != 0 ? .rising : .falling,
        timestamp: MonotonicInstant(nanoseconds: Int64(truncatingIfNeeded: raw.timestamp_ns)),
        sequence: raw.line_seqno != 0 ? raw.line_seqno : state.sequence)
    }

    /// Feeds every queued raw edge to the debounce filter, then settles it at `now`.
    private func drain(_ handle: OpaquePointer, _ state: inout InputState, now: Int64) throws(GPIOError)
      -> GPIOEdgeEvent?
    {
      while true {
        let ready = cloak_gpio_wait_edge(handle, 0)
        guard ready >= 0 else { throw GPIOErrno.error(ready, line: id, operation: "poll edges") }
        guard ready == 1 else { break }
        var raw = cloak_gpio_edge()
        let rc = cloak_gpio_read_edge(handle, &raw)
        guard rc == 0 else { throw GPIOErrno.error(rc, line: id, operation: "read edge event") }
        state.debounce?.record(rising: raw.rising != 0, at: Int64(truncatingIfNeeded: raw.timestamp_ns))
      }
      return state.debounce?.settle(now: now)
    }
  }
#endif
