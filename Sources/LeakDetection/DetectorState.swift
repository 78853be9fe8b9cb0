/// Per-sensor state of the detector (a plain value kept in one preallocated array).
struct SensorState {
  var module: Int
  var indexInModule: Int
  var healthy = true
  var fault: SensorFaultKind?

  // The sample of the current step.
  var hasPending = false
  var pendingP = 0.0
  var pendingTC = 0.0

  // Readability, dropout, stuck.
  var lastSeen = Double.nan
  var badSince = Double.nan
  var badWasFinite = false
  var lastRawP = Double.nan
  var stuckRun = 0
  var stuckSince = 0.0
  var lastSeenReadable = Double.nan

  // Temperature compensation: the chosen lag candidate and its per-sample gas index.
  var initialised = false
  var lastAccepted = Double.nan
  var lastFiltered = Double.nan
  var readableNow = false
  var chosenLag = 0
  var tentativeLag = 0.0  // the chosen candidate's lagged pressure, were this sample accepted
  var tentativeY = 0.0  // ln(lagged P / T), this sample
  var firstBinTime = Double.nan

  // Twin offsets (Pa and natural-log units) and the gas index at the last agreement.
  var offsetsSet = false
  var offsetP = 0.0
  var offsetY = 0.0
  var tentativeFastY = 0.0  // ln(P / T) without the lag, this sample (reacts at once; used to blame)
  var fastYMean = Double.nan  // EW mean of the accepted fast gas index (blame memory)
  var runSum = 0.0
  var deviationP = 0.0
  var deviationY = 0.0
  var smoothDeviationY = 0.0
  var firstSample = Double.nan

  // The current disagreement run, and spikes.
  var runLength = 0
  var runStart = 0.0
  var runStartScore = 0.0
  var runStartP = 0.0
  var runMoved = false
  var spikeScore = 0.0
  var lastSpike = -Double.infinity

  // This step's acceptance.
  var acceptedNow = false

  // The open bin: sums of accepted samples.
  var binCount = 0
  var binP = 0.0
  var binTK = 0.0
  var previousBinValid = false
  var increment = 0.0
  var incrementValid = false
  var absIncrementMean = 0.0  // running mean |increment|, natural-log units
  var incrementCount = 0

  // The view of its segment's gas amount (natural-log units), its smoothing and the CUSUM.
  var view = 0.0
  var smoothed = 0.0
  var cusum = 0.0
  var onset = Double.nan
  var rateNext = 0
  var rateFilled = 0
  var trendSum = 0.0
  var trendTimeSum = 0.0
  var trendCount = 0
  var trendBinStart = Double.nan
  var trendNext = 0
  var trendFilled = 0
  var trendRate = Double.nan

  // Rapid path ring.
  var rapidNext = 0
  var rapidFilled = 0
  var rapidRate = 0.0  // % of pressure per minute, loss positive
  var rapidRun = 0

  init(module: Int, indexInModule: Int, chosenLag: Int) {
    self.module = module
    self.indexInModule = indexInModule
    self.chosenLag = chosenLag
  }

  mutating func resetStatistics(at time: Double) {
    smoothed = view
    cusum = 0
    onset = time
    rateNext = 0
    rateFilled = 0
    trendSum = 0
    trendTimeSum = 0
    trendCount = 0
    trendBinStart = Double.nan
    trendNext = 0
    trendFilled = 0
    trendRate = Double.nan
  }
}

/// Per-module state; the segment-level alarm state lives in the segment's lowest module.
struct ModuleState {
  var volume: Double  // m^3, NaN when unknown
  var label: Int
  var representative: Int
  var sensors: [Int] = []
  var touched = false
  var stepTime = Double.nan
  var episodeBlame = -1

  var pressure = Double.nan  // median healthy accepted pressure, Pa
  var temperatureK = Double.nan

  var maskedUntil = -Double.infinity
  var maskStartPressure = Double.nan

  var rapidActive = false
  var rapidQuietSince = Double.nan
  var lowActive = false

  // Bin means (healthy accepted samples) and the fused increment.
  var binP = 0.0
  var binTK = 0.0
  var fusedIncrement = 0.0
  var fusedValid = false
  var needsReset = true

  // Segment state (used on the representative).
  var alarmActive = false
  var clearSince = Double.nan
  var trendActive = false
  var trendSince = Double.nan

  init(volume: Double, label: Int) {
    self.volume = volume
    self.label = label
    self.representative = label
  }
}
