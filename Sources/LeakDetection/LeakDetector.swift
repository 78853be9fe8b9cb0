#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The detector's state and logic as a value type: the class `LeakDetector` owns one and forwards to it, so
/// the hot path pays one exclusivity check per call instead of one per array access.
struct DetectorCore {
  let configuration: LeakDetectorConfiguration
  let lagCount: Int
  let rapidCapacity: Int
  let rateCapacity: Int
  let trendCapacity: Int
  let defaultLagIndex: Int

  var modules: [ModuleState] = []
  var sensors: [SensorState] = []

  // Flat per-sensor arrays: [sensor * lagCount + candidate] and rings.
  var lagged: [Double] = []
  var binLagged: [Double] = []
  var previousQ: [Double] = []
  var highPassMean: [Double] = []
  var lagPower: [Double] = []
  var rapidTime: [Double] = []
  var rapidP: [Double] = []
  var rateTime: [Double] = []
  var rateValue: [Double] = []
  var trendTime: [Double] = []
  var trendValue: [Double] = []
  var scratch: [Double] = []

  var alphaDt = Double.nan
  var alphas: [Double]
  let lagTaus: [Double]

  var stepTime = -Double.infinity
  var stepOpen = false
  var touchedModules: [Int] = []
  var touchedCount = 0
  var openBinEnd = Double.nan
  var lastStepTime = Double.nan
  var lastBinTime = Double.nan

  var events: [LeakEvent]
  var eventHead = 0
  var eventCount = 0
  /// Events dropped because the queue was full (the caller drains too rarely).
  var droppedEvents = 0

  /// - Throws: `LeakDetectorError.invalidConfiguration` naming the first bad field.
  init(configuration: LeakDetectorConfiguration) throws(LeakDetectorError) {
    try configuration.validate()
    self.configuration = configuration
    lagTaus = configuration.lagCandidatesSeconds
    lagCount = lagTaus.count
    defaultLagIndex = lagTaus.firstIndex(of: configuration.defaultLagSeconds) ?? 0
    alphas = [Double](repeating: 0, count: lagCount)
    rapidCapacity = Int((configuration.rapidWindowSeconds * configuration.maxSampleRateHz).rounded(.up)) + 2
    rateCapacity = Int((configuration.rateWindowSeconds / configuration.binSeconds).rounded(.up)) + 1
    trendCapacity = Int((configuration.trendWindowSeconds / configuration.trendBinSeconds).rounded(.up)) + 1
    let placeholder = LeakEvent(time: 0, kind: .leakAlarm, module: 0, segment: 0)
    events = [LeakEvent](repeating: placeholder, count: configuration.eventCapacity)
  }

  // MARK: set-up (allocates)

  /// Time of the step being collected, seconds (-infinity before the first sample).
  var currentStepTime: Double { stepTime }

  /// Number of modules added.
  var moduleCount: Int { modules.count }

  /// Number of sensors of a module.
  func sensorCount(module: Int) -> Int { module >= 0 && module < modules.count ? modules[module].sensors.count : 0 }

  /// Adds a module (its own segment until `setSegmentLabels` joins it) and returns its index.
  /// - Parameter volumeCubicMetres: free air volume, m^3, for kg/day and the gas weights of a segment; nil when
  ///   unknown (kg/day is then NaN and the module weighs as much as any other unknown one).
  mutating func addModule(volumeCubicMetres: Double? = nil) throws(LeakDetectorError) -> Int {
    let index = modules.count
    if let volume = volumeCubicMetres, !(volume.isFinite && volume > 0) {
      throw .invalidVolume(module: index, value: volume)
    }
    modules.append(ModuleState(volume: volumeCubicMetres ?? .nan, label: index))
    touchedModules.append(0)
    return index
  }

  /// Sets or replaces a module's volume, m^3.
  mutating func setVolume(module: Int, cubicMetres: Double) throws(LeakDetectorError) {
    guard module >= 0, module < modules.count else { throw .unknownModule(module) }
    guard cubicMetres.isFinite, cubicMetres > 0 else { throw .invalidVolume(module: module, value: cubicMetres) }
    modules[module].volume = cubicMetres
  }

  /// Adds a pressure/temperature sensor to a module and returns its index within the module.
  mutating func addSensor(module: Int) throws(LeakDetectorError) -> Int {
    guard module >= 0, module < modules.count else { throw .unknownModule(module) }
    let within = modules[module].sensors.count
    modules[module].sensors.append(sensors.count)
    sensors.append(SensorState(module: module, indexInModule: within, chosenLag: defaultLagIndex))
    let zeros = [Double](repeating: 0, count: lagCount)
    lagged += zeros
    binLagged += zeros
    previousQ += zeros
    highPassMean += zeros
    lagPower += zeros
    rapidTime += [Double](repeating: 0, count: rapidCapacity)
    rapidP += [Double](repeating: 0, count: rapidCapacity)
    rateTime += [Double](repeating: 0, count: rateCapacity)
    rateValue += [Double](repeating: 0, count: rateCapacity)
    trendTime += [Double](repeating: 0, count: trendCapacity)
    trendValue += [Double](repeating: 0, count: trendCapacity)
    let most = modules.map(\.sensors.count).max() ?? 1
    if scratch.count < most { scratch = [Double](repeating: 0, count: most) }
    return within
  }

  // MARK: run-time inputs (no allocation)

  /// Groups modules into segments (modules joined by open hatches share one pressure): modules with equal labels form
  /// one segment. `labels` has one entry per module, in module order. Modules whose segment changes restart their slow
  /// statistics (the gas moving through a newly opened hatch is not a leak); alarm states of a merged segment are
  /// the OR of its parts.
  mutating func setSegmentLabels(_ labels: some Collection<Int>) throws(LeakDetectorError) {
    guard labels.count == modules.count else {
      throw .segmentLabelCount(expected: modules.count, got: labels.count)
    }
    var index = 0
    for label in labels {
      if modules[index].label != label {
        modules[index].label = label
      }
      index += 1
    }
    for m in modules.indices {
      var representative = m
      for other in 0..<m where modules[other].label == modules[m].label {
        representative = other
        break
      }
      if modules[m].representative != representative {
        let old = modules[m].representative
        modules[m].representative = representative
        modules[m].needsReset = true
        modules[old].needsReset = true
        modules[representative].needsReset = true
        if modules[old].alarmActive { modules[representative].alarmActive = true }
        if modules[old].trendActive { modules[representative].trendActive = true }
      }
    }
  }

  /// Suppresses `leak_alarm`, `leak_trend` and `rapid_depress` for the module's whole segment until `until`
  /// (seconds, the samples' time base): repressurisation, hatch operations, docking. The slow statistics restart
  /// when the mask ends. `low_pressure` and `sensor_fault` are never masked, and `rapid_depress` still fires once the
  /// pressure falls `maskRapidOverrideFraction` below its value when the mask began.
  mutating func mask(module: Int, until: Double) throws(LeakDetectorError) {
    guard module >= 0, module < modules.count else { throw .unknownModule(module) }
    if modules[module].maskedUntil < stepTime || modules[module].maskStartPressure.isNaN {
      modules[module].maskStartPressure = modules[module].pressure
    }
    modules[module].maskedUntil = max(modules[module].maskedUntil, until)
    modules[module].needsReset = true
  }

