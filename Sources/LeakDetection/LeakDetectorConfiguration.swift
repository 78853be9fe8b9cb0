/// Every threshold of the leak detector, with its unit. The defaults are the ones tuned and
/// measured in docs/leak-detection.md; change one only with the measurements there in mind.
///
/// Rates of gas loss are positive numbers (a loss of 0.3 % of the segment's gas per hour is
/// `0.3`). "Gas" is the amount of air n = P V / (R T), so a rate is the relative decrease of
/// P/T (temperature-compensated pressure), not of raw pressure.
public struct LeakDetectorConfiguration: Sendable, Equatable {
  // MARK: slow leak alarm (sequential test on the compensated gas amount)

  /// `leak_alarm` rate, %/h of the segment's gas. A leak at or above it must alarm. Default 0.3 (the station protocol).
  public var alarmRatePctPerHour = 0.3
  /// CUSUM reference (allowance) as a fraction of `alarmRatePctPerHour`: losses below it drive the statistic
  /// down. Default 0.5 (the midpoint between no loss and the alarm rate, Page's choice for a mean shift).
  public var cusumReferenceFraction = 0.5
  /// CUSUM decision threshold h, parts per million of the gas amount. Default 40 ppm (about 4 Pa at 101 kPa; about
  /// 9 standard deviations of the smoothed index at 1 Hz). Raised automatically for noisier input
  /// (`cusumNoiseMultiple`).
  public var cusumThresholdPPM = 40.0
  /// The CUSUM threshold is raised to this many standard deviations of the smoothed gas index when the measured
  /// noise needs it (coarse sampling, noisy sensors): the false-alarm rate stays put when the noise grows. Default 8.
  public var cusumNoiseMultiple = 8.0
  /// Time constant of the running noise estimate (mean absolute bin-to-bin increment), seconds. Default 3600.
  public var noiseEstimateSeconds = 3600.0
  /// Time constant of the exponential smoothing of the compensated gas index before the CUSUM, seconds. Default 30.
  public var smoothingSeconds = 30.0
  /// Innovations of the smoothed gas index larger than this are clipped (Huber), ppm. Default 300.
  public var innovationClipPPM = 300.0
  /// Window of the least-squares rate used for reports and for `leak_cleared`, seconds. Default 600.
  public var rateWindowSeconds = 600.0
  /// `leak_cleared` once the windowed rate stays below this fraction of the alarm rate... Default 0.5.
  public var clearRateFraction = 0.5
  /// ...for this long, seconds. Default 300.
  public var clearHoldSeconds = 300.0

  // MARK: leak trend (small chronic leaks)

  /// `leak_trend` rate, %/h. Default 0.02.
  public var trendRatePctPerHour = 0.02
  /// The trend is declared when every voting sensor's long-window rate is at least this fraction of
  /// `trendRatePctPerHour`... Default 0.75.
  public var trendDetectFraction = 0.75
  /// ...continuously for this long, seconds. Default 3600.
  public var trendHoldSeconds = 3600.0
  /// Length of the trend's least-squares window, seconds. Default 21600 (6 h).
  public var trendWindowSeconds = 21_600.0
  /// The trend rate is only used once this much data is in its window, seconds. Default 7200 (2 h).
  public var trendMinimumSeconds = 7200.0
  /// The trend window holds one mean per this many seconds. Default 60.
  public var trendBinSeconds = 60.0
  /// A declared trend re-arms once the rate falls below this fraction of `trendRatePctPerHour`. Default 0.5.
  public var trendRearmFraction = 0.5

  // MARK: rapid depressurisation (raw dP/dt, does not wait for the slow path)

  /// `rapid_depress` rate, % of the current pressure per minute. Default 0.5 (twice below the 1 %/min target).
  public var rapidRatePctPerMinute = 0.5
  /// Least-squares window of the raw pressure slope, seconds. Default 2.
  public var rapidWindowSeconds = 2.0
  /// Re-arm once no sensor has exceeded half the rapid rate for this long, seconds. Default 60.
  public var rapidRearmSeconds = 60.0
  /// Highest sample rate per sensor the rapid window is sized for, Hz. Default 20.
  public var maxSampleRateHz = 20.0

  // MARK: low pressure (absolute floor)

  /// `low_pressure` below this pressure, Pa. Default 96 500 Pa (about 724 mmHg; the project's choice, not a sourced limit).
  public var lowPressurePa = 96_500.0
  /// Re-armed above `lowPressurePa` plus this, Pa. Default 500 (more than a +-1 K thermal swing, about +-343 Pa).
  public var lowPressureHysteresisPa = 500.0
  /// The pressure `hoursToFloor` counts down to, Pa. Default 96 500.
  public var floorPressurePa = 96_500.0

