#if canImport(Glibc)
  import CLinuxShims
  import Glibc
  import HAL

  /// Linux real-time set-up: `mlockall`, a PM QoS CPU latency request of 0 held on
  /// `/dev/cpu_dma_latency`, SCHED_FIFO priorities and CPU affinity.
  ///
  /// Every step reports what failed and what grants it (root, CAP_SYS_NICE, rtprio and
  /// memlock limits) instead of failing: the executive warns once and runs on.
  public final class RealtimeSetup: RealtimeEnvironment, @unchecked Sendable {
    private var latencyDescriptor: Int32 = -1

    public init() {}

    deinit { releaseProcess() }

    public func prepareProcess(_ options: RealtimeOptions) -> [String] {
      var problems: [String] = []
      if options.lockMemory, mlockall(Int32(MCL_CURRENT | MCL_FUTURE)) != 0 {
        problems.append("mlockall: \(Self.describe(errno)) (needs root, CAP_IPC_LOCK or a memlock limit)")
      }
      if options.holdCPULatency, latencyDescriptor < 0 {
        let descriptor = open("/dev/cpu_dma_latency", O_WRONLY)
        if descriptor < 0 {
          problems.append("/dev/cpu_dma_latency: \(Self.describe(errno)) (needs root or a udev rule)")
        } else {
          var zero: Int32 = 0
          let written = write(descriptor, &zero, MemoryLayout<Int32>.size)
          if written == MemoryLayout<Int32>.size {
            latencyDescriptor = descriptor
          } else {
            problems.append("/dev/cpu_dma_latency: write: \(Self.describe(errno))")
            close(descriptor)
          }
        }
      }
      return problems
    }

    public func prepareCurrentThread(priority: Int?, cpu: Int?) -> [String] {
      var problems: [String] = []
      if let priority {
        let clamped = Int32(min(max(priority, 1), 99))
        var parameters = sched_param(sched_priority: clamped)
        let result = pthread_setschedparam(pthread_self(), SCHED_FIFO, &parameters)
        if result != 0 {
          problems.append(
            "SCHED_FIFO: \(Self.describe(result)) (needs root, CAP_SYS_NICE or an rtprio limit)")
        }
      }
      if let cpu {
        let result = cloak_pin_current_thread(Int32(clamping: cpu))
        if result != 0 { problems.append("CPU affinity to CPU \(cpu): \(Self.describe(result))") }
      }
      return problems
    }

    public func releaseProcess() {
      if latencyDescriptor >= 0 {
        close(latencyDescriptor)
        latencyDescriptor = -1
      }
    }

    private static func describe(_ code: Int32) -> String {
      guard let text = strerror(code) else { return "errno \(code)" }
      return String(cString: text) + " (errno \(code))"
    }
  }
#endif
