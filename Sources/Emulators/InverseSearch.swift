/// Finds the raw ADC code whose compensated value is nearest `target`, by bisection
/// over `0..<limit`. `value` must be monotonic (increasing, or decreasing with
/// `increasing: false`); codes where the formula fails count as past the target.
/// Emulators use it to invert the drivers' compensation, so tests exercise the real
/// formulas rather than a second model of them.
///
/// `hint` (the code found for the previous input, which the simulation moves a little
/// per step) starts the search there: steps of 1, 2, 4... away from it bracket the first
/// code past the target, and the bisection runs inside the bracket: a few evaluations
/// of `value` instead of about log2(`limit`). Where `value` is monotonic between the
/// hint and the answer the result is the one the full bisection gives (both find the
/// first code past the target; `EmulatorInputRangeTests` compares them).
func nearestCode(
  limit: Int32, target: Int64, increasing: Bool, avoiding marker: Int32? = nil, hint: Int32? = nil,
  value: (Int32) -> Int64?
) -> Int32 {
  func pastTarget(_ code: Int32) -> Bool {
    // The marker code (a skipped channel) has no value: judge it by its neighbour so a
    // probe that lands on it does not read as "past" and send the search below the target.
    guard let v = value(code == marker ? code + 1 : code) else { return true }
    return increasing ? v >= target : v <= target
  }
  // The answer is the first code in low...high past the target, or `high` when none is
  // (the last code). A hint narrows the bracket first.
  var low: Int32 = 0
  var high: Int32 = limit - 1
  if let hint, hint >= 0, hint < limit - 1 {
    var step: Int32 = 1
    if pastTarget(hint) {
      high = hint
      while high > 0 {
        let probe = max(high - step, 0)
        if !pastTarget(probe) {
          low = probe + 1
          break
        }
        high = probe
        step = step < limit ? step * 2 : step
      }
    } else {
      low = hint + 1
      while low < limit - 1 {
        let probe = min(low - 1 + step, limit - 1)
        if probe == limit - 1 { break }
        if pastTarget(probe) {
          high = probe
          break
        }
        low = probe + 1
        step = step < limit ? step * 2 : step
      }
    }
  }
  while low < high {
    let mid = low + (high - low) / 2
    if pastTarget(mid) { high = mid } else { low = mid + 1 }
  }
  var best = low
  // Past the end of the formula's range (a target beyond what the chip can report):
  // the last code that still compensates is the nearest the chip can produce.
  if low > 0, low != marker, low - 1 != marker, value(low) == nil, value(low - 1) != nil { return low - 1 }
  // Distances as magnitudes: a failing code may report Int64.min, a target may be
  // saturated, and `abs(a - target)` would trap on either.
  if low > 0, let a = value(low - 1), let b = value(low),
    a.distanceMagnitude(to: target) < b.distanceMagnitude(to: target)
  {
    best = low - 1
  }
  if let marker, best == marker { best = marker + 1 }
  return best
}

extension Int64 {
  /// |self - other| without overflow (the true difference always fits in UInt64).
  func distanceMagnitude(to other: Int64) -> UInt64 {
    self >= other ? UInt64(bitPattern: self &- other) : UInt64(bitPattern: other &- self)
  }
}

/// `value * scale` rounded to the nearest integer, saturated to Int64; nil for NaN.
/// Emulator inputs come from scenarios (a leak to vacuum, a model glitch): a value
/// the chip cannot report becomes the nearest code it can, never a trap.
func saturatingTarget(_ value: Double, scale: Double) -> Int64? {
  let scaled = (value * scale).rounded()
  guard !scaled.isNaN else { return nil }
  if let exact = Int64(exactly: scaled) { return exact }
  return scaled > 0 ? .max : .min
}
