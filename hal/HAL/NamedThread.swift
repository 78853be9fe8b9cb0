import Foundation

/// Starts the controller's own threads with names the kernel keeps (`top -H`, `ps -L`,
/// `/proc/PID/task/TID/comm`, backtraces).
///
/// On Linux a thread's name can only be set from the thread itself and is at most 15
/// bytes (`pthread_setname_np`, `prctl(PR_SET_NAME)`): Foundation's `Thread.name` set
/// before `start()` is silently not applied, and a longer name is refused, so each thread
/// would otherwise carry its creator's name. This names the thread first thing in its
/// body, cut to 15 bytes at a character boundary.
public enum NamedThread {
  /// The longest name Linux keeps, in bytes (16 with the terminating NUL).
  public static let maximumNameBytes = 15

  /// Starts `body` on a new thread named `name` (cut to ``maximumNameBytes``), with
  /// `stackSize` bytes of stack when given. Returns the started thread.
  @discardableResult
  public static func start(
    _ name: String, stackSize: Int? = nil, _ body: @escaping @Sendable () -> Void
  ) -> Thread {
    let kept = kernelName(name)
    let thread = Thread {
      // Foundation's setter applies the name only once the creating thread has stored
      // the new thread's handle (a race this body can win); it still records the name
      // for `Thread.current.name`. The kernel's copy is written here, by this thread.
      Thread.current.name = kept
      setKernelName(kept)
      body()
    }
    if let stackSize { thread.stackSize = stackSize }
    thread.start()
    return thread
  }

  /// Names the calling thread in the kernel (`/proc/thread-self/comm`, Linux); false when
  /// it could not (no procfs).
  @discardableResult
  static func setKernelName(_ name: String) -> Bool {
    #if os(Linux)
      let fd = open("/proc/thread-self/comm", O_WRONLY)
      guard fd >= 0 else { return false }
      defer { close(fd) }
      let bytes = Array(name.utf8)
      return bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) } == bytes.count
    #else
      return true
    #endif
  }

  /// `name` as the kernel keeps it: at most ``maximumNameBytes`` UTF-8 bytes.
  public static func kernelName(_ name: String) -> String {
    var kept = ""
    for character in name {
      guard kept.utf8.count + String(character).utf8.count <= maximumNameBytes else { break }
      kept.append(character)
    }
    return kept
  }
}
