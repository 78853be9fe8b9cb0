import Foundation
import Testing

@testable import HAL

/// The controller's threads carry their names in the kernel (what `top -H` shows).
@Suite struct NamedThreadTests {
  final class Seen: @unchecked Sendable {
    private let lock = NSLock()
    private var value = ""
    func set(_ text: String) { lock.withLock { value = text } }
    var text: String { lock.withLock { value } }
  }

  /// The calling thread's name as the kernel has it.
  static func kernelName() -> String {
    ((try? String(contentsOfFile: "/proc/thread-self/comm", encoding: .utf8)) ?? "")
      .trimmingCharacters(in: .newlines)
  }

  func nameInside(_ name: String) -> String {
    let seen = Seen()
    let done = DispatchSemaphore(value: 0)
    NamedThread.start(name) {
      seen.set(Self.kernelName())
      done.signal()
    }
    done.wait()
    return seen.text
  }

  @Test func aThreadCarriesItsName() {
    #expect(nameInside("cloak-sensors") == "cloak-sensors")
  }

  @Test func aLongNameIsCutToFifteenBytes() {
    #expect(NamedThread.kernelName("cloak-link-router") == "cloak-link-rout")
    #expect(nameInside("cloak-link-router") == "cloak-link-rout")
    #expect(NamedThread.kernelName("modul\u{E9}-\u{E9}\u{E9}\u{E9}\u{E9}\u{E9}") == "modul\u{E9}-\u{E9}\u{E9}\u{E9}")
  }
}
