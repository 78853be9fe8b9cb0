import Drivers
import Foundation
import Testing

/// `cloak sensor decode` reads every layout i2cdump (i2c-tools 4.x) prints for these
/// chips: whole dumps, `-r FIRST-LAST` ranges (blank cells before and after), `XX`
/// cells, byte and word modes. The formatter below writes the layouts as i2cdump's
/// man page and output describe them.
@Suite("i2cdump layouts")
struct DumpLayoutTests {
  static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .appendingPathComponent("Fixtures/i2cdump").path

  /// i2cdump's byte layout (modes b, c, i, s): 16 cells of `%02x `, `XX ` or three
  /// blanks outside FIRST...LAST, then three blanks and the ASCII column.
  static func byteDump(_ regs: [UInt8?], range: ClosedRange<Int> = 0...255) -> String {
    var lines = ["     0  1  2  3  4  5  6  7  8  9  a  b  c  d  e  f    0123456789abcdef"]
    for row in stride(from: range.lowerBound / 16 * 16, through: range.upperBound / 16 * 16, by: 16) {
      var line = hex2(row) + ": "
      var ascii = ""
      for register in row..<(row + 16) {
        guard range.contains(register) else {
          line += "   "
          ascii += " "
          continue
        }
        if let value = regs[register] {
          line += hex2(Int(value)) + " "
          ascii += value == 0 || value == 0xFF ? "." : (value < 32 || value >= 127 ? "?" : String(UnicodeScalar(value)))
        } else {
          line += "XX "
          ascii += "X"
        }
      }
      lines.append(line + "   " + ascii)
    }
    return lines.joined(separator: "\n") + "\n"
  }

  /// i2cdump's word layout (mode w): rows every 8 registers, cells `%04x ` holding the
  /// SMBus word read at r (low byte r, high byte r + 1), `XXXX ` or five blanks.
  static func wordDump(_ regs: [UInt8?], range: ClosedRange<Int> = 0...255, header: Bool = true) -> String {
    var lines = header ? ["     0,8  1,9  2,a  3,b  4,c  5,d  6,e  7,f"] : []
    for row in stride(from: range.lowerBound / 8 * 8, through: range.upperBound / 8 * 8, by: 8) {
      var line = hex2(row) + ": "
      for register in row..<(row + 8) {
        guard range.contains(register) else {
          line += "     "
          continue
        }
        let high = register + 1 < 256 ? regs[register + 1] : 0
        if let low = regs[register], let high {
          line += hex2(Int(high)) + hex2(Int(low)) + " "
        } else {
          line += "XXXX "
        }
      }
      lines.append(line)
    }
    return lines.joined(separator: "\n") + "\n"
  }

  static func hex2(_ value: Int) -> String {
    let text = String(value, radix: 16)
    return text.count < 2 ? "0" + text : text
  }

  static let registers = RegisterDumpTests.datasheetRegisters()

  static func decode(_ text: String, kind: BMP280Kind = .bmp280) throws -> BMP280Sample {
    try BMP280DumpDecoder.decode(try RegisterDump(parsing: text, source: "d.txt"), kind: kind, source: "d.txt")
  }

  static func expectDatasheetResult(_ sample: BMP280Sample) {
    #expect(sample.temperature.celsius == 25.08)
    #expect(sample.pressure.pascals == 25_767_233.0 / 256)
  }

  @Test("the real capture (i2cdump -y BUS 0x76 i from i2c-stub) decodes to the datasheet's figures")
  func realCapture() throws {
    let text = try String(contentsOfFile: Self.fixtures + "/bmp280-datasheet-example.txt", encoding: .utf8)
    let sample = try Self.decode(text)
    #expect(sample.temperature.celsius == 25.08)
    #expect(sample.pressure.pascals == 100_653.25390625)
  }

  @Test("a whole byte dump and a whole word dump give the same sample")
  func wholeDumps() throws {
    Self.expectDatasheetResult(try Self.decode(Self.byteDump(Self.registers)))
    Self.expectDatasheetResult(try Self.decode(Self.wordDump(Self.registers)))
  }