  /// Re-admits a sensor excluded by a fault (an operator's decision after a repair); it restarts its offsets.
  mutating func clearSensorFault(module: Int, sensor: Int) throws(LeakDetectorError) {
    let id = try sensorID(module, sensor)
    sensors[id].healthy = true
    sensors[id].fault = nil
    sensors[id].offsetsSet = false
    sensors[id].initialised = false
    sensors[id].stuckRun = 0
    sensors[id].runLength = 0
    sensors[id].spikeScore = 0
    sensors[id].badSince = .nan
    sensors[id].lastSeen = .nan
    sensors[id].previousBinValid = false
    sensors[id].fastYMean = .nan
    modules[module].needsReset = true
  }

  /// The fault that excluded a sensor, or nil while it is healthy.
  func sensorFault(module: Int, sensor: Int) -> SensorFaultKind? {
    guard let id = try? sensorID(module, sensor) else { return nil }
    return sensors[id].fault
  }

  /// The temperature lag currently used for a sensor, seconds.
  func temperatureLagSeconds(module: Int, sensor: Int) -> Double? {
    guard let id = try? sensorID(module, sensor) else { return nil }
    return lagTaus[sensors[id].chosenLag]
  }

  /// The module's median healthy pressure, Pa (NaN when unknown).
  func modulePressure(_ m: Int) -> Double { m >= 0 && m < modules.count ? modules[m].pressure : .nan }

  /// Whether the module's segment has an active `leak_alarm`.
  func alarmActive(module: Int) -> Bool {
    module >= 0 && module < modules.count && modules[modules[module].representative].alarmActive
  }

  /// One reading. Samples taken in one step must carry one time; a later time ends the previous step.
  /// - Parameters: time in seconds (any origin, non-decreasing), pressure in Pa, die temperature in degrees C.
  ///   A non-finite or implausible value is an unreadable sample (it counts towards `dropout`/`out_of_range`).
  /// - Throws: unknown module or sensor, time going backwards, non-finite time.
  mutating func ingest(
    time: Double, module: Int, sensor: Int, pressurePa: Double, temperatureC: Double
  ) throws(LeakDetectorError) {
    guard time.isFinite else { throw .invalidTime(time) }
    let id = try sensorID(module, sensor)
    if time < stepTime { throw .timeWentBackwards(previous: stepTime, got: time) }
    if time > stepTime {
      if stepOpen { endStep() }
      beginStep(time)
    }
    sensors[id].hasPending = true
    sensors[id].pendingP = pressurePa
    sensors[id].pendingTC = temperatureC
    if !modules[module].touched {
      modules[module].touched = true
      touchedModules[touchedCount] = module
      touchedCount += 1
    }
  }

  /// Processes the current step now (idempotent). Without it, the next step's first sample does it.
  mutating func endStep() {
    guard stepOpen else { return }
    stepOpen = false
    let t = stepTime
    for i in 0..<touchedCount {
      processModuleStep(touchedModules[i], at: t)
    }
    for i in 0..<touchedCount {
      modules[touchedModules[i]].touched = false
    }
    touchedCount = 0
    lastStepTime = t
    let epsilon = 1e-6 * configuration.binSeconds
    if openBinEnd.isNaN {
      openBinEnd = (t / configuration.binSeconds - 1e-9).rounded(.up) * configuration.binSeconds
    }
    if t >= openBinEnd - epsilon {
      closeBin(at: t)
      openBinEnd = .nan
    }
  }

  /// The oldest queued event, or nil.
  mutating func popEvent() -> LeakEvent? {
    guard eventCount > 0 else { return nil }
    let event = events[eventHead]
    eventHead = (eventHead + 1) % events.count
    eventCount -= 1
    return event
  }

  // MARK: steps

  func sensorID(_ module: Int, _ sensor: Int) throws(LeakDetectorError) -> Int {
    guard module >= 0, module < modules.count else { throw .unknownModule(module) }
    guard sensor >= 0, sensor < modules[module].sensors.count else {
      throw .unknownSensor(module: module, sensor: sensor)
    }
    return modules[module].sensors[sensor]
  }

  mutating func beginStep(_ time: Double) {
    if !openBinEnd.isNaN, time > openBinEnd + 1e-6 * configuration.binSeconds, !lastStepTime.isNaN {
      closeBin(at: lastStepTime)
      openBinEnd = .nan
    }
    stepTime = time
    stepOpen = true
  }

  mutating func emit(_ event: LeakEvent) {
    guard eventCount < events.count else {
      droppedEvents += 1
      return
    }
    events[(eventHead + eventCount) % events.count] = event
    eventCount += 1
  }

  func required(_ healthy: Int) -> Int { healthy <= 2 ? healthy : healthy / 2 + 1 }

  mutating func fail(_ id: Int, _ kind: SensorFaultKind, at t: Double) {
    guard sensors[id].healthy else { return }
    sensors[id].healthy = false
    sensors[id].fault = kind
    sensors[id].acceptedNow = false
    let m = sensors[id].module
    if modules[m].episodeBlame == id { modules[m].episodeBlame = -1 }
    emit(
      LeakEvent(
        time: t, kind: .sensorFault, module: m, segment: modules[m].label, sensor: sensors[id].indexInModule,
        fault: kind, pressurePa: modules[m].pressure))
  }

  mutating func updateAlphas(_ dt: Double) {
    guard dt != alphaDt else { return }
    alphaDt = dt
    for k in 0..<lagCount {
      alphas[k] = lagTaus[k] > 0 ? exp(-dt / lagTaus[k]) : 0
    }
  }

  /// One step of one module: readability, stuck, twin vote, acceptance, the rapid path and the floor.
  mutating func processModuleStep(_ m: Int, at t: Double) {
    let config = configuration
    var present = 0
    for id in sensors.indices where sensors[id].module == m {
      sensors[id].acceptedNow = false
      sensors[id].readableNow = false
      guard sensors[id].healthy else {
        sensors[id].hasPending = false
        continue
      }
      if sensors[id].lastSeen.isNaN { sensors[id].lastSeen = t }
      guard sensors[id].hasPending else {
        if t - sensors[id].lastSeen >= config.dropoutSeconds { fail(id, .dropout, at: t) }
        continue
      }
      sensors[id].hasPending = false
      let p = sensors[id].pendingP
      let tc = sensors[id].pendingTC
      guard config.pressureRangePa.contains(p), config.temperatureRangeC.contains(tc) else {
        if sensors[id].badSince.isNaN { sensors[id].badSince = t }
        sensors[id].badWasFinite = p.isFinite && tc.isFinite
        if t - sensors[id].badSince >= config.dropoutSeconds {
          fail(id, sensors[id].badWasFinite ? .outOfRange : .dropout, at: t)
        } else if t - sensors[id].lastSeen >= config.dropoutSeconds {
          fail(id, .dropout, at: t)
        }
        continue
      }
      sensors[id].badSince = .nan
      sensors[id].lastSeen = t
      let previousReadable = sensors[id].lastSeenReadable
      sensors[id].lastSeenReadable = t
      if p == sensors[id].lastRawP {
        if sensors[id].stuckRun == 0 { sensors[id].stuckSince = previousReadable }
        sensors[id].stuckRun += 1
        if sensors[id].stuckRun + 1 >= config.stuckSamples && t - sensors[id].stuckSince >= config.stuckSeconds {
          fail(id, .stuck, at: t)
          sensors[id].readableNow = false
          continue
        }
      } else {
        sensors[id].stuckRun = 0
      }
      sensors[id].lastRawP = p
      // The chosen candidate's lagged pressure and gas index, were this sample accepted.
      let base = id * lagCount
      let k = sensors[id].chosenLag
      let tk = tc + 273.15
      if sensors[id].initialised {
        let dt = t - sensors[id].lastFiltered
        let alpha = lagTaus[k] > 0 ? exp(-dt / lagTaus[k]) : 0
        sensors[id].tentativeLag = alpha * lagged[base + k] + (1 - alpha) * p
      } else {
        sensors[id].tentativeLag = p
      }
      sensors[id].tentativeY = log(sensors[id].tentativeLag / tk)
      sensors[id].tentativeFastY = log(p / tk)
      sensors[id].acceptedNow = true
      sensors[id].readableNow = true
      present += 1
    }
    if present >= 2 && !modules[m].rapidActive { voteTwins(m, present: present, at: t) }
    commitAccepted(m, at: t)
    rapidAndFloor(m, at: t)
  }

