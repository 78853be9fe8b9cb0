import Yams

/// Reading and composing every YAML file the project reads (boards, stations,
/// scenarios, the runtime configuration): one loader, one set of messages.
enum YAMLDocument {
  /// The text of the file at `path`, through the one file loader (``TextFile``: a
  /// regular file, size-limited, UTF-8); a failure is one located error naming the file.
  static func read(_ path: String) throws(BoardLoadError) -> String {
    do {
      return try TextFile.read(path)
    } catch {
      let kind: BoardError.Kind = error.kind == .notFound ? .fileNotFound : .fileUnreadable
      throw BoardLoadError(errors: [BoardError(kind, file: path, line: 0, keyPath: "", message: error.reason)])
    }
  }

  /// The root node of `yaml`; an empty document (`the WHAT file is empty`) or a YAML
  /// syntax error is one located error naming `file`.
  static func compose(_ yaml: String, file: String, what: String) throws(BoardLoadError) -> Node {
    do {
      guard let root = try Yams.compose(yaml: yaml) else {
        throw BoardLoadError(errors: [
          BoardError(.missingKey, file: file, line: 1, keyPath: "", message: "the \(what) file is empty")
        ])
      }
      return root
    } catch let error as BoardLoadError {
      throw error
    } catch {
      throw BoardLoadError(errors: [YAMLErrorTranslation.boardError(error, yaml: yaml, file: file)])
    }
  }
}
