import Boards

extension BoardAssembly {
  static func makeLinuxBackend(for board: BoardDescription) throws(CompositionError) -> any HardwareBackend {
    throw CompositionError(role: board.name, .unsupported("the Linux backend is not available in this build"))
  }
}
