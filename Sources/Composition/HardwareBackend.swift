import Boards
import HAL

/// What a running board needs from a hardware backend: lines, buses, PWM and time.
///
/// Two implementations: ``SimBackend`` (mock HAL + chip emulators, virtual clock) and
/// `LinuxBackend` (libgpiod, i2c-dev, sysfs PWM, the real clock). ``RunningBoard`` is
/// written against this protocol only, so both backends assemble a board the same way.
public protocol HardwareBackend: AnyObject {
  /// The clock everything on this board runs on.
  var clock: any MonotonicClock { get }
  /// All GPIO chips of the board.
  var gpio: any GPIOController { get }
  /// Opens (or finds) the bus the board file names.
  func i2cBus(_ spec: I2CBusSpec) throws(CompositionError) -> any I2CBus
  /// Opens a sysfs PWM channel found by the chip's device-tree node.
  func sysfsPWM(deviceTreeNode: String, channel: Int, period: Duration, role: String) throws(CompositionError)
    -> any PWMChannel
  /// The board's watchdog, or nil when it declares none.
  func watchdog(_ spec: WatchdogSpec) throws(CompositionError) -> (any Watchdog)?
}
