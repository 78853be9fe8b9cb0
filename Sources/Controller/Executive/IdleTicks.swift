import HAL

/// A rate-group member whose cycle is bookkeeping only: it touches no device, emits no
/// event, reads nothing another member writes and does nothing but count, so `count`
/// consecutive cycles can be done in one call with the same result as `count` calls of
/// ``RateGroupMember/run(_:)``.
///
/// In virtual-clock mode with ``Executive/skipsIdleTicks`` on, an inline group whose
/// members all conform is run this way over the base ticks on which nothing else is
/// due (decision 1210). Its ``RateGroupMember/answerPing()`` is asked once per bulk, and
/// the answer is stamped with the last cycle's deadline.
public protocol CountingMember: RateGroupMember {
  /// Does the work of `count` (at least 1) consecutive cycles; `last` is the context of
  /// the last of them (its base tick, cycle index and deadline).
  func runCycles(_ count: UInt64, last: TickContext)
}
