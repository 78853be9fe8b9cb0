#if canImport(Glibc)
  import CLinuxShims
  import Foundation
  import Glibc
  import HAL

  /// Turns SIGTERM and SIGINT into a call on an ordinary thread (never in signal
  /// context), so the handler may do anything, e.g. ask the executive to go to its safe
  /// state and stop.
  ///
  /// A stop signal is never lost, whatever thread the kernel delivers it to and whatever
  /// that thread's signal mask: a process-wide `sigaction` handler (C, `cloak_signals.h`)
  /// writes the signal's number into a pipe, and one thread of ours (`cloak-signals`,
  /// which never blocks the signals it listens for) reads the pipe and calls every
  /// installed handler. The handler is in place when `init` returns (nothing registers
  /// later), so a signal sent right after is caught. Decision 0429 says why this replaced
  /// a `DispatchSource` per signal.
  public final class ShutdownSignals: @unchecked Sendable {
    private let id: Int

    /// Installs `handler` for `signals` (default SIGTERM and SIGINT). From the first
    /// installation (or ``catchFromNow(signals:)``) on, those signals no longer end the
    /// process. A signal that came while no handler listened for it is kept (once per
    /// signal number) and handed to the next handler installed for it, at once.
    public init(signals: [Int32] = [SIGTERM, SIGINT], handler: @escaping @Sendable (Int32) -> Void) {
      id = SignalPipe.shared.add(signals: Set(signals), handler: handler)
    }

    /// Catches `signals` from now on without a handler yet, so a stop asked while a
    /// command is still starting (before its run installs its handler) is not the
    /// signal's default action (the process killed, outputs never put to their safe
    /// values) but the run's first event: its handler gets it when installed.
    public static func catchFromNow(signals: [Int32] = [SIGTERM, SIGINT]) {
      SignalPipe.shared.catchSignals(Set(signals))
    }

    /// Stops listening (the signals stay caught; one that comes with no handler left is
    /// kept for the next).
    public func cancel() { SignalPipe.shared.remove(id) }

    deinit { cancel() }
  }

  /// The one pipe and reader thread behind every `ShutdownSignals` of the process.
  private final class SignalPipe: @unchecked Sendable {
    static let shared = SignalPipe()

    private struct Entry {
      var signals: Set<Int32>
      var handler: @Sendable (Int32) -> Void
    }

    private let lock = NSLock()
    private var entries: [Int: Entry] = [:]
    private var nextID = 0
    private var installed: Set<Int32> = []
    private var writeFD: Int32 = -1
    private var reader: Thread?
    /// Signals that came while no handler listened for them, for the next one.
    private var unheard: Set<Int32> = []

    /// Adds a handler, installing the C handler for any signal not yet caught and
    /// starting the reader on first use. Returns the handler's id.
    func add(signals: Set<Int32>, handler: @escaping @Sendable (Int32) -> Void) -> Int {
      lock.lock()
      defer { lock.unlock() }
      install(signals)
      nextID += 1
      entries[nextID] = Entry(signals: signals, handler: handler)
      let owed = unheard.intersection(signals)
      unheard.subtract(owed)
      if !owed.isEmpty {
        // Called off the caller's thread and outside the lock, as for any signal.
        Thread.detachNewThread { for number in owed.sorted() { handler(number) } }
      }
      return nextID
    }

    /// Catches `signals` (handler or not).
    func catchSignals(_ signals: Set<Int32>) {
      lock.lock()
      install(signals)
      lock.unlock()
    }

    /// Called with the lock held: the reader started, the C handler installed for each
    /// signal not yet caught.
    private func install(_ signals: Set<Int32>) {
      if reader == nil { startReader() }
      guard writeFD >= 0 else { return }
      for number in signals.subtracting(installed) where cloak_signals_install(number, writeFD) == 0 {
        installed.insert(number)
      }
    }

    func remove(_ id: Int) {
      lock.lock()
      entries[id] = nil
      lock.unlock()
    }

    /// Called with the lock held. Without a pipe (out of descriptors) nothing is
    /// installed and the signals keep their default action: the process still stops.
    private func startReader() {
      var readEnd: Int32 = -1
      var writeEnd: Int32 = -1
      guard cloak_signals_open_pipe(&readEnd, &writeEnd) == 0 else { return }
      writeFD = writeEnd
      let readFD = readEnd
      reader = NamedThread.start("cloak-signals") { SignalPipe.shared.readLoop(readFD) }
    }

    private func readLoop(_ fd: Int32) {
      // This thread may have been started by one that blocks stop signals (the API's
      // set-up does): it must not, so that at least one thread can always take them.
      var all = sigset_t()
      sigfillset(&all)
      pthread_sigmask(SIG_UNBLOCK, &all, nil)
      var byte: UInt8 = 0
      while true {
        let count = read(fd, &byte, 1)
        if count == 1 {
          dispatch(Int32(byte))
        } else if count < 0 && errno == EINTR {
          continue
        } else {
          return  // the pipe cannot close while the process lives; nothing to read from
        }
      }
    }

    private func dispatch(_ number: Int32) {
      lock.lock()
      let handlers = entries.keys.sorted().compactMap { id -> (@Sendable (Int32) -> Void)? in
        guard let entry = entries[id], entry.signals.contains(number) else { return nil }
        return entry.handler
      }
      if handlers.isEmpty { unheard.insert(number) }
      lock.unlock()
      for handler in handlers { handler(number) }
    }
  }
#endif
