import HAL
import Testing

@Suite struct UnitsTests {
  @Test func frequencyPeriodRoundsToNanoseconds() {
    #expect(Frequency(hertz: 50).period == .milliseconds(20))
    #expect(Frequency(hertz: 3).period == .nanoseconds(333_333_333))
  }

  @Test(arguments: [0, -50, .infinity, .nan, 1e-12, 1e-10, 3e9])
  func frequencyWithoutARepresentablePeriodGivesNilInsteadOfTrapping(hertz: Double) {
    #expect(Frequency(hertz: hertz).period == nil)
  }

  @Test func pressureAndTemperatureConversions() {
    #expect(Pressure.hectopascals(1013.25).pascals == 101_325)
    #expect(Pressure(pascals: 100_653.25).hectopascals == 1006.5325)
    #expect(Temperature(celsius: 25).kelvin == 298.15)
    #expect(Pressure(pascals: 1) < Pressure(pascals: 2))
  }

  @Test func safeValueDescriptions() {
    #expect(SafeValue.level(true).description == "active")
    #expect(SafeValue.level(false).description == "inactive")
    #expect(SafeValue.pulse(.microseconds(1500)).description == "pulse 1500.0 us")
    #expect(SafeValue.off.description == "off")
    #expect(SafeValue.hold.description == "hold")
  }

  @Test func negativeDurationsConvertWithTheirSign() {
    #expect(Duration.milliseconds(-1500).nanosecondsSaturated == -1_500_000_000)
    #expect(Duration.seconds(Int64.min).nanosecondsSaturated == .min)
    #expect(Duration.milliseconds(250).secondsDouble == 0.25)
  }
}
