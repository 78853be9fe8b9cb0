import HAL
import Testing

@Suite("What a failed start says about the watchdog")
struct WatchdogAbandonmentTests {
  @Test func disarmedWithoutNowayout() {
    #expect(
      WatchdogAbandonment.message(nowayout: false, disarmed: true, within: .seconds(15))
        == "disarmed with the magic close: the board will not reset")
  }

  @Test func nowayoutSaysTheBoardWillResetAndWhen() {
    #expect(
      WatchdogAbandonment.message(nowayout: true, disarmed: true, within: .milliseconds(14_200))
        == "the watchdog has nowayout, so it cannot be stopped: the board will reset within 15 s")
  }

  @Test func unknownNowayoutAndFailedCloseAreSaidAsSuch() {
    #expect(WatchdogAbandonment.message(nowayout: nil, disarmed: true, within: nil).contains("should the kernel"))
    #expect(
      WatchdogAbandonment.message(nowayout: false, disarmed: false, within: .seconds(3))
        == "the magic close failed: the board will reset within 3 s unless the watchdog is stopped")
  }
}
