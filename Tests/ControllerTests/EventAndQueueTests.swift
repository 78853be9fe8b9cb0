import Controller
import HAL
import MockHAL
import Testing

@Suite("Event sink, lock-free queue and snapshot")
struct EventAndQueueTests {
  @Test("a full event queue drops and counts; the next drain reports how many were lost")
  func overflowCounted() {
    let clock = VirtualClock(start: .ms(5))
    let recorder = EventRecorder()
    let sink = EventSink(
      capacity: 4, clock: clock, wallClock: OffsetWallClock(clock: clock, epochNanosecondsAtZero: 1_000),
      consumer: recorder)
    let source = sink.registerSource("bmp280")
    var accepted = 0
    for index in 0..<10 where sink.emit(.info, .deviceRetry, source: source, value: Int64(index)) { accepted += 1 }
    // A quarter of the queue (here 1 slot) is reserved for audited events.
    #expect(sink.reserve == 1)
    #expect(accepted == 3)
    #expect(sink.overflowCount == 7)
    #expect(sink.drain() == 3)
    #expect(recorder.events.map(\.event.value) == [0, 1, 2, 7])
    #expect(recorder.events.last?.event.code == .eventsLost)
    #expect(recorder.events.first?.source == "bmp280")
    #expect(recorder.events.first?.event.monotonic == .ms(5))
    #expect(recorder.events.first?.event.wallNanoseconds == Int64(5_001_000))
  }

  @Test("audited events use the reserve ordinary ones cannot; commands are refused before it runs out")
  func auditedReserve() {
    let clock = VirtualClock()
    let recorder = EventRecorder()
    let sink = EventSink(
      capacity: 8, clock: clock, wallClock: OffsetWallClock(clock: clock), consumer: recorder)
    let source = sink.registerSource("arbiter")
    for _ in 0..<8 { sink.emit(.info, .deviceRetry, source: source) }
    #expect(sink.overflowCount == 2)  // 6 ordinary slots, 2 reserved
    #expect(sink.hasRoomForCommand)
    #expect(sink.emit(.warning, .moduleBlind, source: source))
    #expect(!sink.hasRoomForCommand)  // less than half the reserve left
    #expect(sink.emit(.warning, .moduleBlind, source: source))
    #expect(!sink.emit(.warning, .moduleBlind, source: source))
    #expect(sink.auditedOverflowCount == 1)
    sink.drain()
    #expect(recorder.events(.auditEventsLost).map(\.value) == [1])
    #expect(recorder.events(.moduleBlind).count == 2)
    #expect(sink.hasRoomForCommand)
  }

  @Test("a fatal event flushes the queue to the consumer at once")
  func fatalFlushes() {
    let clock = VirtualClock()
    let recorder = EventRecorder()
    let sink = EventSink(capacity: 8, clock: clock, wallClock: OffsetWallClock(clock: clock), consumer: recorder)
    sink.emit(.warning, .pingLate, source: .executive)
    #expect(recorder.events.isEmpty)
    sink.emit(.fatal, .pingFatal, source: .executive)
    #expect(recorder.events.map(\.event.code) == [.pingLate, .pingFatal])
  }

  @Test("bounded queue is FIFO and refuses when full")
  func boundedQueue() {
    let queue = BoundedQueue<Int>(minimumCapacity: 3)
    #expect(queue.capacity == 4)
    for value in 1...4 { #expect(queue.push(value)) }
    #expect(!queue.push(5))
    #expect(queue.pop() == 1)
    #expect(queue.push(6))
    var out: [Int] = []
    while let value = queue.pop() { out.append(value) }
    #expect(out == [2, 3, 4, 6])
  }

  @Test("bounded queue keeps every element under concurrent producers")
  func boundedQueueConcurrent() async {
    let queue = BoundedQueue<Int>(minimumCapacity: 4096)
    await withTaskGroup(of: Void.self) { group in
      for producer in 0..<4 {
        group.addTask { for index in 0..<500 { queue.push(producer * 1_000 + index) } }
      }
    }
    var seen: [Int] = []
    while let value = queue.pop() { seen.append(value) }
    #expect(seen.count == 2_000)
    #expect(Set(seen).count == 2_000)
    for producer in 0..<4 {
      let mine = seen.filter { $0 / 1_000 == producer }
      #expect(mine == mine.sorted())
    }
  }

  @Test("snapshot reader sees the newest published value")
  func snapshot() {
    let snapshot = Snapshot(0)
    #expect(snapshot.read() == 0)
    snapshot.publish(1)
    snapshot.publish(2)
    #expect(snapshot.read() == 2)
    #expect(snapshot.read() == 2)
    snapshot.publish(3)
    #expect(snapshot.read() == 3)
    #expect(snapshot.version == 3)
  }

  @Test("safety latch keeps its first reason until cleared")
  func latch() {
    let latch = SafetyLatch(sink: nil)
    #expect(latch.trip(.staleData))
    #expect(!latch.trip(.healthFatal))
    #expect(latch.reason == .staleData)
    #expect(latch.generation == 1)
    #expect(latch.clear())
    #expect(!latch.clear())
    #expect(latch.trip(.crewCommand))
    #expect(latch.generation == 2)
  }
}
