/// What real-time set-up the executive asks for (all opt-in).
public struct RealtimeOptions: Sendable, Hashable {
  /// SCHED_FIFO priority of the base thread (1...99); group threads get descending
  /// priorities below it. `nil`: ordinary scheduling.
  public var priority: Int?
  /// Pin the loop's threads to this CPU. `nil`: no affinity.
  public var cpu: Int?
  /// Lock all current and future memory (`mlockall`) so page faults never stall the loop.
  public var lockMemory: Bool
  /// Hold a PM QoS CPU latency request of 0 (keep `/dev/cpu_dma_latency` open at 0,
  /// as cyclictest does) while running.
  public var holdCPULatency: Bool

  public init(priority: Int? = nil, cpu: Int? = nil, lockMemory: Bool = false, holdCPULatency: Bool = false) {
    self.priority = priority
    self.cpu = cpu
    self.lockMemory = lockMemory
    self.holdCPULatency = holdCPULatency
  }

  /// Nothing real-time: the virtual-clock and unprivileged default.
  public static let none = RealtimeOptions()
}

/// The operating-system side of real-time set-up (implemented on Linux by
/// `LinuxHAL.RealtimeSetup`). Each call returns the problems it met as readable
/// strings and never fails the loop: the executive turns them into one warning event.
public protocol RealtimeEnvironment: AnyObject, Sendable {
  /// Process-wide set-up before the loop starts (memory locking, PM QoS).
  func prepareProcess(_ options: RealtimeOptions) -> [String]
  /// Set-up of the calling thread: SCHED_FIFO at `priority` (if any), pinned to `cpu`
  /// (if any).
  func prepareCurrentThread(priority: Int?, cpu: Int?) -> [String]
  /// Undoes the process-wide set-up (closes the PM QoS request) after the loop.
  func releaseProcess()
}
