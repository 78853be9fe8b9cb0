import Foundation

/// The start-up check of `/proc/device-tree/model` against the board file.
public enum ModelCheck: Hashable, Sendable {
  /// The model starts with the board's expected string.
  case match
  /// A different board: start anyway, but warn (wrong board file, wrong pins).
  case mismatch(expected: String, actual: String)
  /// Nothing to compare: the board expects no model, or the system has no device tree.
  case notChecked(reason: String)
}

extension BoardDescription {
  /// Compares `actual` (the device-tree model, or `nil` if unreadable) with the
  /// board's expected model. A prefix match, because the model ends in a revision
  /// ("Raspberry Pi 4 Model B Rev 1.4").
  public func checkModel(actual: String?) -> ModelCheck {
    guard let expectedModel else { return .notChecked(reason: "board '\(name)' expects no device-tree model") }
    guard let actual else { return .notChecked(reason: "no /proc/device-tree/model on this system") }
    return actual.hasPrefix(expectedModel) ? .match : .mismatch(expected: expectedModel, actual: actual)
  }
}

/// Reads the device-tree model string.
public enum DeviceTreeModel {
  public static let defaultPath = "/proc/device-tree/model"

  /// The model without its trailing NUL, or `nil` if the file is absent or unreadable.
  public static func read(path: String = defaultPath) -> String? {
    guard let data = FileManager.default.contents(atPath: path) else { return nil }
    let text = String(decoding: data, as: UTF8.self)
    return text.trimmingCharacters(in: CharacterSet(charactersIn: "\u{0}").union(.whitespacesAndNewlines))
  }
}
