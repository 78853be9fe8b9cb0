import Yams

/// A YAML node together with its key path and the line of the key that introduced it,
/// so every error can say where it is.
struct Located {
  let node: Node
  let path: [String]
  /// Line of the key that holds this node (or of the node itself for list items).
  let line: Int

  init(node: Node, path: [String], line: Int) {
    self.node = node
    self.path = path
    self.line = line
  }

  /// The line of the value itself, falling back to the key's line.
  var valueLine: Int { node.mark?.line ?? line }

  /// A place below this one, for errors about a key that is absent.
  func child(_ key: String) -> (line: Int, path: [String]) { (line, path + [key]) }

  /// Whether the node is an explicit or implicit YAML null (`~`, `null`, nothing).
  var isNull: Bool {
    guard case .scalar(let scalar) = node, scalar.style == .plain || scalar.style == .any else { return false }
    return ["", "~", "null", "Null", "NULL"].contains(scalar.string)
  }

  /// The scalar text, or `nil` (with an error) if the node is not a scalar.
  func scalar(_ diagnostics: Diagnostics, expecting what: String) -> String? {
    if case .scalar(let scalar) = node, !isNull { return scalar.string }
    diagnostics.report(.wrongType, line: valueLine, path: path, "expected \(what), found \(shapeName)")
    return nil
  }

  /// A short name of the node's shape for messages.
  var shapeName: String {
    switch node {
    case .scalar: return isNull ? "nothing (null)" : "a scalar"
    case .mapping: return "a mapping"
    case .sequence: return "a list"
    case .alias: return "an alias"
    }
  }

  /// The items of a list node, each located at its own line.
  func items(_ diagnostics: Diagnostics) -> [Located]? {
    guard case .sequence(let sequence) = node else {
      diagnostics.report(.wrongType, line: valueLine, path: path, "expected a list, found \(shapeName)")
      return nil
    }
    return sequence.enumerated().map { index, item in
      Located(node: item, path: path + ["\(index)"], line: item.mark?.line ?? line)
    }
  }
}
