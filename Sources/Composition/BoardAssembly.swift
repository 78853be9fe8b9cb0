import Boards
import HAL

/// The composition point's entry: a board name or path in, a running board out.
public enum BoardAssembly {
  /// Loads `nameOrPath` from the standard catalogue and brings it up on the backend its
  /// board file names (`sim`: mock HAL + emulators; `linux`: the Linux devices).
  /// `simClock` is the clock of a `sim` board (default: a new virtual clock).
  public static func bringUp(
    _ nameOrPath: String, options: RunningBoard.Options = .init(), simClock: (any MonotonicClock)? = nil
  ) throws -> RunningBoard {
    let board = try BoardCatalog.standard().load(nameOrPath)
    return try RunningBoard(board: board, backend: try makeBackend(for: board, simClock: simClock), options: options)
  }

  /// The backend for `board`.
  public static func makeBackend(for board: BoardDescription, simClock: (any MonotonicClock)? = nil) throws
    -> any HardwareBackend
  {
    switch board.backend {
    case .sim:
      return simClock.map { SimBackend(board: board, clock: $0) } ?? SimBackend(board: board)
    case .linux:
      return try makeLinuxBackend(for: board)
    }
  }
}
