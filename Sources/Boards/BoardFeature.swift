/// A capability a board declares under `features:`. Declaring one makes its roles
/// required (the table is in boards/README.md; ``FeatureRequirements`` enforces it).
public enum BoardFeature: String, Hashable, Sendable, CaseIterable {
  /// Pressure sensors `pressure.MODULE.a` and `pressure.MODULE.b` (at least two per
  /// module, so sensors can vote), for at least one module.
  case leakWatch = "leak-watch"
  /// For each hatch X: outputs `hatch.X.close` and `hatch.X.open` (safe `inactive` or
  /// `hold`), inputs `hatch.X.closed_sensor` and `hatch.X.open_sensor`.
  case hatches
  /// For each drone D: output `drone.D.arm` (safe `inactive`) and at least one PWM
  /// output `drone.D.motorN` armed by it; a non-empty `kill_path`.
  case drones
  /// Input `crew.override_switch`.
  case crewOverride = "crew-override"
  /// Output `status.led`.
  case status
}

/// Groups of virtual-bench / hardware-bench tests; a board lists those it can run.
public enum BenchTestGroup: String, Hashable, Sendable, CaseIterable {
  case gpioOutput = "gpio-output"
  case gpioInput = "gpio-input"
  case gpioEdges = "gpio-edges"
  case gpioBias = "gpio-bias"
  case i2cPlain = "i2c-plain"
  case i2cSMBus = "i2c-smbus"
  case pwmPCA9685 = "pwm-pca9685"
  case pwmSysfs = "pwm-sysfs"
  case watchdog
}
