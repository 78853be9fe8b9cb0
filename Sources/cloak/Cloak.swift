import ArgumentParser

/// The one executable. Each subcommand group lives in its own file so parallel work on
/// the CLI does not collide; add a group here when it lands.
@main
struct Cloak: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "cloak",
    abstract: "Controller for station inspection drones: leak watch, seal and weld scans, crew-first authority.",
    version: "0.1.0",
    subcommands: [
      Run.self,
      BoardsCommand.self,
      Sensor.self,
      Actuator.self,
      GPIOCommand.self,
      I2CCommand.self,
      ProbeCommand.self,
      Bench.self,
      DoctorCommand.self,
    ]
  )
}
