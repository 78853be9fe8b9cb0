import HAL
import MockHAL
import Station

/// One simulated hatch: a motor that moves the leaf while one drive line is driven and
/// actuator power is on, taking the station's `travel_s` for a full stroke, with the
/// two active-low position sensors on simulated GPIO (pulled low at the end stops, as
/// limit switches to ground). Both drive lines at once, or no power: it does not move.
/// A jammed hatch stays where it is whatever is driven.
public final class SimulatedHatch {
  public let id: HatchID
  public let travelS: Double
  /// 0 closed ... 1 fully open.
  public private(set) var position: Double
  public var jammed = false
  let openDrive: GPIOLineID
  let closeDrive: GPIOLineID
  let openSensor: GPIOLineID
  let closedSensor: GPIOLineID
  private var reportedOpen: Bool?
  private var reportedClosed: Bool?

  /// What the hatch is doing, for status lines.
  public enum Motion: String, Sendable {
    case opening
    case closing
    case still
  }

  public private(set) var motion = Motion.still

  init(
    id: HatchID, travelS: Double, open: Bool, openDrive: GPIOLineID, closeDrive: GPIOLineID, openSensor: GPIOLineID,
    closedSensor: GPIOLineID
  ) {
    self.id = id
    self.travelS = max(travelS, 0.1)
    position = open ? 1 : 0
    self.openDrive = openDrive
    self.closeDrive = closeDrive
    self.openSensor = openSensor
    self.closedSensor = closedSensor
  }

  /// Whether it is fully open or fully closed, or neither (nil).
  public var endStop: ScenarioHatchEnd? {
    if position >= 1 { return .open }
    if position <= 0 { return .closed }
    return nil
  }

  /// Moves for `dt` as the drive lines and power say, then reports the end stops.
  func update(gpio: SimulatedGPIO, powered: Bool, dt: Double) {
    let opening = gpio.level(of: openDrive)?.logical ?? false
    let closing = gpio.level(of: closeDrive)?.logical ?? false
    motion = .still
    if powered, !jammed, opening != closing {
      let before = position
      position = min(max(position + (opening ? dt : -dt) / travelS, 0), 1)
      if position != before { motion = opening ? .opening : .closing }
    }
    report(gpio)
  }

  /// Drives the position sensors: active (physical low) at their end stop, released
  /// (the pull-up reads inactive) otherwise. Writes only on a change.
  func report(_ gpio: SimulatedGPIO) {
    let open = position >= 1
    let closed = position <= 0
    if open != reportedOpen {
      try? gpio.drive(openSensor, physicalLevel: open ? false : nil)
      reportedOpen = open
    }
    if closed != reportedClosed {
      try? gpio.drive(closedSensor, physicalLevel: closed ? false : nil)
      reportedClosed = closed
    }
  }
}

/// A hatch at one of its end stops.
public enum ScenarioHatchEnd: String, Sendable {
  case open
  case closed
}