  /// Pairwise/median consistency of the module's present sensors: blame, spikes, disagreement faults, offsets.
  mutating func voteTwins(_ m: Int, present: Int, at t: Double) {
    let config = configuration
    let tolP = config.twinPressureTolerancePa
    let tolY = config.twinGasTolerancePPM * 1e-6
    let tolSpike = config.twinGasSpikeTolerancePPM * 1e-6
    let smoothing = 1 - exp(-(t - (lastStepTime.isNaN ? t : lastStepTime)) / config.twinSmoothingSeconds)
    // Offsets of sensors seen together for the first time: relative to the ones already set.
    for id in sensors.indices where sensors[id].module == m && sensors[id].acceptedNow && !sensors[id].offsetsSet {
      var sumP = 0.0
      var sumY = 0.0
      var n = 0
      for other in sensors.indices
      where sensors[other].module == m && other != id && sensors[other].acceptedNow && sensors[other].offsetsSet {
        sumP += sensors[other].pendingP - sensors[other].offsetP
        sumY += sensors[other].tentativeY - sensors[other].offsetY
        n += 1
      }
      sensors[id].offsetP = n > 0 ? sensors[id].pendingP - sumP / Double(n) : 0
      sensors[id].offsetY = n > 0 ? sensors[id].tentativeY - sumY / Double(n) : 0
      sensors[id].offsetsSet = true
      sensors[id].smoothDeviationY = 0
    }
    // Deviations: from the twin (two sensors) or from the median of all (three or more).
    var deviating = 0
    if present == 2 {
      var a = -1
      var b = -1
      for id in sensors.indices where sensors[id].module == m && sensors[id].acceptedNow {
        if a < 0 { a = id } else { b = id }
      }
      let dp = (sensors[a].pendingP - sensors[a].offsetP) - (sensors[b].pendingP - sensors[b].offsetP)
      let dy = (sensors[a].tentativeY - sensors[a].offsetY) - (sensors[b].tentativeY - sensors[b].offsetY)
      sensors[a].deviationP = dp
      sensors[b].deviationP = -dp
      sensors[a].deviationY = dy
      sensors[b].deviationY = -dy
      if abs(dy) <= tolSpike {
        sensors[a].smoothDeviationY += smoothing * (dy - sensors[a].smoothDeviationY)
        sensors[b].smoothDeviationY = -sensors[a].smoothDeviationY
      }
      if deviationScore(a, tolP, tolY, tolSpike) > 1 { deviating = 2 }
    } else {
      let medianP = median(m, pressure: true)
      let medianY = median(m, pressure: false)
      for id in sensors.indices where sensors[id].module == m && sensors[id].acceptedNow {
        sensors[id].deviationP = sensors[id].pendingP - sensors[id].offsetP - medianP
        sensors[id].deviationY = sensors[id].tentativeY - sensors[id].offsetY - medianY
        if abs(sensors[id].deviationY) <= tolSpike {
          sensors[id].smoothDeviationY += smoothing * (sensors[id].deviationY - sensors[id].smoothDeviationY)
        }
        if deviationScore(id, tolP, tolY, tolSpike) > 1 { deviating += 1 }
      }
    }
    // With two sensors, or when all disagree, nobody is trusted during the run (every sample of the module is
    // dropped) and the blame goes, at the end, to the sensor whose own fast gas index moved most. Otherwise the
    // minority that deviates is blamed directly.
    let ambiguous = deviating > 0 && (present == 2 || deviating == present)
    var decideAmbiguous = false
    var ambiguousEnded = false
    for id in sensors.indices where sensors[id].module == m && sensors[id].acceptedNow {
      let score = deviationScore(id, tolP, tolY, tolSpike)
      let inRun = ambiguous || score > 1
      if inRun {
        sensors[id].acceptedNow = false
        if sensors[id].runLength == 0 {
          sensors[id].runStart = t
          sensors[id].runStartScore = score
          sensors[id].runStartP = sensors[id].pendingP
          sensors[id].runMoved = false
          sensors[id].runSum = 0
        } else if sensors[id].pendingP != sensors[id].runStartP {
          sensors[id].runMoved = true
        }
        sensors[id].runLength += 1
        sensors[id].runSum += sensors[id].tentativeFastY - sensors[id].fastYMean
        if t - sensors[id].runStart >= config.disagreementSeconds {
          if ambiguous {
            decideAmbiguous = true
          } else {
            fail(id, faultKind(id, score: score), at: t)
          }
        }
        continue
      }
      if sensors[id].runLength > 0 && deviating == 0 && present == 2 { ambiguousEnded = true }
      if !ambiguousEnded { endRun(id, at: t) }
      if deviating == 0 {
        // Agreement: track the offsets slowly.
        let gain = min(
          1, (t - (sensors[id].lastAccepted.isNaN ? t : sensors[id].lastAccepted)) / config.twinOffsetTrackingSeconds)
        let share = present == 2 ? 0.5 : 1.0
        sensors[id].offsetP += gain * share * sensors[id].deviationP
        sensors[id].offsetY += gain * share * sensors[id].deviationY
      }
    }
    if decideAmbiguous || ambiguousEnded {
      // The sensor whose fast gas index moved most from its own recent mean over the run.
      var blamed = -1
      var most = -1.0
      for id in sensors.indices where sensors[id].module == m && sensors[id].healthy && sensors[id].runLength > 0 {
        let move = abs(sensors[id].runSum / Double(sensors[id].runLength))
        if move > most {
          most = move
          blamed = id
        }
      }
      if blamed >= 0 {
        if decideAmbiguous {
          fail(blamed, faultKind(blamed, score: deviationScore(blamed, tolP, tolY, tolSpike)), at: t)
        } else {
          endRun(blamed, at: t)
        }
      }
      for id in sensors.indices where sensors[id].module == m { sensors[id].runLength = 0 }
    }
  }

