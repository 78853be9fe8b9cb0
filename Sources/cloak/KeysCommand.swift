import ArgumentParser
import AuditLog
import Foundation

/// `cloak keys ...`: Ed25519 keys for ground commands and the audit log's checkpoints.
struct KeysCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "keys",
    abstract: "Ed25519 keys (ground command senders, audit log checkpoints).",
    subcommands: [KeysGenerate.self]
  )
}

/// `cloak keys generate --out DIR [--name ID]`.
struct KeysGenerate: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "generate",
    abstract:
      "Generate a key pair: DIR/ID.key (private, mode 0600) and DIR/ID.pub (verifier key); '/' in ID becomes '_'.",
    discussion: """
      The key id is the name. Give the .pub text to the controller's key ring (ground keys) \
      or to whoever verifies the audit log (log keys); the .key file never leaves the sender. \
      Existing files are not overwritten.
      """
  )

  @Option(help: "Directory for the key files (created with mode 0700 when missing).")
  var out: String

  @Option(help: "Key id: the key's name (no '+' or whitespace).")
  var name = "ground"

  func run() throws {
    let command = "cloak keys generate"
    let signer: NoteSigner
    do { signer = try NoteSigner.generate(name: name) } catch {
      printError("\(command): \(error)")
      throw ExitCode(64)
    }
    do {
      try FileManager.default.createDirectory(
        atPath: out, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
    } catch {
      printError("\(command): \(out): cannot create directory: \(error.localizedDescription)")
      throw ExitCode(1)
    }
    let fileName = name.replacingOccurrences(of: "/", with: "_")
    let privatePath = "\(out)/\(fileName).key"
    let publicPath = "\(out)/\(fileName).pub"
    do {
      try DurableFile.create(privatePath, with: Array((signer.privateKeyText + "\n").utf8), mode: 0o600)
      try DurableFile.create(publicPath, with: Array((signer.verifier.vkey + "\n").utf8), mode: 0o644)
    } catch {
      printError("\(command): \(error)")
      throw ExitCode(1)
    }
    print("key id: \(name)")
    print("private key: \(privatePath) (mode 0600)")
    print("public key: \(publicPath)")
    print(signer.verifier.vkey)
  }
}
