import Boards
import HAL

/// The composition point's entry: a board name or path in, a running board out.
public enum BoardAssembly {
  /// Loads `nameOrPath` from the standard catalogue and brings it up on the backend its
  /// board file names (`sim`: mock HAL + emulators; `linux`: the Linux devices).
  public static func bringUp(_ nameOrPath: String, options: RunningBoard.Options = .init()) throws -> RunningBoard {
    let board = try BoardCatalog.standard().load(nameOrPath)
    return try RunningBoard(board: board, backend: try makeBackend(for: board), options: options)
  }

  /// The backend for `board`.
  public static func makeBackend(for board: BoardDescription) throws -> any HardwareBackend {
    switch board.backend {
    case .sim:
      return SimBackend(board: board)
    case .linux:
      return try makeLinuxBackend(for: board)
    }
  }
}
