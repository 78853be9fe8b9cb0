// Linux only: the bench drives Linux kernel interfaces (gpio-sim, i2c-dev, softdog).
#if os(Linux)
  import Glibc

  /// A copy of this suite started in a helper mode (`--hold-line`, `--i2c-read`), for the
  /// tests that need a second process: a line held elsewhere, a holder killed by
  /// SIGKILL, two processes on one bus. Its stdout is a pipe the parent reads lines from.
  final class ChildProcess {
    let pid: pid_t
    private let output: Int32
    private var buffer: [UInt8] = []
    private var reaped: Int32?

    /// Starts `program arguments...` (by default this suite itself) with the parent's
    /// environment.
    init(program: String = "/proc/self/exe", arguments: [String]) throws {
      var pipeFDs: [Int32] = [-1, -1]
      guard pipe(&pipeFDs) == 0 else { throw BenchFailure("pipe: \(String(cString: strerror(errno)))") }
      var actions = posix_spawn_file_actions_t()
      posix_spawn_file_actions_init(&actions)
      defer { posix_spawn_file_actions_destroy(&actions) }
      posix_spawn_file_actions_adddup2(&actions, pipeFDs[1], 1)
      posix_spawn_file_actions_addclose(&actions, pipeFDs[0])
      posix_spawn_file_actions_addclose(&actions, pipeFDs[1])
      let argv = ([program] + arguments).map { strdup($0) }
      defer { for arg in argv { free(arg) } }
      var cArgv: [UnsafeMutablePointer<CChar>?] = argv + [nil]
      var child: pid_t = 0
      let status = posix_spawn(&child, program, &actions, nil, &cArgv, environ)
      close(pipeFDs[1])
      guard status == 0 else {
        close(pipeFDs[0])
        throw BenchFailure("posix_spawn of \(program): \(String(cString: strerror(status)))")
      }
      pid = child
      output = pipeFDs[0]
    }

    deinit {
      if reaped == nil {
        kill(pid, SIGKILL)
        _ = waitStatus(blocking: true)
      }
      close(output)
    }

    /// The next line the child prints, or `nil` if it prints none within `timeout`.
    func readLine(timeout: Duration) -> String? {
      let deadline = monotonicNanoseconds() + timeout.nanosecondsSaturated
      while true {
        if let newline = buffer.firstIndex(of: UInt8(ascii: "\n")) {
          let line = String(decoding: buffer[..<newline], as: UTF8.self)
          buffer.removeSubrange(...newline)
          return line
        }
        let left = deadline - monotonicNanoseconds()
        guard left > 0 else { return nil }
        var fd = pollfd(fd: output, events: Int16(POLLIN), revents: 0)
        let ready = poll(&fd, 1, Int32(clamping: left / 1_000_000 + 1))
        if ready < 0 && errno == EINTR { continue }
        guard ready > 0 else { return nil }
        var chunk = [UInt8](repeating: 0, count: 256)
        let count = chunk.withUnsafeMutableBytes { read(output, $0.baseAddress, $0.count) }
        guard count > 0 else { return nil }
        buffer.append(contentsOf: chunk[0..<count])
      }
    }

    func signal(_ number: Int32) { kill(pid, number) }

    /// The exit status (or 128 + signal), blocking or not; `nil` while it still runs.
    func waitStatus(blocking: Bool) -> Int32? {
      if let reaped { return reaped }
      var status: Int32 = 0
      let result = waitpid(pid, &status, blocking ? 0 : WNOHANG)
      guard result == pid else { return nil }
      let code = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
      reaped = code
      return code
    }

    /// Waits up to `timeout` for the child to exit; `nil` if it is still running.
    func waitExit(timeout: Duration) -> Int32? {
      let deadline = monotonicNanoseconds() + timeout.nanosecondsSaturated
      while monotonicNanoseconds() < deadline {
        if let code = waitStatus(blocking: false) { return code }
        usleep(5_000)
      }
      return waitStatus(blocking: false)
    }
  }

  /// CLOCK_MONOTONIC in nanoseconds (for helper time-outs, not for test assertions).
  func monotonicNanoseconds() -> Int64 {
    var spec = timespec()
    clock_gettime(CLOCK_MONOTONIC, &spec)
    return Int64(spec.tv_sec) &* 1_000_000_000 &+ Int64(spec.tv_nsec)
  }
#endif