  func faultKind(_ id: Int, score: Double) -> SensorFaultKind {
    !sensors[id].runMoved ? .stuck : (score > sensors[id].runStartScore + 0.3 ? .ramp : .disagreement)
  }

  func deviationScore(_ id: Int, _ tolP: Double, _ tolY: Double, _ tolSpike: Double) -> Double {
    max(
      abs(sensors[id].deviationP) / tolP, abs(sensors[id].deviationY) / tolSpike,
      abs(sensors[id].smoothDeviationY) / tolY)
  }

  mutating func endRun(_ id: Int, at t: Double) {
    guard sensors[id].runLength > 0 else { return }
    if sensors[id].runLength <= configuration.spikeMaxSamples {
      let decay = exp(-(t - sensors[id].lastSpike) / configuration.spikeWindowSeconds)
      sensors[id].spikeScore = sensors[id].spikeScore * decay + 1
      sensors[id].lastSpike = t
      if sensors[id].spikeScore >= Double(configuration.spikeFaultCount) - 1e-9 {
        sensors[id].runLength = 0
        fail(id, .spikes, at: t)
        return
      }
    }
    sensors[id].runLength = 0
  }

  mutating func median(_ m: Int, pressure: Bool) -> Double {
    var n = 0
    for id in sensors.indices where sensors[id].module == m && sensors[id].acceptedNow {
      let value =
        pressure ? sensors[id].pendingP - sensors[id].offsetP : sensors[id].tentativeY - sensors[id].offsetY
      var j = n
      while j > 0 && scratch[j - 1] > value {
        scratch[j] = scratch[j - 1]
        j -= 1
      }
      scratch[j] = value
      n += 1
    }
    guard n > 0 else { return 0 }
    return n % 2 == 1 ? scratch[n / 2] : (scratch[n / 2 - 1] + scratch[n / 2]) / 2
  }

  /// Every readable sample of a healthy sensor updates its lag bank (the filters must see the pressure continuously,
  /// or a gap leaves a transient); accepted samples also go into the bin sums and the rapid ring.
  mutating func commitAccepted(_ m: Int, at t: Double) {
    for id in sensors.indices where sensors[id].module == m && sensors[id].readableNow && sensors[id].healthy {
      let p = sensors[id].pendingP
      let base = id * lagCount
      if sensors[id].initialised {
        updateAlphas(t - sensors[id].lastFiltered)
        for k in 0..<lagCount {
          lagged[base + k] = alphas[k] * lagged[base + k] + (1 - alphas[k]) * p
        }
      } else {
        for k in 0..<lagCount { lagged[base + k] = p }
        sensors[id].initialised = true
      }
      sensors[id].lastFiltered = t
      guard sensors[id].acceptedNow else { continue }
      if sensors[id].fastYMean.isNaN {
        sensors[id].fastYMean = sensors[id].tentativeFastY
        sensors[id].firstSample = t
      } else {
        let gain = 1 - exp(-(t - sensors[id].lastAccepted) / configuration.blameMemorySeconds)
        sensors[id].fastYMean += gain * (sensors[id].tentativeFastY - sensors[id].fastYMean)
      }
      if t - sensors[id].firstSample < configuration.warmupSeconds { modules[m].needsReset = true }
      sensors[id].lastAccepted = t
      for k in 0..<lagCount { binLagged[base + k] += lagged[base + k] }
      sensors[id].binCount += 1
      sensors[id].binP += p
      sensors[id].binTK += sensors[id].pendingTC + 273.15
      // Rapid ring.
      let r = id * rapidCapacity + sensors[id].rapidNext
      rapidTime[r] = t
      rapidP[r] = p
      sensors[id].rapidNext = (sensors[id].rapidNext + 1) % rapidCapacity
      sensors[id].rapidFilled = min(sensors[id].rapidFilled + 1, rapidCapacity)
    }
  }

  /// Least-squares slope of the rapid ring over the window (at least the last two samples), Pa/s.
  func rapidSlope(_ id: Int, at t: Double) -> Double {
    let start = t - configuration.rapidWindowSeconds - 1e-9
    var n = 0.0
    var sumT = 0.0
    var sumP = 0.0
    var sumTT = 0.0
    var sumTP = 0.0
    for j in 0..<sensors[id].rapidFilled {
      let index = id * rapidCapacity + (sensors[id].rapidNext - 1 - j + rapidCapacity) % rapidCapacity
      let time = rapidTime[index]
      if time < start && n >= 2 { break }
      let x = time - t
      let y = rapidP[index]
      n += 1
      sumT += x
      sumP += y
      sumTT += x * x
      sumTP += x * y
    }
    guard n >= 2 else { return 0 }
    let denominator = n * sumTT - sumT * sumT
    return denominator > 0 ? (n * sumTP - sumT * sumP) / denominator : 0
  }

  mutating func rapidAndFloor(_ m: Int, at t: Double) {
    let config = configuration
    var healthy = 0
    var exceeding = 0
    var below = 0
    var above = 0
    var rateSum = 0.0
    var maxRate = -Double.infinity
    var pressureSum = 0.0
    var temperatureSum = 0.0
    for id in sensors.indices where sensors[id].module == m && sensors[id].acceptedNow {
      healthy += 1
      let p = sensors[id].pendingP
      pressureSum += p
      temperatureSum += sensors[id].pendingTC + 273.15
      let slope = rapidSlope(id, at: t)
      let rate = p > 0 ? -slope / p * 6000 : 0
      sensors[id].rapidRate = rate
      rateSum += rate
      maxRate = max(maxRate, rate)
      if rate >= config.rapidRatePctPerMinute {
        exceeding += 1
        sensors[id].rapidRun += 1
      } else {
        sensors[id].rapidRun = 0
      }
      if p < config.lowPressurePa { below += 1 }
      if p > config.lowPressurePa + config.lowPressureHysteresisPa { above += 1 }
    }
    guard healthy > 0 else { return }
    modules[m].pressure = pressureSum / Double(healthy)
    modules[m].temperatureK = temperatureSum / Double(healthy)
    modules[m].stepTime = t
    // Rapid depressurisation: every healthy sensor (a majority of three or more); a lone sensor three times in a row.
    var vote = exceeding >= required(healthy)
    if vote && healthy == 1 {
      vote = false
      for id in sensors.indices where sensors[id].module == m && sensors[id].acceptedNow {
        vote = sensors[id].rapidRun >= 3
      }
    }
    if vote && segmentMasked(m, at: t) {
      let start = modules[m].maskStartPressure
      vote = !start.isNaN && modules[m].pressure < start * (1 - config.maskRapidOverrideFraction)
    }
    if vote && !modules[m].rapidActive {
      modules[m].rapidActive = true
      modules[m].rapidQuietSince = .nan
      let pctPerHour = rateSum / Double(healthy) * 60
      emit(rateEvent(.rapidDepress, module: m, pctPerHour: pctPerHour, at: t))
    } else if modules[m].rapidActive {
      if maxRate < config.rapidRatePctPerMinute / 2 {
        if modules[m].rapidQuietSince.isNaN { modules[m].rapidQuietSince = t }
        if t - modules[m].rapidQuietSince >= config.rapidRearmSeconds { modules[m].rapidActive = false }
      } else {
        modules[m].rapidQuietSince = .nan
      }
    }
    // Absolute floor: never masked.
    if !modules[m].lowActive && below >= required(healthy) {
      modules[m].lowActive = true
      emit(floorEvent(.lowPressure, module: m, at: t))
    } else if modules[m].lowActive && above == healthy {
      modules[m].lowActive = false
      emit(floorEvent(.lowPressureCleared, module: m, at: t))
    }
  }

