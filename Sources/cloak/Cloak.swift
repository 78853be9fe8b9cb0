import ArgumentParser

/// The one executable. Each subcommand group lives in its own file so parallel work on
/// the CLI does not collide; add a group here when it lands.
@main
struct Cloak: ParsableCommand {
  /// The software version, in `--version`, event records and the audit log.
  static let version = "0.2.0"
  static let configuration = CommandConfiguration(
    commandName: "cloak",
    abstract: "Controller for station inspection drones: leak watch, seal and weld scans, crew-first authority.",
    version: version,
    subcommands: [
      Run.self,
      SimCommand.self,
      BoardsCommand.self,
      StationsCommand.self,
      Sensor.self,
      Actuator.self,
      GPIOCommand.self,
      I2CCommand.self,
      ProbeCommand.self,
      Bench.self,
      AuditCommand.self,
      KeysCommand.self,
      GroundCommand.self,
      LeakCommand.self,
      DoctorCommand.self,
      PlanCommand.self,
      ScansCommand.self,
    ]
  )
}
