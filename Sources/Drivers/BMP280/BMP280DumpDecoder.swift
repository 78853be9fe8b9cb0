import HAL

/// Decodes a BMP280/BME280 register dump (``RegisterDump``, any layout i2cdump prints)
/// with the driver's own compensation: the path behind `cloak sensor decode`. Only the
/// registers the compensation needs are required; anything else may be absent.
public enum BMP280DumpDecoder {
  /// Checks the chip id, reads calibration and data from the dump and compensates.
  /// Throws naming every missing register at once: the chip id (0xD0), the calibration
  /// (0x88..0x9F, and 0xA1, 0xE1..0xE7 on a BME280) and the data (0xF7..0xFC, ..0xFE).
  public static func decode(_ dump: RegisterDump, kind: BMP280Kind, source: String) throws(RegisterDumpError)
    -> BMP280Sample
  {
    // Every group the compensation needs, checked before any is used, so one message
    // names every missing register.
    var problems: [String] = []
    func need(_ range: ClosedRange<UInt8>, _ what: String) -> [UInt8] {
      switch dump.bytes(range) {
      case .success(let bytes): return bytes
      case .failure(let missing):
        problems.append("\(what) (\(range.rangeText)) incomplete: \(missing)")
        return []
      }
    }
    let idBytes = need(BMP280Register.chipID...BMP280Register.chipID, "chip id")
    let cal = need(0x88...0x9F, "calibration")
    var humidityBytes: (a1: [UInt8], e1: [UInt8]) = ([], [])
    if kind == .bme280 {
      humidityBytes = (need(0xA1...0xA1, "humidity calibration"), need(0xE1...0xE7, "humidity calibration"))
    }
    let data = need(0xF7...(kind == .bme280 ? 0xFE : 0xFC), "data")
    // A readable chip id of another chip is the first thing to say.
    if let id = idBytes.first, !kind.chipIDs.contains(id) {
      throw RegisterDumpError(
        source: source, line: nil,
        message: "chip id \(hexByte(id)) at 0xd0 is not a \(kind.rawValue) (expects "
          + kind.chipIDs.sorted().map(hexByte).joined(separator: "/") + ")")
    }
    guard problems.isEmpty else {
      throw RegisterDumpError(source: source, line: nil, message: problems.joined(separator: "; "))
    }
    var humidity: BMP280Calibration.Humidity?
    if kind == .bme280, let a1 = humidityBytes.a1.first {
      humidity = BMP280Calibration.Humidity(a1: a1, e1: humidityBytes.e1)
    }
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
