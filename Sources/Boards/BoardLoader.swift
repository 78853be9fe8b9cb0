import Foundation
import Yams

/// Reads and validates board files.
///
/// Loading either returns a fully validated ``BoardDescription`` or throws a
/// ``BoardLoadError`` listing every problem, each naming file, line and key path.
public enum BoardLoader {
  /// Reads the board file at `path`. The board's `name:` must match the file name.
  public static func load(path: String) throws(BoardLoadError) -> BoardDescription {
    let text = try YAMLDocument.read(path)
    let base = URL(fileURLWithPath: path).lastPathComponent
    let expectedName = base.hasSuffix(".yaml") ? String(base.dropLast(5)) : nil
    return try load(yaml: text, file: path, expectedName: expectedName)
  }

  /// Parses `yaml` as a board file called `file` (used in every message).
  /// - Parameter expectedName: if given, `name:` must equal it.
  public static func load(yaml: String, file: String, expectedName: String? = nil) throws(BoardLoadError)
    -> BoardDescription
  {
    let diagnostics = Diagnostics(file: file)
    let root = try YAMLDocument.compose(yaml, file: file, what: "board")
    let board = BoardParser(diagnostics: diagnostics).parse(root, expectedName: expectedName)
    if let board {
      // Conflicts found among the parts that did parse are real; missing roles may be
      // an echo of a role that failed to parse, so those wait for a clean parse.
      let cleanParse = diagnostics.errors.isEmpty
      BoardChecks(board: board, diagnostics: diagnostics).run()
      if cleanParse { FeatureRequirements(board: board, diagnostics: diagnostics).run() }
    }
    guard let board, diagnostics.errors.isEmpty else {
      throw BoardLoadError(errors: diagnostics.sortedErrors)
    }
    return board
  }
}
