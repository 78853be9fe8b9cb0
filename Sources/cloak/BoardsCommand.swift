import ArgumentParser
import Boards
import Foundation

/// `cloak boards list|show|validate`: the board files and their validation.
struct BoardsCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "boards",
    abstract: "List, show and validate board files (wiring of each supported board).",
    discussion: """
      A board is found by NAME in $CLOAK_BOARDS_DIR, ./boards, then the boards/ directory of \
      the package holding this executable; anything with a '/' or ending in .yaml is a PATH.
      """,
    subcommands: [List.self, Show.self, Validate.self]
  )

  /// Writes one line to stderr.
  static func printError(_ text: String) {
    FileHandle.standardError.write(Data((text + "\n").utf8))
  }

  struct List: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "List the boards the catalogue finds.")

    func run() throws {
      let catalog = BoardCatalog.standard()
      let boards = catalog.boards()
      if boards.isEmpty {
        BoardsCommand.printError("no board files found in: \(catalog.directories.joined(separator: ", "))")
        throw ExitCode(1)
      }
      let width = boards.map(\.name.count).max() ?? 0
      for (name, path) in boards {
        let padded = name.padding(toLength: width, withPad: " ", startingAt: 0)
        let marker = name == BoardCatalog.defaultBoardName ? " (default)" : ""
        do {
          let board = try BoardLoader.load(path: path)
          print(
            "\(padded)  \(board.backend.rawValue.padding(toLength: 5, withPad: " ", startingAt: 0))  \(board.summary)\(marker)"
          )
        } catch {
          print("\(padded)  INVALID: \(error.errors.count) error(s); run 'cloak boards validate \(path)'")
        }
      }
    }
  }

  struct Show: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Show a board's roles, buses, outputs and kill path.")

    @Argument(help: "Board NAME or PATH (default: sim).")
    var board: String = BoardCatalog.defaultBoardName

    func run() throws {
      do {
        let description = try BoardCatalog.standard().load(board)
        print(description.report)
        // The same check the controller makes at start: a mismatch is a warning.
        switch description.checkModel(actual: DeviceTreeModel.read()) {
        case .match: print("this machine: device-tree model matches")
        case .mismatch(let expected, let actual):
          print("this machine: WARNING: device-tree model is '\(actual)', the board expects '\(expected)'")
        case .notChecked(let reason): print("this machine: model not checked (\(reason))")
        }
      } catch {
        for problem in error.errors { BoardsCommand.printError(problem.description) }
        throw ExitCode(1)
      }
    }
  }

  struct Validate: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Validate board files; prints every error as FILE:LINE: KEY.PATH: message and exits 1 on any.")

    @Argument(help: "Board PATHs or NAMEs (default: every board the catalogue finds).")
    var boards: [String] = []

    func run() throws {
      let catalog = BoardCatalog.standard()
      let targets = boards.isEmpty ? catalog.boards().map(\.path) : boards
      var failed = 0
      for target in targets {
        do {
          let board = try catalog.load(target)
          print("ok: \(board.file) (\(board.name))")
        } catch {
          failed += 1
          for problem in error.errors { BoardsCommand.printError(problem.description) }
        }
      }
      if targets.isEmpty {
        BoardsCommand.printError("no board files to validate")
        throw ExitCode(1)
      }
      if failed > 0 { throw ExitCode(1) }
    }
  }
}
