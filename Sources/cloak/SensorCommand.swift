import ArgumentParser
import Boards
import Drivers
import Foundation

/// `cloak sensor ...`: sensor tools. `read` takes live readings from a board; `decode`
/// needs no hardware.
struct Sensor: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "sensor",
    abstract: "Sensor tools.",
    subcommands: [SensorRead.self, SensorDecode.self]
  )
}

/// `cloak sensor decode bmp280|bme280 --dump FILE [--json]`.
struct SensorDecode: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "decode",
    abstract: "Decode a BMP280/BME280 register dump printed by `i2cdump -y BUS ADDR [MODE]`.",
    discussion: """
      Reads every layout i2cdump prints: byte modes (b, c, i, s, W) and word mode (w), \
      whole or with -r FIRST-LAST (blank cells outside the range), XX for unreadable bytes. \
      Runs the driver's own compensation (32-bit temperature, 64-bit pressure, BME280 \
      humidity) on the calibration and data registers in the dump. Exit code 2 when the \
      file cannot be read (a directory, a device, too large, not UTF-8), its chip id does \
      not match, or registers it needs are missing (named).
      """
  )

  @Argument(help: "The chip: bmp280 or bme280.")
  var chip: String

  @Option(help: "The dump file (text printed by i2cdump, any mode, any -r range).")
  var dump: String

  @Flag(help: "Print one JSON object: chip, temperature_c, pressure_pa (and humidity_pct).")
  var json = false

  func run() throws {
    guard let kind = BMP280Kind(rawValue: chip.lowercased()) else {
      fail("unknown chip '\(chip)': expected bmp280 or bme280")
    }
    let text: String
    do { text = try TextFile.read(dump) } catch { fail(error.description) }
    let sample: BMP280Sample
    do {
      let parsed = try RegisterDump(parsing: text, source: dump)
      sample = try BMP280DumpDecoder.decode(parsed, kind: kind, source: dump)
    } catch {
      fail(error.description)
    }
    print(json ? Self.json(sample, kind: kind) : Self.text(sample, kind: kind))
  }

  /// `{"chip": ..., "temperature_c": T, "pressure_pa": P[, "humidity_pct": H]}`, where P
  /// is the Q24.8 result / 256 and T the 0.01 C result / 100, unrounded.
  static func json(_ s: BMP280Sample, kind: BMP280Kind) -> String {
    var fields = [
      "\"chip\": \"\(kind.rawValue)\"",
      "\"temperature_c\": \(s.temperature.celsius)",
      "\"pressure_pa\": \(s.pressure.pascals)",
    ]
    if let h = s.humidity { fields.append("\"humidity_pct\": \(h.percent)") }
    return "{" + fields.joined(separator: ", ") + "}"
  }

  static func text(_ s: BMP280Sample, kind: BMP280Kind) -> String {
    var lines = [
      "chip:        \(kind.rawValue)",
      "temperature: \(s.temperature.celsius) C (raw \(s.raw.t))",
      "pressure:    \(s.pressure.pascals) Pa (raw \(s.raw.p), Q24.8 \(s.pressureQ24Dot8))",
    ]
    if let h = s.humidity, let raw = s.raw.h { lines.append("humidity:    \(h.percent) %RH (raw \(raw))") }
    return lines.joined(separator: "\n")
  }

  private func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("cloak sensor decode: \(message)\n".utf8))
    Self.exit(withError: ExitCode(2))
  }
}
