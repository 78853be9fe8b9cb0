#if canImport(Glibc)
  import CLinuxShims
  import Glibc
  import HAL

  /// GPIO through libgpiod (1.6 or 2.x, whichever the build found): chips by label,
  /// lines by name.
  ///
  /// Each request opens the chip, requests one line and returns a handle that owns it
  /// until `release()` or deinit. The kernel releases every line of a process that
  /// exits, even by SIGKILL. On libgpiod 1.6 debounce is emulated in the backend
  /// (``GPIODebounceFilter``) with the kernel's semantics; on 2.x the kernel does it.
  public final class LinuxGPIO: GPIOController, Sendable {
    public init() {}

    /// The libgpiod major this build uses (1 or 2).
    public static var libgpiodMajor: Int { Int(cloak_gpio_libgpiod_major()) }
    /// The library's version string.
    public static var libraryVersion: String { String(cString: cloak_gpio_library_version()) }
    /// Whether debounce is done by the kernel (2.x) rather than emulated (1.6).
    public static var hasKernelDebounce: Bool { cloak_gpio_has_kernel_debounce() != 0 }

    public func requestOutput(_ id: GPIOLineID, config: GPIOOutputConfig, consumer: String)
      throws(GPIOError) -> any GPIOOutputLine
    {
      var handle: OpaquePointer?
      let drive: Int32
      switch config.drive {
      case .pushPull: drive = Int32(CLOAK_GPIO_DRIVE_PUSH_PULL.rawValue)
      case .openDrain: drive = Int32(CLOAK_GPIO_DRIVE_OPEN_DRAIN.rawValue)
      case .openSource: drive = Int32(CLOAK_GPIO_DRIVE_OPEN_SOURCE.rawValue)
      }
      let rc = cloak_gpio_request_output(
        id.chip, id.line, consumer, config.activeLow ? 1 : 0, drive, config.initialValue ? 1 : 0, &handle)
      guard rc == 0, let handle else {
        throw GPIOErrno.error(rc == 0 ? -EIO : rc, line: id, operation: "request output")
      }
      return LinuxGPIOOutputLine(id: id, handle: handle, initialValue: config.initialValue)
    }

    public func requestInput(_ id: GPIOLineID, config: GPIOInputConfig, consumer: String)
      throws(GPIOError) -> any GPIOInputLine
    {
      let debounce = config.debounce ?? .zero
      guard debounce >= .zero else {
        throw GPIOError(.unsupported, line: id, detail: "negative debounce period")
      }
      let debounceMicros = Self.debounceMicroseconds(debounce)
      guard debounceMicros <= Int64(UInt32.max) else {
        throw GPIOError(.unsupported, line: id, detail: "debounce period too long")
      }
      let emulate = debounceMicros > 0 && !Self.hasKernelDebounce
      // Emulated debounce needs every raw edge, whatever the caller asked for.
      let kernelEdges = emulate ? GPIOEdgeDetection.both : config.edges
      let edges: Int32
      switch kernelEdges {
      case .none: edges = Int32(CLOAK_GPIO_EDGES_NONE.rawValue)
      case .rising: edges = Int32(CLOAK_GPIO_EDGES_RISING.rawValue)
      case .falling: edges = Int32(CLOAK_GPIO_EDGES_FALLING.rawValue)
      case .both: edges = Int32(CLOAK_GPIO_EDGES_BOTH.rawValue)
      }
      let bias: Int32
      switch config.bias {
      case .asIs: bias = Int32(CLOAK_GPIO_BIAS_AS_IS.rawValue)
      case .disabled: bias = Int32(CLOAK_GPIO_BIAS_DISABLED.rawValue)
      case .pullUp: bias = Int32(CLOAK_GPIO_BIAS_PULL_UP.rawValue)
      case .pullDown: bias = Int32(CLOAK_GPIO_BIAS_PULL_DOWN.rawValue)
      }
      var handle: OpaquePointer?
      let rc = cloak_gpio_request_input(
        id.chip, id.line, consumer, config.activeLow ? 1 : 0, bias, edges, UInt32(debounceMicros), &handle)
      guard rc == 0, let handle else {
        throw GPIOErrno.error(rc == 0 ? -EIO : rc, line: id, operation: "request input")
      }
      var filter: GPIODebounceFilter?
      if emulate {
        let level = cloak_gpio_get(handle)
        guard level >= 0 else {
          cloak_gpio_release(handle)
          throw GPIOErrno.error(level, line: id, operation: "read initial level")
        }
        filter = GPIODebounceFilter(period: debounce, edges: config.edges, initialLevel: level == 1)
      }
      return LinuxGPIOInputLine(id: id, handle: handle, edges: config.edges, debounce: filter)
    }

    /// The kernel's debounce unit is 1 us: a period is rounded up, so a requested
    /// sub-microsecond debounce is 1 us rather than silently none. Non-negative input.
    static func debounceMicroseconds(_ period: Duration) -> Int64 {
      let nanos = max(period.nanosecondsSaturated, 0)
      return nanos / 1_000 + (nanos % 1_000 > 0 ? 1 : 0)
    }

    /// Where a line is: the chip's device path and the line's offset.
    public struct LineLocation: Hashable, Sendable {
      public var chipPath: String
      public var offset: Int
    }

    /// Resolves a line by chip label and line name to exactly one chip and offset,
    /// without requesting it. Every chip and every line is looked at: two chips with the
    /// label, or two lines with the name, throw `.ambiguous` naming both (requests,
    /// `cloak probe` and bring-up resolve the same way). For tools such as a future
    /// `cloak doctor`.
    public func resolve(_ id: GPIOLineID) throws(GPIOError) -> LineLocation {
      var path = [CChar](repeating: 0, count: 300)
      var offset: UInt32 = 0
      let rc = cloak_gpio_resolve(id.chip, id.line, &path, path.count, &offset)
      guard rc == 0 else { throw GPIOErrno.error(rc, line: id, operation: "resolve") }
      let chipPath = path.withUnsafeBufferPointer { buffer in
        String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
      }
      return LineLocation(chipPath: chipPath, offset: Int(offset))
    }

    /// Looks a line up without requesting it (for `cloak probe`): its offset on the chip
    /// and whether some consumer holds it. A name that is not unique throws `.ambiguous`.
    public func lineInfo(_ id: GPIOLineID) throws(GPIOError) -> (offset: Int, inUse: Bool) {
      var offset: UInt32 = 0
      var used: Int32 = 0
      let rc = cloak_gpio_find_line(id.chip, id.line, &offset, &used)
      guard rc == 0 else { throw GPIOErrno.error(rc, line: id, operation: "look up") }
      return (Int(offset), used != 0)
    }
  }
#endif
