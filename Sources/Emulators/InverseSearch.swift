/// Finds the raw ADC code whose compensated value is nearest `target`, by bisection
/// over `0..<limit`. `value` must be monotonic (increasing, or decreasing with
/// `increasing: false`); codes where the formula fails count as past the target.
/// Emulators use it to invert the drivers' compensation, so tests exercise the real
/// formulas rather than a second model of them.
func nearestCode(
  limit: Int32, target: Int64, increasing: Bool, avoiding marker: Int32? = nil, value: (Int32) -> Int64?
) -> Int32 {
  func pastTarget(_ code: Int32) -> Bool {
    guard let v = value(code) else { return true }
    return increasing ? v >= target : v <= target
  }
  var low: Int32 = 0
  var high: Int32 = limit - 1
  while low < high {
    let mid = low + (high - low) / 2
    if pastTarget(mid) { high = mid } else { low = mid + 1 }
  }
  var best = low
  if low > 0, let a = value(low - 1), let b = value(low), abs(a - target) < abs(b - target) { best = low - 1 }
  if let marker, best == marker { best = marker + 1 }
  return best
}