  // MARK: temperature compensation (sensor die lag)

  /// Candidate first-order lags of the die temperature behind the air, seconds; the best one is chosen per
  /// sensor from the data. Default 30...120 s.
  public var lagCandidatesSeconds: [Double] = [30, 40, 50, 60, 70, 80, 90, 105, 120]
  /// The lag used until the data has chosen, seconds; must be one of the candidates. Default 60.
  public var defaultLagSeconds = 60.0
  /// High-pass time constant of the lag-selection criterion, seconds. Default 900.
  public var lagHighPassSeconds = 900.0
  /// Averaging time constant of the lag-selection criterion, seconds. Default 3600.
  public var lagSelectionSeconds = 3600.0
  /// No lag switch before this much data, seconds. Default 1800.
  public var lagWarmupSeconds = 1800.0
  /// A candidate replaces the current lag when its criterion is below this fraction of the current one's. Default 0.97.
  public var lagSwitchMargin = 0.97

  // MARK: estimator bins

  /// The slow path runs once per bin of this many seconds (means of the samples in it). Default 1.
  public var binSeconds = 1.0

  // MARK: sensor faults (redundancy and voting)

  /// Twins disagree when their pressure difference leaves its tracked offset by more than this, Pa. Default 20.
  public var twinPressureTolerancePa = 20.0
  /// ...or their smoothed compensated gas indices by more than this, ppm. Default 500 (about 0.15 K; twins with
  /// die lags 45 s apart differ by up to about 350 ppm during a set-point step).
  public var twinGasTolerancePPM = 500.0
  /// ...or one sample of their gas indices by more than this, ppm (a temperature spike). Default 1000 (about 0.3 K).
  public var twinGasSpikeTolerancePPM = 1000.0
  /// Time constant of the smoothed gas-index difference, seconds. Default 10.
  public var twinSmoothingSeconds = 10.0
  /// Memory of each sensor's own gas index used to decide which twin moved (the one that moved is blamed), seconds.
  /// Default 300.
  public var blameMemorySeconds = 300.0
  /// Time constant of the tracked twin offsets, seconds. Default 21600 (6 h).
  public var twinOffsetTrackingSeconds = 21_600.0
  /// A disagreement lasting this long is a fault of the sensor blamed for it, seconds. Default 20.
  public var disagreementSeconds = 20.0
  /// A disagreement of at most this many samples is a spike (the sample is dropped). Default 3.
  public var spikeMaxSamples = 3
  /// This many spikes within `spikeWindowSeconds` are a `spikes` fault. Default 3.
  public var spikeFaultCount = 3
  /// Default 600 s.
  public var spikeWindowSeconds = 600.0
  /// This many consecutive identical raw pressures are a `stuck` fault... Default 10.
  public var stuckSamples = 10
  /// ...spanning at least this long, seconds (so that a fast, coarsely quantised sensor is not stuck). Default 9.
  public var stuckSeconds = 9.0
  /// A sensor silent (or unreadable) this long while its module reports is a `dropout`, seconds. Default 5.
  public var dropoutSeconds = 5.0
  /// Plausible readings; outside them a sample is unreadable, Pa and degrees C.
  public var pressureRangePa: ClosedRange<Double> = 0...200_000
  public var temperatureRangeC: ClosedRange<Double> = -60...100

  /// After a sensor's first sample (or a fault cleared) its slow statistics wait this long, seconds, so the lag
  /// filters settle (5 time constants of the default lag). Default 300.
  public var warmupSeconds = 300.0

  // MARK: masking

  /// While a module is masked, `rapid_depress` is still raised once its pressure is this fraction below the
  /// pressure when the mask began (a mask must not hide a real depressurisation). Default 0.02.
  public var maskRapidOverrideFraction = 0.02

  // MARK: output

  /// Capacity of the event queue (oldest kept, newest dropped and counted when full). Default 256.
  public var eventCapacity = 256

  public init() {}

