import ArgumentParser

/// `cloak bench ...`: micro-benchmarks. Other groups add their subcommand here.
struct Bench: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "bench",
    abstract: "Benchmarks of the controller's hot paths.",
    subcommands: [BenchSensor.self, BenchLoop.self, BenchAudit.self, BenchSim.self, BenchLeak.self, BenchPlan.self]
  )
}
