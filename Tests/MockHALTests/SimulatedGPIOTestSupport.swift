import HAL
import MockHAL

/// A chip labelled like the Raspberry Pi 4's, with a few named lines.
let chip = "pinctrl-bcm2711"
let valveLine = GPIOLineID(chip: chip, line: "GPIO17")
let hatchLine = GPIOLineID(chip: chip, line: "GPIO27")
let buttonLine = GPIOLineID(chip: chip, line: "GPIO22")

func makeGPIO(clock: VirtualClock = VirtualClock()) -> SimulatedGPIO {
  let gpio = SimulatedGPIO(clock: clock)
  gpio.addChip(label: chip, lines: ["GPIO17", "GPIO27", "GPIO22"])
  return gpio
}

func at(_ milliseconds: Int64) -> MonotonicInstant {
  MonotonicInstant(nanoseconds: milliseconds * 1_000_000)
}

/// Reads every queued event without advancing time.
func drain(_ line: any GPIOInputLine) throws(GPIOError) -> [GPIOEdgeEvent] {
  var events: [GPIOEdgeEvent] = []
  while let event = try line.waitForEdge(timeout: .zero) { events.append(event) }
  return events
}
