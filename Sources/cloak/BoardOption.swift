import ArgumentParser
import Boards
import Composition
import Foundation
import HAL

/// `--board NAME|PATH` for every command that needs a running board (default: sim).
struct BoardOption: ParsableArguments {
  @Option(name: .long, help: "Board name (looked up in boards/) or path to a board file.")
  var board: String = BoardCatalog.defaultBoardName

  /// Brings the board up, or prints why not (naming the file, role, chip, bus or
  /// address) and exits 1 without a backtrace.
  func bringUp(_ options: RunningBoard.Options = .init(), simClock: (any MonotonicClock)? = nil) throws
    -> RunningBoard
  {
    let description = try loadBoardOrExit(board)
    do {
      let running = try BoardAssembly.bringUp(description, options: options, simClock: simClock) { warning in
        printError("warning: \(warning)")
      }
      for problem in running.problems { printError("warning: \(problem)") }
      return running
    } catch {
      printError("cloak: board \(board): \(error)")
      throw ExitCode(1)
    }
  }
}

/// Loads a board by name or path, or prints why not (file, line, key path) and exits 1
/// without a backtrace.
func loadBoardOrExit(_ nameOrPath: String) throws -> BoardDescription {
  do {
    return try BoardCatalog.standard().load(nameOrPath)
  } catch {
    printError("cloak: board \(nameOrPath): \(error)")
    throw ExitCode(1)
  }
}

/// Writes one line to standard error.
func printError(_ text: String) {
  FileHandle.standardError.write(Data((text + "\n").utf8))
}
