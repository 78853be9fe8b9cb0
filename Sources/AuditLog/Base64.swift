import Foundation

/// Standard padded base64 (RFC 4648 section 4), strict: Foundation's decoder with no
/// whitespace tolerance, and re-encoding must give back the input (rejects non-canonical
/// padding bits), so one value has one spelling in checkpoints, keys and envelopes.
public enum Base64 {
  /// Encodes bytes.
  public static func encode(_ bytes: [UInt8]) -> String {
    Data(bytes).base64EncodedString()
  }

  /// Decodes canonical padded base64; nil for anything else.
  public static func decode(_ text: some StringProtocol) -> [UInt8]? {
    guard let data = Data(base64Encoded: String(text)) else { return nil }
    let bytes = [UInt8](data)
    guard encode(bytes) == text else { return nil }
    return bytes
  }
}
