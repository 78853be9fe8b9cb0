/// Collects errors while a board file is parsed, so one run reports them all.
final class Diagnostics {
  let file: String
  private(set) var errors: [BoardError] = []
  /// Line of every key read, by dotted path, so cross-checks can point at a field.
  private var keyLines: [String: Int] = [:]

  init(file: String) { self.file = file }

  func report(_ kind: BoardError.Kind, line: Int, path: [String], _ message: String) {
    errors.append(BoardError(kind, file: file, line: line, keyPath: path.joined(separator: "."), message: message))
  }

  func report(_ kind: BoardError.Kind, at place: Located, _ message: String) {
    report(kind, line: place.line, path: place.path, message)
  }

  /// Whether an error was already reported at exactly `path` (so a cross-check that
  /// reaches the same rule by another road does not report it twice).
  func hasError(at path: [String]) -> Bool {
    let key = path.joined(separator: ".")
    return errors.contains { $0.keyPath == key }
  }

  func record(path: [String], line: Int) {
    keyLines[path.joined(separator: ".")] = line
  }

  /// The line of every key read, by dotted key path (kept by loaded stations for
  /// messages about the file after loading).
  var recordedLines: [String: Int] { keyLines }

  /// The line of the key at `path`, or of its nearest recorded parent.
  func line(of path: [String]) -> Int {
    var path = path
    while !path.isEmpty {
      if let line = keyLines[path.joined(separator: ".")] { return line }
      path.removeLast()
    }
    return 0
  }

  /// The errors sorted by line, then key path, so output follows the file.
  var sortedErrors: [BoardError] {
    errors.enumerated().sorted { lhs, rhs in
      if lhs.element.line != rhs.element.line { return lhs.element.line < rhs.element.line }
      return lhs.offset < rhs.offset
    }.map(\.element)
  }
}
