#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The project's one seeded random generator (the simulation, the leak detector's
/// synthetic cases, the scheduler's generated stations, property tests): SplitMix64 (Steele, Lea and Flood, "Fast
/// splittable pseudorandom number generators", OOPSLA 2014; constants as in Vigna's
/// reference `splitmix64.c`). A 64-bit state, a period of 2^64, passes BigCrush; small
/// enough to read and the same on every platform, unlike the standard library's
/// generator. No other randomness is used: one seed fixes every draw.
///
/// Each consumer (a sensor's noise, a drone's findings) gets its own stream with
/// ``stream(_:)``, so adding a draw in one place does not shift every other.
public struct SeededRandom: RandomNumberGenerator, Sendable, Hashable {
  private var state: UInt64
  /// A cached second normal deviate from the last Box-Muller pair.
  private var spare: Double?

  public init(seed: UInt64) { state = seed }

  /// The next 64 random bits.
  public mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }

  /// A whole number in 0..<`bound` (0 when `bound` is not positive), by modulo: the
  /// tiny bias is harmless for test generation.
  public mutating func below(_ bound: Int) -> Int { Int(next() % UInt64(max(bound, 1))) }

  /// `true` with probability `p`.
  public mutating func chance(_ p: Double) -> Bool { uniform() < p }

  /// A uniform double in [0, 1) (53 random bits).
  public mutating func uniform() -> Double { Double(next() >> 11) * 0x1p-53 }

  /// A standard normal deviate (mean 0, standard deviation 1), by the Box-Muller
  /// transform (Box and Muller, Ann. Math. Statist. 29, 1958), two per pair of uniforms.
  public mutating func gaussian() -> Double {
    if let spare {
      self.spare = nil
      return spare
    }
    let u1 = max(uniform(), 0x1p-53)
    let u2 = uniform()
    let radius = (-2 * log(u1)).squareRoot()
    let angle = 2 * Double.pi * u2
    spare = radius * sin(angle)
    return radius * cos(angle)
  }

  /// An independent stream for consumer `index` (the seed mixed with the index through
  /// one SplitMix64 step), so streams do not overlap in practice.
  public func stream(_ index: UInt64) -> SeededRandom {
    var mixer = SeededRandom(seed: state ^ (index &* 0xD1B5_4A32_D192_ED03))
    return SeededRandom(seed: mixer.next())
  }
}
