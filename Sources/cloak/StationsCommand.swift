import ArgumentParser
import Boards
import Foundation
import Station

/// `cloak stations list|show|validate`: station files (what the controller watches and
/// drives, in station terms) and their binding to a board.
struct StationsCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "stations",
    abstract: "List, show and validate station files (modules, hatches, targets, drones) and bind them to a board.",
    discussion: """
      A station is found by NAME in $CLOAK_STATIONS_DIR, ./stations, then the stations/ directory \
      of the package holding this executable; anything with a '/' or ending in .yaml is a PATH. \
      Format: docs/station-format.md.
      """,
    subcommands: [List.self, Show.self, Validate.self]
  )

  /// Loads a station by name or path, or prints every error (FILE:LINE: KEY.PATH:
  /// message) and exits 1 without a backtrace.
  static func loadOrExit(_ nameOrPath: String) throws -> StationDescription {
    do {
      return try StationCatalog.standard().load(nameOrPath)
    } catch {
      for problem in error.errors { printError(problem.description) }
      throw ExitCode(1)
    }
  }

  struct List: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "List the stations the catalogue finds.")

    func run() throws {
      let catalog = StationCatalog.standard()
      let stations = catalog.stations()
      if stations.isEmpty {
        printError("no station files found in: \(catalog.files.directories.joined(separator: ", "))")
        throw ExitCode(1)
      }
      let width = stations.map(\.name.count).max() ?? 0
      for (name, path) in stations {
        let padded = name.padding(toLength: width, withPad: " ", startingAt: 0)
        let marker = name == StationCatalog.defaultStationName ? " (default)" : ""
        do {
          let station = try StationLoader.load(path: path)
          print(
            "\(padded)  \(station.modules.count) modules, \(station.hatches.count) hatches, "
              + "\(station.targets.count) targets, \(station.drones.count) drones\(marker)")
        } catch {
          print("\(padded)  INVALID: \(error.errors.count) error(s); run 'cloak stations validate \(path)'")
        }
      }
    }
  }

  struct Show: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Show a station: modules with volume and sensors, hatches, crew, drones, targets, batches.")

    @Argument(help: "Station NAME or PATH.")
    var station: String = StationCatalog.defaultStationName

    func run() throws {
      print(try StationsCommand.loadOrExit(station).report)
    }
  }

  struct Validate: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Validate a station file, and with --board its binding to that board.",
      discussion: """
        Prints 'ok: ...' and exits 0, or prints every error as FILE:LINE: KEY.PATH: message \
        and exits 1. With --board, every role the station names must exist on the board with \
        the right kind and direction (docs/station-format.md, Binding).
        """)

    @Argument(help: "Station NAME or PATH.")
    var station: String = StationCatalog.defaultStationName

    @Option(help: "Board NAME or PATH to bind the station to.")
    var board: String?

    func run() throws {
      let description = try StationsCommand.loadOrExit(station)
      guard let board else {
        print(
          "ok: \(description.file) (\(description.name)): \(description.modules.count) modules, "
            + "\(description.hatches.count) hatches, \(description.targets.count) targets, "
            + "\(description.drones.count) drones")
        return
      }
      let wiring: BoardDescription
      do {
        wiring = try BoardCatalog.standard().load(board)
      } catch {
        for problem in error.errors { printError(problem.description) }
        throw ExitCode(1)
      }
      do {
        let binding = try StationBinding(station: description, board: wiring)
        let sensors = binding.modules.reduce(0) { $0 + $1.sensors.count }
        let left = binding.unused.all.map(\.rawValue)
        print(
          "ok: \(description.file) (\(description.name)) on board \(wiring.name) (\(wiring.file)): "
            + "\(sensors) sensors in \(binding.modules.count) modules, \(binding.hatches.count) hatches, "
            + "\(binding.drones.count) drones, crew override \(binding.overrideRole)")
        print("board roles the station leaves to the controller (\(left.count)): \(left.joined(separator: ", "))")
      } catch {
        for problem in error.errors { printError(problem.description) }
        throw ExitCode(1)
      }
    }
  }
}