  func segmentMasked(_ m: Int, at t: Double) -> Bool {
    let label = modules[m].label
    for other in modules.indices where modules[other].label == label && modules[other].maskedUntil >= t {
      return true
    }
    return false
  }

  /// A floor event (`low_pressure`, `low_pressure_cleared`): the floor is voted per
  /// module, so the event names module `m` itself (not its segment's representative) and
  /// carries its own pressure; no rate.
  func floorEvent(_ kind: LeakEventKind, module m: Int, at t: Double) -> LeakEvent {
    var event = rateEvent(kind, module: m, pctPerHour: .nan, at: t)
    event.module = m
    event.pressurePa = modules[m].pressure
    return event
  }

  /// An event of a module's segment with its rate in every unit.
  func rateEvent(_ kind: LeakEventKind, module m: Int, pctPerHour: Double, at t: Double) -> LeakEvent {
    let label = modules[m].label
    var mass = 0.0
    var massKnown = true
    var pressureSum = 0.0
    var count = 0
    for other in modules.indices where modules[other].label == label && !modules[other].pressure.isNaN {
      pressureSum += modules[other].pressure
      count += 1
      if modules[other].volume.isNaN || modules[other].temperatureK.isNaN {
        massKnown = false
      } else {
        mass += LeakUnits.airMassKg(
          pascals: modules[other].pressure, cubicMetres: modules[other].volume, kelvin: modules[other].temperatureK)
      }
    }
    let pressure = count > 0 ? pressureSum / Double(count) : modules[m].pressure
    let rate = pctPerHour
    return LeakEvent(
      time: t, kind: kind, module: modules[m].representative, segment: label,
      ratePctPerHour: rate,
      rateKgPerDay: massKnown && count > 0 ? LeakUnits.kgPerDay(pctPerHour: rate, massKg: mass) : .nan,
      rateMmHgPerDay: LeakUnits.mmHgPerDay(pctPerHour: rate, pascals: pressure),
      hoursToFloor: rate.isNaN
        ? .nan
        : LeakUnits.hoursToFloor(pctPerHour: rate, pascals: pressure, floorPascals: configuration.floorPressurePa),
      pressurePa: pressure)
  }

  // MARK: the slow path, once per bin

  mutating func closeBin(at t: Double) {
    let config = configuration
    let dt = lastBinTime.isNaN ? config.binSeconds : max(t - lastBinTime, 1e-9)
    lastBinTime = t
    // 1. Per sensor: the bin's compensated gas index for every lag candidate, the increment, the lag choice.
    let aHP = 1 - exp(-dt / config.lagHighPassSeconds)
    let aSel = 1 - exp(-dt / config.lagSelectionSeconds)
    for id in sensors.indices {
      sensors[id].incrementValid = false
      let count = sensors[id].binCount
      // A bin without samples leaves previousQ as it was: the next increment bridges the gap (the gas index is a
      // level, so the change across a gap is real; skipping it would leave a random step in the view).
      guard count > 0, sensors[id].healthy else {
        clearBin(id)
        continue
      }
      let base = id * lagCount
      let meanT = sensors[id].binTK / Double(count)
      let k = sensors[id].chosenLag
      let q = binLagged[base + k] / Double(count) / meanT
      if sensors[id].previousBinValid {
        sensors[id].increment = log(q / previousQ[base + k])
        sensors[id].incrementValid = true
        sensors[id].incrementCount += 1
        let noiseGain = max(1 / Double(sensors[id].incrementCount), 1 - exp(-dt / config.noiseEstimateSeconds))
        sensors[id].absIncrementMean += noiseGain * (abs(sensors[id].increment) - sensors[id].absIncrementMean)
        var best = k
        for c in 0..<lagCount {
          let qc = binLagged[base + c] / Double(count) / meanT
          let deviation = qc / highPassMean[base + c] - 1
          lagPower[base + c] += aSel * (deviation * deviation - lagPower[base + c])
          highPassMean[base + c] += aHP * (qc - highPassMean[base + c])
          previousQ[base + c] = qc
          if lagPower[base + c] < lagPower[base + best] { best = c }
        }
        if sensors[id].firstBinTime.isNaN { sensors[id].firstBinTime = t }
        if best != k, t - sensors[id].firstBinTime >= config.lagWarmupSeconds,
          lagPower[base + best] < config.lagSwitchMargin * lagPower[base + k]
        {
          sensors[id].chosenLag = best
        }
      } else {
        for c in 0..<lagCount {
          let qc = binLagged[base + c] / Double(count) / meanT
          previousQ[base + c] = qc
          if highPassMean[base + c] == 0 { highPassMean[base + c] = qc }
        }
      }
      sensors[id].previousBinValid = true
      clearBin(id)
    }
    // 2. Per module: fused increment (mean of healthy sensors) and bin means.
    for m in modules.indices {
      var n = 0
      var sum = 0.0
      for id in sensors.indices where sensors[id].module == m && sensors[id].incrementValid {
        sum += sensors[id].increment
        n += 1
      }
      modules[m].fusedValid = n > 0
      modules[m].fusedIncrement = n > 0 ? sum / Double(n) : 0
      if n > 0, !modules[m].pressure.isNaN {
        modules[m].binP = modules[m].pressure
        modules[m].binTK = modules[m].temperatureK
      }
    }
    // 3. Per segment.
    for rep in modules.indices where modules[rep].representative == rep {
      updateSegment(rep, dt: dt, at: t)
    }
  }

  mutating func clearBin(_ id: Int) {
    let base = id * lagCount
    for c in 0..<lagCount { binLagged[base + c] = 0 }
    sensors[id].binCount = 0
    sensors[id].binP = 0
    sensors[id].binTK = 0
  }

