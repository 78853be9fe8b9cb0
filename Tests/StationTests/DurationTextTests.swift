import Station
import Testing

@Suite struct DurationTextTests {
  @Test("the one duration syntax: s, m, h, d or plain seconds")
  func accepted() {
    #expect(DurationText.seconds("90s") == 90)
    #expect(DurationText.seconds("15m") == 900)
    #expect(DurationText.seconds("36h") == 129_600)
    #expect(DurationText.seconds("30d") == 2_592_000)
    #expect(DurationText.seconds("1.5h") == 5_400)
    #expect(DurationText.seconds("12") == 12)
    #expect(DurationText.seconds("0.2") == 0.2)
    #expect(DurationText.seconds("0") == 0)
  }

  @Test("anything else is refused, never guessed")
  func refused() {
    for text in ["", "s", "15x", "-5s", "1e3", "h1", "15 m", "inf", "nan", "1.2.3s", "١٢s", "11y", "4000d"] {
      #expect(DurationText.seconds(text) == nil, "\(text)")
    }
  }

  @Test("a refusal says why: the syntax, or the 10-year limit with its value")
  func reasons() {
    #expect(throws: DurationTextError.syntax("11y")) { try DurationText.parse("11y") }
    #expect(throws: DurationTextError.tooLong("4000d")) { try DurationText.parse("4000d") }
    #expect(
      DurationTextError.tooLong("4000d").description
        == "'4000d' is longer than the longest duration, 10 years (3650d)")
    #expect(DurationText.format(DurationText.maximumSeconds) == "3650d")
    #expect((try? DurationText.parse("3650d")) == DurationText.maximumSeconds)
  }

  @Test func formatting() {
    #expect(DurationText.format(90) == "90s")
    #expect(DurationText.format(900) == "15m")
    #expect(DurationText.format(7_200) == "2h")
    #expect(DurationText.format(86_400 * 3) == "3d")
    #expect(DurationText.format(1.5) == "1.5s")
  }
}
