import Drivers
import HAL
import MockHAL

/// Command-level model of a TE MS5611 on a ``SimulatedI2CBus``.
///
/// Answers reset (0x1E, 2.8 ms PROM reload, aborting any conversion), PROM reads
/// (0xA0...0xAE), convert D1/D2 (0x40/0x50 + OSR, typical conversion times) and ADC
/// read (0x00: the last result once, then 0; 0 while converting, as the chip does).
/// Raw D1/D2 come from inverting the driver's own compensation (second order
/// included) for ``pressure`` and ``temperature``. Unknown commands are NACKed.
public final class MS5611Emulator: SimulatedI2CDevice {
  public let clock: any MonotonicClock
  /// The PROM the chip holds (fault hooks may corrupt it).
  public private(set) var prom: MS5611PROM
  /// The PROM the raw values are generated for.
  public let truePROM: MS5611PROM
  /// What a reset reloads into ``prom``.
  private var nvm: MS5611PROM

  public var pressure: Pressure { didSet { recompute() } }
  public var temperature: Temperature { didSet { recompute() } }
  /// Fault hook: conversions never finish (ADC reads 0).
  public var conversionStuck = false

  /// Per-conversion hook: called with the raw pressure value D1 each time a D1
  /// conversion finishes; its result is what the ADC read returns. The station
  /// simulation adds noise and spikes here, in the code domain, without a new inverse
  /// search per sample (``pascalsPerPressureCode`` converts pascals to codes).
  public var pressureCodeHook: ((Int32) -> Int32)?

  /// The local slope of the driver's compensation at the current inputs: pascals per D1
  /// code (positive).
  public private(set) var pascalsPerPressureCode: Double = 0.01

  public private(set) var rawD1: UInt32 = 0
  public private(set) var rawD2: UInt32 = 0

  private var promPointer = 0
  private var converting: (isD1: Bool, end: MonotonicInstant)?
  private var result: UInt32 = 0
  private var busyUntil: MonotonicInstant = .zero

  public init(
    clock: any MonotonicClock, prom: MS5611PROM = .datasheetExample, pressure: Pressure = .init(pascals: 101_325),
    temperature: Temperature = .init(celsius: 22)
  ) {
    self.clock = clock
    self.prom = prom
    self.truePROM = prom
    self.nvm = prom
    self.pressure = pressure
    self.temperature = temperature
    recompute()
  }

  /// An MS5611 sits only at 0x76 or 0x77 (CSB pin): ``I2CChipKind``.
  public func placementProblem(at address: UInt8) -> String? { I2CChipKind.ms5611.addressProblem(address) }

  /// Fault hook: the chip resets itself (conversion lost, PROM reloaded).
  public func resetToDefaults() {
    converting = nil
    result = 0
    prom = nvm
    busyUntil = clock.now().advanced(by: MS5611Command.resetTime)
  }

  /// Fault hook: XORs PROM word `index` with `mask`; it survives resets.
  public func corruptPROM(word index: Int, mask: UInt16) {
    guard (0..<8).contains(index) else { return }
    prom.words[index] ^= mask
    nvm.words[index] ^= mask
  }

  public func transfer(write: UnsafeRawBufferPointer, read: UnsafeMutableRawBufferPointer) throws(I2CError) {
    let now = clock.now()
    finishConversion(now)
    if let command = write.first {
      try execute(command, now: now)
    }
    guard !read.isEmpty else { return }
    if write.first.map({ $0 & 0xF0 == 0xA0 }) == true {
      let word = prom.words[promPointer]
      for i in 0..<read.count { read[i] = i == 0 ? UInt8(word >> 8) : i == 1 ? UInt8(word & 0xFF) : 0 }
      return
    }
    // ADC read: the result once, then 0.
    let value = result
    result = 0
    for i in 0..<read.count { read[i] = i < 3 ? UInt8(truncatingIfNeeded: value >> (8 * (2 - i))) : 0 }
  }

  private func execute(_ command: UInt8, now: MonotonicInstant) throws(I2CError) {
    switch command {
    case MS5611Command.reset:
      resetToDefaults()
    case 0xA0...0xAE where command & 1 == 0:
      promPointer = Int((command - 0xA0) >> 1)
    case 0x40...0x48 where command & 1 == 0, 0x50...0x58 where command & 1 == 0:
      guard now >= busyUntil else { throw I2CError(.nack(.data), bus: "", detail: "ms5611 resetting") }
      let osr = MS5611OSR(rawValue: command & 0x0F) ?? .osr4096
      converting = (command < 0x50, now.advanced(by: osr.typicalConversionTime))
      result = 0
    case MS5611Command.adcRead:
      break
    default:
      throw I2CError(.nack(.data), bus: "", detail: "ms5611: unknown command \(hex(command))")
    }
  }

  private func finishConversion(_ now: MonotonicInstant) {
    guard let c = converting, now >= c.end, !conversionStuck else { return }
    if c.isD1, let hook = pressureCodeHook {
      result = UInt32(min(max(hook(Int32(clamping: rawD1)), 1), (1 << 24) - 1))
    } else {
      result = c.isD1 ? rawD1 : rawD2
    }
    converting = nil
  }

  /// Sets pressure and temperature with one inverse search (setting the two properties
  /// one after the other searches twice).
  public func setInputs(pressure: Pressure, temperature: Temperature) {
    updating = true
    self.pressure = pressure
    self.temperature = temperature
    updating = false
    recompute()
  }

  private var updating = false
  /// The targets of the last searches, so an input that did not move its target
  /// searches nothing.
  private var searchedT: Int64?
  private var searchedP: (target: Int64, d2: UInt32)?

  private func recompute() {
    guard !updating else { return }
    let p = truePROM
    // TEMP rises with D2; P rises with D1 for a given D2. A NaN input keeps its code.
    // Each search starts from the code found last (the simulation moves its inputs a
    // little per step).
    if let targetT = saturatingTarget(temperature.celsius, scale: 100), targetT != searchedT {
      let d2 = nearestCode(
        limit: 1 << 24, target: targetT, increasing: true, avoiding: 0,
        hint: searchedT == nil ? nil : Int32(rawD2)
      ) { code in
        (try? MS5611Compensation.temperature(d2: UInt32(code), prom: p)).map(\.temperature)
      }
      rawD2 = UInt32(max(d2, 1))
      searchedT = targetT
    }
    guard let targetP = saturatingTarget(pressure.pascals, scale: 1) else { return }
    let d2 = rawD2
    guard searchedP.map({ $0.target != targetP || $0.d2 != d2 }) ?? true else { return }
    let d1 = nearestCode(
      limit: 1 << 24, target: targetP, increasing: true, avoiding: 0, hint: searchedP == nil ? nil : Int32(rawD1)
    ) { code in
      guard code > 0 else { return Int64.min }
      return (try? MS5611Compensation.compensate(d1: UInt32(code), d2: d2, prom: p)).map(\.pressure) ?? .min
    }
    searchedP = (targetP, d2)
    rawD1 = UInt32(max(d1, 1))
    let low = UInt32(max(d1 - 256, 1))
    let high = UInt32(min(d1 + 256, (1 << 24) - 1))
    if let a = try? MS5611Compensation.compensate(d1: low, d2: d2, prom: p).pressure,
      let b = try? MS5611Compensation.compensate(d1: high, d2: d2, prom: p).pressure, a != b
    {
      pascalsPerPressureCode = Double(b - a) / Double(high - low)
    }
  }
}