  /// Checks that every value is usable; the first problem is named by its field.
  public func validate() throws(LeakDetectorError) {
    func positive(_ value: Double, _ name: String) throws(LeakDetectorError) {
      guard value.isFinite, value > 0 else { throw .invalidConfiguration(field: name, value: "\(value)") }
    }
    try positive(alarmRatePctPerHour, "alarmRatePctPerHour")
    try positive(cusumThresholdPPM, "cusumThresholdPPM")
    try positive(smoothingSeconds, "smoothingSeconds")
    try positive(cusumNoiseMultiple, "cusumNoiseMultiple")
    try positive(noiseEstimateSeconds, "noiseEstimateSeconds")
    try positive(innovationClipPPM, "innovationClipPPM")
    try positive(rateWindowSeconds, "rateWindowSeconds")
    try positive(clearHoldSeconds, "clearHoldSeconds")
    try positive(trendRatePctPerHour, "trendRatePctPerHour")
    try positive(trendHoldSeconds, "trendHoldSeconds")
    try positive(trendWindowSeconds, "trendWindowSeconds")
    try positive(trendBinSeconds, "trendBinSeconds")
    try positive(rapidRatePctPerMinute, "rapidRatePctPerMinute")
    try positive(rapidWindowSeconds, "rapidWindowSeconds")
    try positive(rapidRearmSeconds, "rapidRearmSeconds")
    try positive(maxSampleRateHz, "maxSampleRateHz")
    try positive(lowPressurePa, "lowPressurePa")
    try positive(floorPressurePa, "floorPressurePa")
    try positive(lagHighPassSeconds, "lagHighPassSeconds")
    try positive(lagSelectionSeconds, "lagSelectionSeconds")
    try positive(binSeconds, "binSeconds")
    try positive(twinPressureTolerancePa, "twinPressureTolerancePa")
    try positive(twinGasTolerancePPM, "twinGasTolerancePPM")
    try positive(twinOffsetTrackingSeconds, "twinOffsetTrackingSeconds")
    try positive(twinGasSpikeTolerancePPM, "twinGasSpikeTolerancePPM")
    try positive(twinSmoothingSeconds, "twinSmoothingSeconds")
    try positive(blameMemorySeconds, "blameMemorySeconds")
    guard warmupSeconds.isFinite, warmupSeconds >= 0 else {
      throw .invalidConfiguration(field: "warmupSeconds", value: "\(warmupSeconds)")
    }
    try positive(disagreementSeconds, "disagreementSeconds")
    try positive(spikeWindowSeconds, "spikeWindowSeconds")
    try positive(dropoutSeconds, "dropoutSeconds")
    guard stuckSeconds.isFinite, stuckSeconds >= 0 else {
      throw .invalidConfiguration(field: "stuckSeconds", value: "\(stuckSeconds)")
    }
    for (value, name) in [
      (cusumReferenceFraction, "cusumReferenceFraction"), (clearRateFraction, "clearRateFraction"),
      (trendDetectFraction, "trendDetectFraction"), (trendRearmFraction, "trendRearmFraction"),
      (lagSwitchMargin, "lagSwitchMargin"), (maskRapidOverrideFraction, "maskRapidOverrideFraction"),
    ] where !(value > 0 && value <= 1) {
      throw .invalidConfiguration(field: name, value: "\(value)")
    }
    guard trendMinimumSeconds >= 2 * trendBinSeconds, trendMinimumSeconds <= trendWindowSeconds else {
      throw .invalidConfiguration(field: "trendMinimumSeconds", value: "\(trendMinimumSeconds)")
    }
    guard rateWindowSeconds / binSeconds <= 1_000_000, trendWindowSeconds / trendBinSeconds <= 1_000_000,
      rapidWindowSeconds * maxSampleRateHz <= 100_000
    else { throw .invalidConfiguration(field: "rateWindowSeconds", value: "window too long") }
    guard !lagCandidatesSeconds.isEmpty, lagCandidatesSeconds.count <= 64,
      lagCandidatesSeconds.allSatisfy({ $0.isFinite && $0 >= 0 })
    else { throw .invalidConfiguration(field: "lagCandidatesSeconds", value: "\(lagCandidatesSeconds)") }
    guard lagCandidatesSeconds.contains(defaultLagSeconds) else {
      throw .invalidConfiguration(field: "defaultLagSeconds", value: "\(defaultLagSeconds) is not a candidate")
    }
    guard spikeMaxSamples >= 1, spikeFaultCount >= 1, stuckSamples >= 2, eventCapacity >= 1,
      eventCapacity <= 1_000_000
    else { throw .invalidConfiguration(field: "spikeMaxSamples/spikeFaultCount/stuckSamples/eventCapacity", value: "") }
  }
}

/// What the detector refuses, named.
public enum LeakDetectorError: Error, Equatable, Sendable {
  /// A configuration field is out of range.
  case invalidConfiguration(field: String, value: String)
  /// A module index that was never added.
  case unknownModule(Int)
  /// A sensor index that was never added to that module.
  case unknownSensor(module: Int, sensor: Int)
  /// A module volume that is not a positive finite number of cubic metres.
  case invalidVolume(module: Int, value: Double)
  /// `setSegmentLabels` was given a different number of labels than there are modules.
  case segmentLabelCount(expected: Int, got: Int)
  /// A sample time earlier than the previous one (seconds): the detector is causal and in time order.
  case timeWentBackwards(previous: Double, got: Double)
  /// A sample time that is not finite.
  case invalidTime(Double)
}
