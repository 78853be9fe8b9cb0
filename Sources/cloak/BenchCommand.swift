import ArgumentParser

/// `cloak bench`: benchmarks. (The drivers branch adds its own subcommands here.)
struct Bench: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "bench", abstract: "Benchmarks on this machine.", subcommands: [BenchLoop.self])
}
