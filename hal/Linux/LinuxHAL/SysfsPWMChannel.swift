#if canImport(Glibc)
  import Glibc
  import HAL

  /// Which `pwmchipN` a channel is on.
  public enum PWMChipSelector: Hashable, Sendable {
    /// `pwmchipN` by number (numbers can change between kernels: prefer the node).
    case number(Int)
    /// The chip whose device (or its `of_node`) real path ends in this component, e.g.
    /// `3f20c000.pwm` or `48302200.pwm`.
    case deviceTreeNode(String)
  }

  /// A hardware PWM output through `/sys/class/pwm/pwmchipN/pwmM`. Not thread-safe:
  /// one owner (the actuator that drives it).
  ///
  /// At init the channel is exported (if it is not already) and its period, duty cycle
  /// and enable state are read back. Times are written in whole nanoseconds (rounded to
  /// the nearest). Ordering: the kernel refuses any state with duty cycle > period, so
  /// ``configure(period:pulseWidth:)`` writes the duty cycle first when the period
  /// shrinks below the current duty cycle and the period first otherwise. The sysfs
  /// root is a parameter so tests run against a fake tree.
  public final class SysfsPWMChannel: PWMChannel {
    public let name: String
    public private(set) var period: Duration
    public private(set) var pulseWidth: Duration
    public private(set) var isEnabled: Bool
    private let files: any SysfsFileSystem
    private let directory: String
    private var periodNanos: Int64
    private var dutyNanos: Int64

    /// Exports and opens `channel` of the chip `chip` under `sysfsRoot`.
    /// - Parameter exportWait: how long to wait for the kernel (and udev, which fixes
    ///   permissions) to create `pwmM` after the export write.
    public init(
      chip: PWMChipSelector, channel: Int, sysfsRoot: String = "/sys", fileSystem: any SysfsFileSystem = RealSysfs(),
      exportWait: Duration = .seconds(1)
    ) throws(PWMError) {
      let classDir = "\(sysfsRoot)/class/pwm"
      let chipName = try Self.findChip(chip, classDir: classDir, files: fileSystem)
      let chipDir = "\(classDir)/\(chipName)"
      let label = "\(chipName)/pwm\(channel)"
      if case .success(let text) = fileSystem.read("\(chipDir)/npwm"), let count = Int(text), channel >= count {
        throw PWMError(.notFound, channel: label, detail: "\(chipName) has \(count) channels")
      }
      guard channel >= 0 else { throw PWMError(.notFound, channel: label, detail: "negative channel number") }
      let directory = "\(chipDir)/pwm\(channel)"
      if !fileSystem.exists("\(directory)/period") {
        if case .failure(let error) = fileSystem.write("\(chipDir)/export", String(channel)), error.code != EBUSY {
          throw Self.error(error.code, channel: label, action: "export")
        }
        try Self.waitFor("\(directory)/period", files: fileSystem, wait: exportWait, label: label)
      }
      self.name = label
      self.files = fileSystem
      self.directory = directory
      let periodNanos = try Self.readNumber("\(directory)/period", files: fileSystem, label: label)
      let dutyNanos = try Self.readNumber("\(directory)/duty_cycle", files: fileSystem, label: label)
      self.periodNanos = periodNanos
      self.dutyNanos = dutyNanos
      self.period = .nanoseconds(periodNanos)
      self.pulseWidth = .nanoseconds(dutyNanos)
      self.isEnabled = try Self.readNumber("\(directory)/enable", files: fileSystem, label: label) != 0
    }

    public func setPeriod(_ period: Duration) throws(PWMError) {
      try configure(period: period, pulseWidth: pulseWidth)
    }

    public func setPulseWidth(_ width: Duration) throws(PWMError) {
      let nanos = try nanoseconds(width, what: "pulse width")
      guard nanos <= periodNanos else {
        throw PWMError(
          .outOfRange, channel: name, detail: "pulse width \(nanos) ns exceeds the period \(periodNanos) ns")
      }
      try writeNumber("duty_cycle", nanos)
      dutyNanos = nanos
      pulseWidth = .nanoseconds(nanos)
    }

    /// Sets period and pulse width together, ordering the writes so no intermediate
    /// state has duty cycle > period.
    public func configure(period: Duration, pulseWidth width: Duration) throws(PWMError) {
      let newPeriod = try nanoseconds(period, what: "period")
      let newDuty = try nanoseconds(width, what: "pulse width")
      guard newPeriod > 0 else { throw PWMError(.outOfRange, channel: name, detail: "period must be positive") }
      guard newDuty <= newPeriod else {
        throw PWMError(
          .outOfRange, channel: name, detail: "pulse width \(newDuty) ns exceeds the period \(newPeriod) ns")
      }
      if newPeriod < dutyNanos {
        try writeNumber("duty_cycle", newDuty)
        dutyNanos = newDuty
        try writeNumber("period", newPeriod)
      } else {
        if newPeriod != periodNanos { try writeNumber("period", newPeriod) }
        periodNanos = newPeriod
        if newDuty != dutyNanos { try writeNumber("duty_cycle", newDuty) }
      }
      periodNanos = newPeriod
      dutyNanos = newDuty
      self.period = .nanoseconds(newPeriod)
      self.pulseWidth = .nanoseconds(newDuty)
    }

    public func setEnabled(_ enabled: Bool) throws(PWMError) {
      if enabled && periodNanos <= 0 {
        throw PWMError(.outOfRange, channel: name, detail: "set a period before enabling")
      }
      try writeNumber("enable", enabled ? 1 : 0)
      isEnabled = enabled
    }

    // MARK: - Internals

    private func nanoseconds(_ value: Duration, what: String) throws(PWMError) -> Int64 {
      // Round to the nearest nanosecond: sysfs takes integers.
      let (seconds, attoseconds) = value.components
      let (scaled, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
      let rounded = (attoseconds + 500_000_000) / 1_000_000_000
      let (total, overflow2) = scaled.addingReportingOverflow(rounded)
      guard !overflow, !overflow2, total >= 0 else {
        throw PWMError(.outOfRange, channel: name, detail: "\(what) \(value) is negative or too large")
      }
      return total
    }

    private func writeNumber(_ file: String, _ value: Int64) throws(PWMError) {
      if case .failure(let error) = files.write("\(directory)/\(file)", String(value)) {
        throw Self.error(error.code, channel: name, action: "write \(value) to \(file)")
      }
    }

    private static func readNumber(_ path: String, files: any SysfsFileSystem, label: String) throws(PWMError)
      -> Int64
    {
      switch files.read(path) {
      case .success(let text):
        guard let value = Int64(text) else {
          throw PWMError(.io(errno: EINVAL), channel: label, detail: "\(path) holds '\(text)', not a number")
        }
        return value
      case .failure(let error):
        throw Self.error(error.code, channel: label, action: "read \(path)")
      }
    }

    private static func error(_ code: Int32, channel: String, action: String) -> PWMError {
      switch code {
      case ENOENT, ENODEV: return PWMError(.notFound, channel: channel, detail: action)
      case EACCES, EPERM:
        return PWMError(
          .permissionDenied, channel: channel,
          detail: "\(action): add the user to group 'gpio' (or a udev rule giving /sys/class/pwm to it)")
      case EINVAL, ERANGE: return PWMError(.outOfRange, channel: channel, detail: "\(action): the driver refused it")
      case EOPNOTSUPP: return PWMError(.unsupported, channel: channel, detail: action)
      default: return PWMError(.io(errno: code), channel: channel, detail: action)
      }
    }

    private static func findChip(_ selector: PWMChipSelector, classDir: String, files: any SysfsFileSystem)
      throws(PWMError) -> String
    {
      switch selector {
      case .number(let n):
        let name = "pwmchip\(n)"
        guard files.exists("\(classDir)/\(name)") else {
          throw PWMError(.notFound, channel: name, detail: "no \(classDir)/\(name)")
        }
        return name
      case .deviceTreeNode(let node):
        let chips = files.list(classDir).filter { $0.hasPrefix("pwmchip") }.sorted()
        for chip in chips {
          for link in ["device/of_node", "device"] {
            if let path = files.realPath("\(classDir)/\(chip)/\(link)"),
              lastComponent(path) == node || path.hasSuffix("/" + node)
            {
              return chip
            }
          }
        }
        throw PWMError(.notFound, channel: node, detail: "no pwmchip under \(classDir) has device-tree node '\(node)'")
      }
    }

    private static func waitFor(_ path: String, files: any SysfsFileSystem, wait: Duration, label: String)
      throws(PWMError)
    {
      let steps = max(1, Int(wait.nanosecondsSaturated / 1_000_000))
      for _ in 0..<steps {
        if files.exists(path) { return }
        var pause = timespec(tv_sec: 0, tv_nsec: 1_000_000)
        nanosleep(&pause, nil)
      }
      guard files.exists(path) else {
        throw PWMError(.notFound, channel: label, detail: "export did not create \(path)")
      }
    }
  }
#endif
