import Foundation
import Yams

/// Turns Yams errors into ``BoardError``s with a line and, for duplicate keys, the key
/// path of the second occurrence.
enum YAMLErrorTranslation {
  static func boardError(_ error: any Error, yaml: String, file: String) -> BoardError {
    guard let yamlError = error as? YamlError else {
      return BoardError(.yamlSyntax, file: file, line: 0, keyPath: "", message: "YAML: \(error)")
    }
    switch yamlError {
    case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
      .composer(let context, let problem, let mark, _):
      let prefix = context.map { "\($0.text) (line \($0.mark.line)), " } ?? ""
      return BoardError(
        .yamlSyntax, file: file, line: mark.line, keyPath: "", message: "YAML syntax error: \(prefix)\(problem)")
    case .duplicatedKeysInMapping(let duplicates, let context):
      let key = duplicates.first ?? ""
      let found = DuplicateKeyLocator(yaml: yaml).locate(key: key, firstLine: context.mark.line)
      return BoardError(
        .duplicateKey, file: file, line: found.line, keyPath: found.path.joined(separator: "."),
        message: "'\(key)' is declared twice in one mapping (first at line \(context.mark.line))")
    case .reader(let problem, _, _, _):
      return BoardError(.yamlSyntax, file: file, line: 0, keyPath: "", message: "YAML: \(problem)")
    default:
      return BoardError(.yamlSyntax, file: file, line: 0, keyPath: "", message: "YAML: \(yamlError)")
    }
  }
}

/// Yams reports a duplicate key at its first occurrence and without a key path. This
/// finds the second occurrence and the path of parent keys by indentation, which is
/// exact for block-style files (all board files) and falls back to the first line.
struct DuplicateKeyLocator {
  let lines: [Substring]

  init(yaml: String) { lines = yaml.split(separator: "\n", omittingEmptySubsequences: false) }

  /// The key's indentation and name on `line` (1-based), treating `- ` as indentation.
  func keyAt(_ line: Int) -> (indent: Int, key: String)? {
    guard line >= 1, line <= lines.count else { return nil }
    let text = lines[line - 1]
    var indent = 0
    var rest = text[...]
    while let first = rest.first, first == " " || first == "-" {
      indent += 1
      rest = rest.dropFirst()
    }
    guard !rest.hasPrefix("#"), let colon = rest.firstIndex(of: ":") else { return nil }
    var key = String(rest[..<colon]).trimmingCharacters(in: [" "])
    if key.count >= 2, let quote = key.first, quote == "\"" || quote == "'", key.last == quote {
      key = String(key.dropFirst().dropLast())
    }
    return (indent, key)
  }

  func locate(key: String, firstLine: Int) -> (line: Int, path: [String]) {
    guard let first = keyAt(firstLine), first.key == key else { return (firstLine, [key]) }
    var path: [String] = []
    var indent = first.indent
    var line = firstLine - 1
    while line >= 1, indent > 0 {
      if let parent = keyAt(line), parent.indent < indent {
        path.insert(parent.key, at: 0)
        indent = parent.indent
      }
      line -= 1
    }
    path.append(key)
    var next = firstLine + 1
    while next <= lines.count {
      if let candidate = keyAt(next) {
        if candidate.indent < first.indent { break }
        if candidate.indent == first.indent, candidate.key == key { return (next, path) }
      }
      next += 1
    }
    return (firstLine, path)
  }
}
