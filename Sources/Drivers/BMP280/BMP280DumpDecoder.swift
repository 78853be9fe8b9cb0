import HAL

/// Decodes a BMP280/BME280 register dump (``RegisterDump``) with the driver's own
/// compensation: the path behind `cloak sensor decode`.
public enum BMP280DumpDecoder {
  /// Checks the chip id, reads calibration and data from the dump and compensates.
  /// Throws naming what is missing: the chip id (0xD0), the calibration rows
  /// (0x88..0x9F, and 0xA1, 0xE1..0xE7 on a BME280) or the data (0xF7..0xFC, 0xFE).
  public static func decode(_ dump: RegisterDump, kind: BMP280Kind, source: String) throws(RegisterDumpError)
    -> BMP280Sample
  {
    func need(_ range: ClosedRange<UInt8>, _ what: String) throws(RegisterDumpError) -> [UInt8] {
      switch dump.bytes(range) {
      case .success(let bytes): return bytes
      case .failure(let missing):
        throw RegisterDumpError(
          source: source, line: nil, message: "\(what) (\(range.rangeText)) missing or unreadable: \(missing)")
      }
    }
    let id = try need(BMP280Register.chipID...BMP280Register.chipID, "chip id")[0]
    guard kind.chipIDs.contains(id) else {
      throw RegisterDumpError(
        source: source, line: nil,
        message: "chip id \(hexByte(id)) at 0xd0 is not a \(kind.rawValue) (expects "
          + kind.chipIDs.sorted().map(hexByte).joined(separator: "/") + ")")
    }
    let cal = try need(0x88...0x9F, "calibration")
    var humidity: BMP280Calibration.Humidity?
    if kind == .bme280 {
      let a1 = try need(0xA1...0xA1, "humidity calibration")[0]
      let e1 = try need(0xE1...0xE7, "humidity calibration")
      humidity = BMP280Calibration.Humidity(a1: a1, e1: e1)
    }
    let data = try need(0xF7...(kind == .bme280 ? 0xFE : 0xFC), "data")
    guard let calibration = BMP280Calibration(bytes: cal, humidity: humidity) else {
      throw RegisterDumpError(source: source, line: nil, message: "calibration too short")
    }
    do { try calibration.validate() } catch {
      throw RegisterDumpError(source: source, line: nil, message: "invalid calibration: \(error)")
    }
    let adcP = Int32(data[0]) << 12 | Int32(data[1]) << 4 | Int32(data[2]) >> 4
    let adcT = Int32(data[3]) << 12 | Int32(data[4]) << 4 | Int32(data[5]) >> 4
    let adcH: Int32? = kind == .bme280 ? Int32(data[6]) << 8 | Int32(data[7]) : nil
    do {
      return try BMP280Sample.compensate(
        adcT: adcT, adcP: adcP, adcH: adcH, calibration: calibration, timestamp: .zero)
    } catch {
      throw RegisterDumpError(source: source, line: nil, message: "cannot compensate: \(error)")
    }
  }
}

extension ClosedRange where Bound == UInt8 {
  fileprivate var rangeText: String {
    lowerBound == upperBound ? hexByte(lowerBound) : "\(hexByte(lowerBound))..\(hexByte(upperBound))"
  }
}
