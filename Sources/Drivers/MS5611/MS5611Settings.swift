/// MS5611 oversampling ratio: the offset added to the convert commands (0x40 D1, 0x50
/// D2) and the datasheet's conversion times.
public enum MS5611OSR: UInt8, Hashable, Sendable, CaseIterable {
  case osr256 = 0
  case osr512 = 2
  case osr1024 = 4
  case osr2048 = 6
  case osr4096 = 8

  /// Maximum conversion time (datasheet: 0.60, 1.17, 2.28, 4.54, 9.04 ms).
  public var maximumConversionTime: Duration {
    switch self {
    case .osr256: return .microseconds(600)
    case .osr512: return .microseconds(1170)
    case .osr1024: return .microseconds(2280)
    case .osr2048: return .microseconds(4540)
    case .osr4096: return .microseconds(9040)
    }
  }

  /// Typical conversion time (datasheet: 0.54, 1.06, 2.08, 4.13, 8.22 ms).
  public var typicalConversionTime: Duration {
    switch self {
    case .osr256: return .microseconds(540)
    case .osr512: return .microseconds(1060)
    case .osr1024: return .microseconds(2080)
    case .osr2048: return .microseconds(4130)
    case .osr4096: return .microseconds(8220)
    }
  }
}

/// MS5611 commands.
public enum MS5611Command {
  public static let reset: UInt8 = 0x1E
  public static let convertD1: UInt8 = 0x40
  public static let convertD2: UInt8 = 0x50
  public static let adcRead: UInt8 = 0x00
  public static let promRead: UInt8 = 0xA0
  /// Reset takes 2.8 ms (PROM reload).
  public static let resetTime: Duration = .microseconds(2800)
}
