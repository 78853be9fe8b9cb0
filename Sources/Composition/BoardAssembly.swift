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
    return try bringUp(board, options: options, simClock: simClock)
  }

  /// Brings up an already loaded board. On a Linux board the device-tree model is
  /// checked first: a mismatch is passed to `onModelMismatch` (a warning, not an error:
  /// the same wiring may fit a board revision the file does not name).
  public static func bringUp(
    _ board: BoardDescription, options: RunningBoard.Options = .init(), simClock: (any MonotonicClock)? = nil,
    deviceTreeModel: String? = DeviceTreeModel.read(), onModelMismatch: (String) -> Void = { _ in }
  ) throws -> RunningBoard {
    if board.backend == .linux, case .mismatch(let expected, let actual) = board.checkModel(actual: deviceTreeModel) {
      onModelMismatch("board \(board.name) expects device-tree model '\(expected)', this system is '\(actual)'")
    }
    return try RunningBoard(board: board, backend: try makeBackend(for: board, simClock: simClock), options: options)
  }

  /// The backend for `board`.
  public static func makeBackend(for board: BoardDescription, simClock: (any MonotonicClock)? = nil) throws
    -> any HardwareBackend
  {
    switch board.backend {
    case .sim:
      if let simClock { return try SimBackend(board: board, clock: simClock) }
      return try SimBackend(board: board)
    case .linux:
      return try makeLinuxBackend(for: board)
    }
  }
}
