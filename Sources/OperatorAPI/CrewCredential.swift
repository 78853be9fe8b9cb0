import Crypto
import Foundation

/// Why the crew credential could not be read or made: the file and what failed.
public struct CrewCredentialError: Error, CustomStringConvertible, Sendable {
  public var path: String
  public var problem: String
  public var description: String { "crew credential \(path): \(problem)" }
}

/// The crew's API credential (decision 1402): a random secret in a file only the crew
/// (its owner and group) can read. A crew client sends it as `Authorization: Bearer
/// SECRET`; the server compares digests, so the comparison takes the same time whatever
/// the guess. The file is made with mode 0640 (owner and group read) when absent, and
/// refused when others may read or write it.
public struct CrewCredential: Sendable {
  private let digest: [UInt8]
  /// The secret itself (to print the dashboard address with it, on loopback).
  public let secret: String
  public let path: String

  /// Reads the secret at `path`, or makes one there when the file does not exist.
  /// Throws naming the file when it cannot be read or written, is empty, or is open to
  /// other users.
  public init(path: String, createIfMissing: Bool = true) throws(CrewCredentialError) {
    self.path = path
    let manager = FileManager.default
    if !manager.fileExists(atPath: path) {
      guard createIfMissing else { throw CrewCredentialError(path: path, problem: "no such file") }
      var bytes = [UInt8](repeating: 0, count: 24)
      var generator = SystemRandomNumberGenerator()
      for i in bytes.indices { bytes[i] = UInt8.random(in: 0...255, using: &generator) }
      let text = bytes.map { String(format: "%02x", $0) }.joined()
      guard manager.createFile(atPath: path, contents: Data((text + "\n").utf8), attributes: [.posixPermissions: 0o640])
      else { throw CrewCredentialError(path: path, problem: "cannot create the file") }
    }
    let attributes: [FileAttributeKey: Any]
    do { attributes = try manager.attributesOfItem(atPath: path) } catch {
      throw CrewCredentialError(path: path, problem: "\(error)")
    }
    if let mode = attributes[.posixPermissions] as? Int, mode & 0o007 != 0 {
      throw CrewCredentialError(
        path: path, problem: "mode \(String(mode, radix: 8)) lets other users read or write it (want 0640 or stricter)")
    }
    guard let data = manager.contents(atPath: path) else {
      throw CrewCredentialError(path: path, problem: "cannot read the file")
    }
    let text = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    guard text.count >= 16 else {
      throw CrewCredentialError(path: path, problem: "the secret is shorter than 16 characters")
    }
    secret = text
    digest = Array(SHA256.hash(data: Data(text.utf8)))
  }

  /// Whether an `Authorization` header value carries the secret (`Bearer SECRET`, the
  /// scheme in any case).
  public func admits(authorization: String?) -> Bool {
    // The scheme is case-insensitive and followed by one or more spaces (RFC 9110 11.1,
    // 11.4): `bearer TOKEN` is the same credential as `Bearer TOKEN`.
    guard let authorization, authorization.prefix(6).lowercased() == "bearer" else { return false }
    let rest = authorization.dropFirst(6)
    guard rest.first == " " else { return false }
    let offered = Array(SHA256.hash(data: Data(rest.drop(while: { $0 == " " }).utf8)))
    var difference: UInt8 = 0
    for (a, b) in zip(offered, digest) { difference |= a ^ b }
    return difference == 0 && offered.count == digest.count
  }
}