  mutating func updateSegment(_ rep: Int, dt: Double, at t: Double) {
    let config = configuration
    let label = modules[rep].label
    // Gas weights and the segment's consensus increment.
    var weightSum = 0.0
    var consensus = 0.0
    var masked = false
    var reset = false
    for m in modules.indices where modules[m].label == label {
      if modules[m].maskedUntil >= t { masked = true }
      if modules[m].needsReset { reset = true }
      guard modules[m].fusedValid else { continue }
      let weight = (modules[m].volume.isNaN ? 1 : modules[m].volume) * modules[m].binP / modules[m].binTK
      guard weight.isFinite, weight > 0 else { continue }
      weightSum += weight
      consensus += weight * modules[m].fusedIncrement
    }
    guard weightSum > 0 else { return }
    consensus /= weightSum
    let smoothing = 1 - exp(-dt / config.smoothingSeconds)
    let clip = config.innovationClipPPM * 1e-6
    let reference = config.cusumReferenceFraction * config.alarmRatePctPerHour / 100 / 3600 * dt
    // h, raised when the noise of the smoothed index needs it: sigma_y = 1.2533 mean|increment| / sqrt 2 (white
    // noise, Gaussian), and an exponential smoother of gain a passes sigma_y sqrt(a / (2 - a)).
    let smoothedNoiseFactor = (smoothing / (2 - smoothing)).squareRoot() * 1.2533 / 2.0.squareRoot()
    var allVote = true
    var anyModule = false
    var trendVote = true
    for m in modules.indices where modules[m].label == label {
      let weight =
        modules[m].fusedValid
        ? (modules[m].volume.isNaN ? 1 : modules[m].volume) * modules[m].binP / modules[m].binTK / weightSum : 0
      var healthy = 0
      var alarming = 0
      var trending = 0
      for id in sensors.indices where sensors[id].module == m && sensors[id].healthy {
        let own =
          sensors[id].incrementValid && weight.isFinite
          ? consensus + weight * (sensors[id].increment - modules[m].fusedIncrement) : consensus
        sensors[id].view += own
        if masked || reset || modules[m].needsReset {
          sensors[id].resetStatistics(at: t)
        }
        let previous = sensors[id].smoothed
        let innovation = min(max(sensors[id].view - previous, -clip), clip)
        sensors[id].smoothed = previous + smoothing * innovation
        sensors[id].cusum = max(0, sensors[id].cusum + (previous - sensors[id].smoothed) - reference)
        if sensors[id].cusum == 0 { sensors[id].onset = t }
        pushRate(id, at: t)
        pushTrend(id, at: t)
        healthy += 1
        let threshold = max(
          config.cusumThresholdPPM * 1e-6,
          config.cusumNoiseMultiple * smoothedNoiseFactor * sensors[id].absIncrementMean)
        if sensors[id].cusum >= threshold { alarming += 1 }
        if !sensors[id].trendRate.isNaN,
          sensors[id].trendRate >= config.trendDetectFraction * config.trendRatePctPerHour
        {
          trending += 1
        }
      }
      modules[m].needsReset = false
      guard healthy > 0 else { continue }
      anyModule = true
      if alarming < required(healthy) { allVote = false }
      if trending < required(healthy) { trendVote = false }
    }
    guard anyModule, !masked, !reset else {
      modules[rep].clearSince = .nan
      modules[rep].trendSince = .nan
      return
    }
    // Leak alarm and its clearing.
    if !modules[rep].alarmActive {
      if allVote {
        modules[rep].alarmActive = true
        modules[rep].clearSince = .nan
        emit(rateEvent(.leakAlarm, module: rep, pctPerHour: segmentRate(label, sinceOnset: true, at: t), at: t))
      }
    } else {
      let rate = segmentRate(label, sinceOnset: false, at: t)
      if rate < config.clearRateFraction * config.alarmRatePctPerHour {
        if modules[rep].clearSince.isNaN { modules[rep].clearSince = t }
        if t - modules[rep].clearSince >= config.clearHoldSeconds {
          modules[rep].alarmActive = false
          modules[rep].clearSince = .nan
          emit(rateEvent(.leakCleared, module: rep, pctPerHour: rate, at: t))
          for m in modules.indices where modules[m].label == label {
            for id in sensors.indices where sensors[id].module == m { sensors[id].cusum = 0 }
          }
        }
      } else {
        modules[rep].clearSince = .nan
      }
    }
    // Leak trend (below the alarm).
    let trendRate = segmentTrendRate(label)
    if modules[rep].trendActive {
      if trendRate.isNaN || trendRate < config.trendRearmFraction * config.trendRatePctPerHour {
        modules[rep].trendActive = false
      }
    } else if trendVote && !modules[rep].alarmActive {
      if modules[rep].trendSince.isNaN { modules[rep].trendSince = t }
      if t - modules[rep].trendSince >= config.trendHoldSeconds {
        modules[rep].trendActive = true
        emit(rateEvent(.leakTrend, module: rep, pctPerHour: trendRate, at: t))
      }
    } else {
      modules[rep].trendSince = .nan
    }
  }

  mutating func pushRate(_ id: Int, at t: Double) {
    let index = id * rateCapacity + sensors[id].rateNext
    rateTime[index] = t
    rateValue[index] = sensors[id].view
    sensors[id].rateNext = (sensors[id].rateNext + 1) % rateCapacity
    sensors[id].rateFilled = min(sensors[id].rateFilled + 1, rateCapacity)
  }

  mutating func pushTrend(_ id: Int, at t: Double) {
    let config = configuration
    if sensors[id].trendBinStart.isNaN { sensors[id].trendBinStart = t }
    sensors[id].trendSum += sensors[id].view
    sensors[id].trendTimeSum += t
    sensors[id].trendCount += 1
    guard t - sensors[id].trendBinStart >= config.trendBinSeconds - 1e-9 else { return }
    let n = Double(sensors[id].trendCount)
    let index = id * trendCapacity + sensors[id].trendNext
    trendTime[index] = sensors[id].trendTimeSum / n
    trendValue[index] = sensors[id].trendSum / n
    sensors[id].trendNext = (sensors[id].trendNext + 1) % trendCapacity
    sensors[id].trendFilled = min(sensors[id].trendFilled + 1, trendCapacity)
    sensors[id].trendSum = 0
    sensors[id].trendTimeSum = 0
    sensors[id].trendCount = 0
    sensors[id].trendBinStart = t
    // The trend rate over the ring once it spans the minimum.
    let newest = trendTime[index]
    let oldestIndex =
      id * trendCapacity + (sensors[id].trendNext - sensors[id].trendFilled + trendCapacity) % trendCapacity
    let span = newest - trendTime[oldestIndex]
    guard span >= config.trendMinimumSeconds - config.trendBinSeconds else {
      sensors[id].trendRate = .nan
      return
    }
    let slope = leastSquaresSlope(
      times: trendTime, values: trendValue, base: id * trendCapacity, capacity: trendCapacity,
      next: sensors[id].trendNext, filled: sensors[id].trendFilled, since: -Double.infinity)
    sensors[id].trendRate = -slope * 3600 * 100
  }

  /// Least-squares slope (per second) of ring entries with time >= since.
  func leastSquaresSlope(
    times: [Double], values: [Double], base: Int, capacity: Int, next: Int, filled: Int, since: Double
  ) -> Double {
    guard filled > 0 else { return .nan }
    let newest = times[base + (next - 1 + capacity) % capacity]
    let valueOrigin = values[base + (next - 1 + capacity) % capacity]
    var n = 0.0
    var sumX = 0.0
    var sumY = 0.0
    var sumXX = 0.0
    var sumXY = 0.0
    for j in 0..<filled {
      let index = base + (next - 1 - j + capacity) % capacity
      if times[index] < since { break }
      let x = times[index] - newest
      let y = values[index] - valueOrigin
      n += 1
      sumX += x
      sumY += y
      sumXX += x * x
      sumXY += x * y
    }
    guard n >= 3 else { return .nan }
    let denominator = n * sumXX - sumX * sumX
    return denominator > 0 ? (n * sumXY - sumX * sumY) / denominator : .nan
  }

