import Drivers
import Testing

/// `i2cdump -y BUS ADDR i` text and its decoding (the core of `cloak sensor decode`).
@Suite struct RegisterDumpTests {
  /// Formats registers the way i2cdump does, for the rows in `rows` (nil bytes as XX).
  static func i2cdumpText(_ registers: [UInt8?], rows: [Int]) -> String {
    var lines = ["     0  1  2  3  4  5  6  7  8  9  a  b  c  d  e  f    0123456789abcdef"]
    for row in rows {
      let label = String(row, radix: 16)
      let values = (0..<16).map { i -> String in
        guard let v = registers[row + i] else { return "XX" }
        let s = String(v, radix: 16)
        return s.count < 2 ? "0" + s : s
      }
      let ascii = (0..<16).map { i -> String in
        guard let v = registers[row + i], v >= 0x20, v < 0x7F else { return "." }
        return String(UnicodeScalar(v))
      }.joined()
      lines.append("\(label.count < 2 ? "0" + label : label): " + values.joined(separator: " ") + "    " + ascii)
    }
    return lines.joined(separator: "\n") + "\n"
  }

  /// The datasheet example as a BMP280 register image.
  static func datasheetRegisters(chipID: UInt8 = 0x58) -> [UInt8?] {
    var r = [UInt8?](repeating: 0, count: 256)
    for (i, b) in BMP280Calibration.datasheetExample.registerBytes.enumerated() { r[0x88 + i] = b }
    r[0xD0] = chipID
    r[0xF4] = 0x54
    r[0xF5] = 0x08
    // adc_P 415148 = 0x655AC, adc_T 519888 = 0x7EED0.
    for (i, b) in [0x65, 0x5A, 0xC0, 0x7E, 0xED, 0x00].enumerated() { r[0xF7 + i] = UInt8(b) }
    return r
  }

  @Test func decodesTheDatasheetExampleFromADump() throws {
    let text = Self.i2cdumpText(Self.datasheetRegisters(), rows: [0x80, 0x90, 0xD0, 0xF0])
    let dump = try RegisterDump(parsing: text, source: "x.txt")
    let s = try BMP280DumpDecoder.decode(dump, kind: .bmp280, source: "x.txt")
    #expect(s.temperature.celsius == 25.08)
    #expect(s.pressure.pascals == 25_767_233.0 / 256)
  }

  @Test func unreadableBytesAndMissingRowsAreNil() throws {
    var regs = Self.datasheetRegisters()
    regs[0x8A] = nil
    let dump = try RegisterDump(parsing: Self.i2cdumpText(regs, rows: [0x80, 0xF0]), source: "d")
    #expect(dump.values[0x8A] == nil)
    #expect(dump.values[0x89] == 0x6B)
    #expect(dump.values[0x00] == nil)
    #expect(dump.values[0xF7] == 0x65)
  }

  @Test func missingCalibrationRowIsNamed() throws {
    let dump = try RegisterDump(
      parsing: Self.i2cdumpText(Self.datasheetRegisters(), rows: [0x80, 0xD0, 0xF0]), source: "d.txt")
    #expect {
      _ = try BMP280DumpDecoder.decode(dump, kind: .bmp280, source: "d.txt")
    } throws: { error in
      (error as? RegisterDumpError)?.description
        == "d.txt: calibration (0x88..0x9f) incomplete: 0x90..0x9f not in the dump"
    }
  }

  @Test func missingDataRowIsNamed() throws {
    let dump = try RegisterDump(
      parsing: Self.i2cdumpText(Self.datasheetRegisters(), rows: [0x80, 0x90, 0xD0]), source: "d.txt")
    #expect {
      _ = try BMP280DumpDecoder.decode(dump, kind: .bmp280, source: "d.txt")
    } throws: { error in
      (error as? RegisterDumpError)?.description == "d.txt: data (0xf7..0xfc) incomplete: 0xf7..0xfc not in the dump"
    }
  }

  @Test func wrongChipIDIsRejected() throws {
    let regs = Self.datasheetRegisters(chipID: 0x58)
    let dump = try RegisterDump(parsing: Self.i2cdumpText(regs, rows: [0x80, 0x90, 0xD0, 0xF0]), source: "d")
    #expect {
      _ = try BMP280DumpDecoder.decode(dump, kind: .bme280, source: "d")
    } throws: { error in
      (error as? RegisterDumpError)?.message == "chip id 0x58 at 0xd0 is not a bme280 (expects 0x60)"
    }
  }

  @Test func malformedRowNamesTheLine() {
    let text = "     0  1  2\n80: 00 zz 22\n"
    #expect {
      _ = try RegisterDump(parsing: text, source: "bad.txt")
    } throws: { error in
      (error as? RegisterDumpError)?.description
        == "bad.txt:2: row 80: '00 zz 22' is not 16 cells of xx, XX or blanks as i2cdump prints them"
    }
  }

  @Test("a row cut short after its values (trailing blanks stripped) holds only those registers")
  func shortRowIsPartial() throws {
    let dump = try RegisterDump(parsing: "80: 00 11 22\n", source: "r")
    #expect(dump.values[0x80...0x82].map { $0 } == [0x00, 0x11, 0x22])
    #expect(dump.values[0x83] == nil && !dump.unreadable.contains(0x83))
  }

  @Test func emptyFileIsRejected() {
    #expect(throws: RegisterDumpError.self) { _ = try RegisterDump(parsing: "No size specified\n", source: "e") }
  }

  @Test func bme280DumpIncludesHumidity() throws {
    var regs = Self.datasheetRegisters(chipID: 0x60)
    let (a1, e1) = BMP280Calibration.typicalHumidity.registerBytes
    regs[0xA1] = a1
    for (i, b) in e1.enumerated() { regs[0xE1 + i] = b }
    regs[0xFD] = 0x6A
    regs[0xFE] = 0x00
    let dump = try RegisterDump(
      parsing: Self.i2cdumpText(regs, rows: [0x80, 0x90, 0xA0, 0xD0, 0xE0, 0xF0]), source: "h")
    let s = try BMP280DumpDecoder.decode(dump, kind: .bme280, source: "h")
    let h = try #require(s.humidity)
    let expected = try BMP280Compensation.humidity(
      adcH: 0x6A00, tFine: 128_422, BMP280Calibration.typicalHumidity)
    #expect(h.percent == Double(expected) / 1024)
  }
}
