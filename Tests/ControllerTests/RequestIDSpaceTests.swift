import Controller
import Testing

/// The request-id spaces of the arbiter's senders are disjoint by construction
/// (decision 1414): the scheduler's boot epoch can no longer reach the router's ids.
@Suite struct RequestIDSpaceTests {
  @Test("the spaces are ordered, disjoint and each id belongs to at most one")
  func spacesAreDisjoint() {
    let spaces = RequestIDSpace.allCases
    for (a, b) in zip(spaces, spaces.dropFirst()) {
      #expect(a.first <= a.last && a.last < b.first, "\(a) and \(b)")
    }
    for space in spaces {
      for id in [space.first, space.last, space.first + (space.last - space.first) / 2] {
        #expect(RequestIDSpace.of(id) == space)
        #expect(spaces.filter { $0.contains(id) } == [space])
      }
    }
    #expect(RequestIDSpace.of(1 << 62) == nil)
    #expect(RequestIDSpace.of(1) == .chosen)
    #expect(RequestIDSpace.of(1 << 40) == .router)
  }

  @Test("the scheduler's ids stay in its space for any boot epoch; the epoch reads back mod 2^22")
  func schedulerIDsForAnyEpoch() {
    let epochs: [UInt64] = [0, 1, 2, 255, (1 << 22) - 1, 1 << 22, (1 << 22) + 5, 1 << 24, 1 << 40, .max]
    for epoch in epochs {
      var ids = RequestIDCounter.scheduler(bootEpoch: epoch)
      for _ in 0..<3 {
        let id = ids.take()
        #expect(RequestIDSpace.of(id) == .scheduler, "epoch \(epoch): \(id)")
        #expect(RequestIDSpace.schedulerEpoch(of: id) == epoch & ((1 << 22) - 1))
      }
    }
    // The clash decision 1405 reported: epoch 1 used to start exactly at the router's first id.
    var epochOne = RequestIDCounter.scheduler(bootEpoch: 1)
    var router = RequestIDCounter(.router)
    #expect(epochOne.take() != router.take())
    // Different epochs never share an id.
    var a = RequestIDCounter.scheduler(bootEpoch: 3)
    var b = RequestIDCounter.scheduler(bootEpoch: 4)
    #expect(Set((0..<100).map { _ in a.take() }).isDisjoint(with: (0..<100).map { _ in b.take() }))
  }

  @Test("a counter wraps to its own start, never into the next space")
  func countersWrapInsideTheirRange() {
    var small = RequestIDCounter(first: 10, last: 12)
    #expect((0..<5).map { _ in small.take() } == [10, 11, 12, 10, 11])
    var isolation = RequestIDCounter(.isolation)
    #expect(isolation.take() == RequestIDSpace.isolation.first)
    let schedulerLast = RequestIDCounter.scheduler(bootEpoch: (1 << 22) - 1).last
    #expect(schedulerLast == RequestIDSpace.scheduler.last)
    var top = RequestIDCounter(first: .max - 1, last: .max)
    #expect((0..<3).map { _ in top.take() } == [.max - 1, .max, .max - 1])
  }
}
