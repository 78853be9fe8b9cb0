#if canImport(Glibc)
  import Dispatch
  import Glibc

  /// Turns SIGTERM and SIGINT into a call on an ordinary dispatch queue (never in
  /// signal context), so the handler may do anything, e.g. ask the executive to go to
  /// its safe state and stop.
  public final class ShutdownSignals: @unchecked Sendable {
    private var sources: [any DispatchSourceSignal] = []

    /// Installs the handler for `signals` (default SIGTERM and SIGINT). The signals'
    /// default actions are ignored from now on.
    public init(signals: [Int32] = [SIGTERM, SIGINT], handler: @escaping @Sendable (Int32) -> Void) {
      for number in signals {
        signal(number, SIG_IGN)
        let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
        source.setEventHandler { handler(number) }
        source.resume()
        sources.append(source)
      }
    }

    /// Stops listening (the signals stay ignored).
    public func cancel() {
      for source in sources { source.cancel() }
      sources.removeAll()
    }

    deinit { cancel() }
  }
#endif
