/// One PWM output in physical units.
///
/// Implemented by the Linux sysfs backend (`/sys/class/pwm/pwmchipN/pwmM`) and by the
/// PCA9685 driver's channels. Times are `Duration`s; implementations round to their
/// hardware's resolution (PCA9685: 1/4096 of the period; sysfs: 1 ns) and document
/// how.
public protocol PWMChannel: AnyObject {
  /// A name for errors and logs (e.g. `pca9685@0x40/ch3` or `pwmchip0/pwm1`).
  var name: String { get }

  /// The current period.
  var period: Duration { get }

  /// Sets the period. On a PCA9685 the period is shared by all 16 channels and the
  /// driver only accepts the period it was initialised with (else `.unsupported`).
  /// A pulse width longer than the new period throws `.outOfRange`.
  func setPeriod(_ period: Duration) throws(PWMError)

  /// Sets the high time of each period. Zero means constantly low; a width equal to
  /// the period means constantly high. Longer than the period throws `.outOfRange`.
  func setPulseWidth(_ width: Duration) throws(PWMError)

  /// The pulse width last set.
  var pulseWidth: Duration { get }

  /// Starts or stops the output. Disabled, the output is held inactive (low).
  func setEnabled(_ enabled: Bool) throws(PWMError)

  /// Whether the output is enabled.
  var isEnabled: Bool { get }
}