  /// Mean over the segment's healthy sensors of the loss rate of the (unsmoothed) view, %/h.
  /// `sinceOnset == false`: least-squares slope over the rate window (for `leak_cleared`).
  /// `sinceOnset == true` (the rate reported with `leak_alarm`): a leak that began at the CUSUM's onset estimate m
  /// (the last bin at which the statistic was zero) reaches the lag-matched gas index through the first-order lag
  /// tau, so the index follows -r [(t - m) - tau (1 - e^{-(t - m)/tau})]; r is the least-squares coefficient on that
  /// regressor over the window from m - 30 s (points before m anchor the level).
  func segmentRate(_ label: Int, sinceOnset: Bool, at t: Double) -> Double {
    var sum = 0.0
    var n = 0
    for m in modules.indices where modules[m].label == label {
      for id in sensors.indices where sensors[id].module == m && sensors[id].healthy {
        var rate = Double.nan
        if sinceOnset, !sensors[id].onset.isNaN {
          rate = onsetRate(id, tau: lagTaus[sensors[id].chosenLag], at: t)
        }
        if rate.isNaN {
          let slope = leastSquaresSlope(
            times: rateTime, values: rateValue, base: id * rateCapacity, capacity: rateCapacity,
            next: sensors[id].rateNext, filled: sensors[id].rateFilled,
            since: t - configuration.rateWindowSeconds - 1e-9)
          rate = -slope * 3600 * 100
        }
        guard !rate.isNaN else { continue }
        sum += rate
        n += 1
      }
    }
    return n > 0 ? sum / Double(n) : .nan
  }

  /// The segment's loss rate now: the least-squares slope of each healthy sensor's view over the rate window (since
  /// the segment's statistics last restarted), averaged, in every unit; `seconds` is the shortest span of data
  /// behind it (0 with none).
  func lossRate(module m: Int) -> SegmentLossRate {
    guard m >= 0, m < modules.count else { return SegmentLossRate() }
    let label = modules[m].label
    let t = lastBinTime
    guard !t.isNaN else { return SegmentLossRate() }
    var span = Double.infinity
    for other in modules.indices where modules[other].label == label {
      for id in sensors.indices where sensors[id].module == other && sensors[id].healthy {
        let filled = sensors[id].rateFilled
        guard filled > 1 else {
          span = 0
          continue
        }
        let base = id * rateCapacity
        let newest = rateTime[base + (sensors[id].rateNext - 1 + rateCapacity) % rateCapacity]
        let oldest = rateTime[base + (sensors[id].rateNext - filled + rateCapacity) % rateCapacity]
        span = min(span, newest - oldest)
      }
    }
    var sum = 0.0
    var n = 0
    for other in modules.indices where modules[other].label == label {
      for id in sensors.indices where sensors[id].module == other && sensors[id].healthy {
        let rate = restartRate(id, tau: lagTaus[sensors[id].chosenLag])
        guard !rate.isNaN else { continue }
        sum += rate
        n += 1
      }
    }
    let rate = n > 0 ? sum / Double(n) : .nan
    let event = rateEvent(.leakAlarm, module: m, pctPerHour: rate, at: t)
    return SegmentLossRate(
      pctPerHour: rate, kgPerDay: event.rateKgPerDay, mmHgPerDay: event.rateMmHgPerDay,
      seconds: span.isFinite ? span : 0, pressurePa: event.pressurePa)
  }

  /// A sensor's loss rate over its rate ring (the data since its statistics restarted), %/h, lag-aware: when a
  /// segment is split, its gas amount's slope steps from the old to the new rate at the split, and the lag-matched
  /// index follows through the first-order lag tau, so the index is a + b x + c e^{-x/tau} (x: seconds since the
  /// ring's first point; the old slope only sets c). The loss is -b, fitted by least squares on {1, x, e^{-x/tau}}.
  /// NaN with fewer than 10 points or a singular fit.
  func restartRate(_ id: Int, tau: Double) -> Double {
    let filled = sensors[id].rateFilled
    guard filled >= 10, tau > 0 else { return .nan }
    let base = id * rateCapacity
    let first = base + (sensors[id].rateNext - filled + rateCapacity) % rateCapacity
    let t0 = rateTime[first]
    let y0 = rateValue[first]
    // Normal equations of the 3 x 3 fit.
    var s11 = 0.0
    var s1x = 0.0
    var s1e = 0.0
    var sxx = 0.0
    var sxe = 0.0
    var see = 0.0
    var s1y = 0.0
    var sxy = 0.0
    var sey = 0.0
    for j in 0..<filled {
      let index = base + (sensors[id].rateNext - filled + j + rateCapacity) % rateCapacity
      let x = rateTime[index] - t0
      let e = exp(-x / tau)
      let y = rateValue[index] - y0
      s11 += 1
      s1x += x
      s1e += e
      sxx += x * x
      sxe += x * e
      see += e * e
      s1y += y
      sxy += x * y
      sey += e * y
    }
    // Cramer's rule for the coefficient of x.
    func det(
      _ a: Double, _ b: Double, _ c: Double, _ d: Double, _ e: Double, _ f: Double, _ g: Double, _ h: Double,
      _ i: Double
    ) -> Double {
      a * (e * i - f * h) - b * (d * i - f * g) + c * (d * h - e * g)
    }
    let d = det(s11, s1x, s1e, s1x, sxx, sxe, s1e, sxe, see)
    guard d.isFinite, abs(d) > 1e-12 * max(s11 * sxx * see, 1e-300) else { return .nan }
    let slope = det(s11, s1y, s1e, s1x, sxy, sxe, s1e, sey, see) / d
    return -slope * 3600 * 100
  }

  /// The lag-aware rate since a sensor's onset, %/h (NaN with too few points): the onset is refined around the
  /// CUSUM's estimate (from 120 s before it to it, in 5 s steps) by least squares, as a GLR for a ramp of unknown
  /// start would.
  func onsetRate(_ id: Int, tau: Double, at t: Double) -> Double {
    var bestRate = Double.nan
    var bestResidual = Double.infinity
    var candidate = sensors[id].onset - 120
    while candidate <= sensors[id].onset + 1e-9 {
      let (rate, residual) = rampFit(id, onset: candidate, tau: tau, since: sensors[id].onset - 180)
      if residual < bestResidual {
        bestResidual = residual
        bestRate = rate
      }
      candidate += 5
    }
    return bestRate
  }