  @Test(
    "-r ranges with blank cells before and after, in byte and word layout",
    arguments: [0x88...0xFC, 0x80...0xFF, 0x85...0xFD, 0x88...0xFB])
  func ranges(range: ClosedRange<Int>) throws {
    // 0x88...0xFB in word mode: 0xFC comes from the high byte of the word at 0xFB.
    // The chip id at 0xD0 is inside every range.
    Self.expectDatasheetResult(try Self.decode(Self.wordDump(Self.registers, range: range)))
    if range.upperBound >= 0xFC {
      Self.expectDatasheetResult(try Self.decode(Self.byteDump(Self.registers, range: range)))
    }
  }

  @Test("a range row keeps each value in its column: blanks before the range are not shifted in")
  func rangeColumns() throws {
    let dump = try RegisterDump(parsing: Self.byteDump(Self.registers, range: 0xF4...0xF9), source: "r")
    #expect(dump.values[0xF0] == nil && dump.values[0xF3] == nil)
    #expect(dump.values[0xF7] == 0x65 && dump.values[0xF9] == 0xC0)
    #expect(dump.values[0xFA] == nil)
  }

  @Test("XX cells in registers the decoder does not need are harmless; in one it needs, they are named")
  func unreadableCells() throws {
    var regs = Self.registers
    for register in 0x00..<0x40 { regs[register] = nil }
    Self.expectDatasheetResult(try Self.decode(Self.byteDump(regs)))
    Self.expectDatasheetResult(try Self.decode(Self.wordDump(regs)))
    regs[0xF9] = nil
    #expect {
      _ = try Self.decode(Self.byteDump(regs))
    } throws: { error in
      (error as? RegisterDumpError)?.message == "data (0xf7..0xfc) incomplete: 0xf9 unreadable (XX)"
    }
  }

  @Test("a range that lacks needed registers is refused naming exactly those registers")
  func rangeLackingData() throws {
    #expect {
      _ = try Self.decode(Self.byteDump(Self.registers, range: 0x88...0xF9))
    } throws: { error in
      (error as? RegisterDumpError)?.message == "data (0xf7..0xfc) incomplete: 0xfa..0xfc not in the dump"
    }
    #expect {
      _ = try Self.decode(Self.wordDump(Self.registers, range: 0x8A...0xFC))
    } throws: { error in
      (error as? RegisterDumpError)?.message == "calibration (0x88..0x9f) incomplete: 0x88..0x89 not in the dump"
    }
  }

  @Test("a word dump without its header, and CRLF line ends, are read")
  func headerlessAndCRLF() throws {
    Self.expectDatasheetResult(try Self.decode(Self.wordDump(Self.registers, header: false)))
    let crlf = Self.byteDump(Self.registers).replacingOccurrences(of: "\n", with: "\r\n")
    Self.expectDatasheetResult(try Self.decode(crlf))
  }

  @Test("a BME280 word dump over the humidity registers decodes humidity too")
  func bme280WordDump() throws {
    var regs = RegisterDumpTests.datasheetRegisters(chipID: 0x60)
    let (a1, e1) = BMP280Calibration.typicalHumidity.registerBytes
    regs[0xA1] = a1
    for (i, b) in e1.enumerated() { regs[0xE1 + i] = b }
    regs[0xFD] = 0x6A
    regs[0xFE] = 0x00
    let sample = try Self.decode(Self.wordDump(regs, range: 0x88...0xFE), kind: .bme280)
    #expect(sample.humidity != nil)
    Self.expectDatasheetResult(sample)
  }

  @Test("a word row label that is not a multiple of 8 names the line")
  func badWordLabel() {
    let text = "     0,8  1,9  2,a  3,b  4,c  5,d  6,e  7,f\n84: 0000 0000 0000 0000 0000 0000 0000 0000\n"
    #expect {
      _ = try RegisterDump(parsing: text, source: "w.txt")
    } throws: { error in
      (error as? RegisterDumpError)?.line == 2
    }
  }
}