  /// Least-squares fit of view = a - r x(t), x = elapsed - tau (1 - e^{-elapsed/tau}), elapsed = max(0, t - onset):
  /// returns r in %/h and the residual sum of squares.
  func rampFit(_ id: Int, onset: Double, tau: Double, since: Double) -> (Double, Double) {
    let base = id * rateCapacity
    let next = sensors[id].rateNext
    var n = 0.0
    var sumX = 0.0
    var sumY = 0.0
    var sumXX = 0.0
    var sumXY = 0.0
    var sumYY = 0.0
    let origin = rateValue[base + (next - 1 + rateCapacity) % rateCapacity]
    for j in 0..<sensors[id].rateFilled {
      let index = base + (next - 1 - j + rateCapacity) % rateCapacity
      let time = rateTime[index]
      if time < since { break }
      let elapsed = max(0, time - onset)
      let x = tau > 0 ? elapsed - tau * (1 - exp(-elapsed / tau)) : elapsed
      let y = rateValue[index] - origin
      n += 1
      sumX += x
      sumY += y
      sumXX += x * x
      sumXY += x * y
      sumYY += y * y
    }
    let sxx = sumXX - sumX * sumX / max(n, 1)
    let sxy = sumXY - sumX * sumY / max(n, 1)
    let syy = sumYY - sumY * sumY / max(n, 1)
    guard n >= 5, sxx > 0 else { return (.nan, .infinity) }
    let slope = sxy / sxx
    return (-slope * 3600 * 100, syy - slope * sxy)
  }

  func segmentTrendRate(_ label: Int) -> Double {
    var sum = 0.0
    var n = 0
    for m in modules.indices where modules[m].label == label {
      for id in sensors.indices where sensors[id].module == m && sensors[id].healthy && !sensors[id].trendRate.isNaN {
        sum += sensors[id].trendRate
        n += 1
      }
    }
    return n > 0 ? sum / Double(n) : .nan
  }
}

/// The leak detector: causal, fed sample by sample, allocation-free once modules and sensors are added.
/// The method, its sources and its measured delays and false-alarm figures: docs/leak-detection.md.
///
/// Use:
/// 1. Set-up (allocates): `addModule(volumeCubicMetres:)`, `addSensor(module:)`, optionally `setSegmentLabels`.
/// 2. Per step (all samples taken at one time carry that one time, seconds): `ingest(time:module:sensor:pressurePa:temperatureC:)`
///    for each reading, then `endStep()` (or let the next step's first sample end it).
/// 3. Drain `popEvent()`. Masks (`mask(module:until:)`), regrouping (`setSegmentLabels`) and clearing a sensor
///    fault (`clearSensorFault`) may be called between steps.
///
/// Not thread-safe: one owner (the 10 Hz group's member, or the analyser).
public final class LeakDetector {
  private var core: DetectorCore

  /// The thresholds in use.
  public var configuration: LeakDetectorConfiguration { core.configuration }
  /// Events dropped because the queue was full (the caller drains too rarely).
  public var droppedEvents: Int { core.droppedEvents }
  /// Time of the step being collected, seconds (-infinity before the first sample).
  public var currentStepTime: Double { core.currentStepTime }
  /// Number of modules added.
  public var moduleCount: Int { core.moduleCount }

  /// - Throws: `LeakDetectorError.invalidConfiguration` naming the first bad field.
  public init(configuration: LeakDetectorConfiguration = LeakDetectorConfiguration()) throws(LeakDetectorError) {
    core = try DetectorCore(configuration: configuration)
  }

  /// Number of sensors of a module (0 for an unknown module).
  public func sensorCount(module: Int) -> Int { core.sensorCount(module: module) }

  /// Adds a module (its own segment until `setSegmentLabels` joins it) and returns its index. Set-up: allocates.
  /// - Parameter volumeCubicMetres: free air volume, m^3, for kg/day and the gas weights of a segment; nil when
  ///   unknown (kg/day is then NaN and the module weighs as much as any other unknown one).
  public func addModule(volumeCubicMetres: Double? = nil) throws(LeakDetectorError) -> Int {
    try core.addModule(volumeCubicMetres: volumeCubicMetres)
  }

  /// Sets or replaces a module's volume, m^3.
  public func setVolume(module: Int, cubicMetres: Double) throws(LeakDetectorError) {
    try core.setVolume(module: module, cubicMetres: cubicMetres)
  }

  /// Adds a pressure/temperature sensor to a module and returns its index within the module. Set-up: allocates.
  public func addSensor(module: Int) throws(LeakDetectorError) -> Int { try core.addSensor(module: module) }

  /// Groups modules into segments (modules joined by open hatches share one pressure): modules with equal labels form
  /// one segment. `labels` has one entry per module, in module order. Modules whose segment changes restart their slow
  /// statistics (the gas moving through a newly opened hatch is not a leak); alarm states of a merged segment are
  /// the OR of its parts.
  public func setSegmentLabels(_ labels: some Collection<Int>) throws(LeakDetectorError) {
    try core.setSegmentLabels(labels)
  }

  /// Suppresses `leak_alarm`, `leak_trend` and `rapid_depress` for the module's whole segment until `until`
  /// (seconds, the samples' time base): repressurisation, hatch operations, docking. The slow statistics restart
  /// when the mask ends. `low_pressure` and `sensor_fault` are never masked, and `rapid_depress` still fires once the
  /// pressure falls `maskRapidOverrideFraction` below its value when the mask began.
  public func mask(module: Int, until: Double) throws(LeakDetectorError) { try core.mask(module: module, until: until) }

  /// Re-admits a sensor excluded by a fault (an operator's decision after a repair); it restarts its offsets.
  public func clearSensorFault(module: Int, sensor: Int) throws(LeakDetectorError) {
    try core.clearSensorFault(module: module, sensor: sensor)
  }

  /// The fault that excluded a sensor, or nil while it is healthy (or unknown).
  public func sensorFault(module: Int, sensor: Int) -> SensorFaultKind? {
    core.sensorFault(module: module, sensor: sensor)
  }

  /// The temperature lag currently used for a sensor, seconds.
  public func temperatureLagSeconds(module: Int, sensor: Int) -> Double? {
    core.temperatureLagSeconds(module: module, sensor: sensor)
  }

  /// Whether the module's segment has an active `leak_alarm`.
  public func alarmActive(module: Int) -> Bool { core.alarmActive(module: module) }

  /// The module's pressure now: the median of its healthy sensors' accepted readings, Pa (NaN when none).
  public func pressure(module: Int) -> Double { core.modulePressure(module) }

  /// The module's segment's loss rate now (%/h, kg/day, mmHg/day), from the same views and the same least-squares
  /// fit over the rate window that `leak_cleared` uses, and how many seconds of data it rests on: the statistics
  /// restart when the segment changes or a mask ends, so `seconds` counts from then (at most the rate window).
  /// The leak isolation measures each side of a split with it. No allocation.
  public func lossRate(module: Int) -> SegmentLossRate { core.lossRate(module: module) }

  /// One reading. Samples taken in one step must carry one time; a later time ends the previous step.
  /// - Parameters: time in seconds (any origin, non-decreasing), pressure in Pa, die temperature in degrees C.
  ///   A non-finite or implausible value is an unreadable sample (it counts towards `dropout`/`out_of_range`).
  /// - Throws: unknown module or sensor, time going backwards, non-finite time. No allocation.
  public func ingest(
    time: Double, module: Int, sensor: Int, pressurePa: Double, temperatureC: Double
  ) throws(LeakDetectorError) {
    try core.ingest(time: time, module: module, sensor: sensor, pressurePa: pressurePa, temperatureC: temperatureC)
  }

  /// Processes the current step now (idempotent). Without it, the next step's first sample does it. No allocation.
  public func endStep() { core.endStep() }

  /// The oldest queued event, or nil.
  public func popEvent() -> LeakEvent? { core.popEvent() }
}
