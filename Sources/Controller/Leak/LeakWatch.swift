import HAL
import LeakDetection
import Station

/// The live leak detector: a leak-group member that feeds the offline analyser's
/// ``LeakDetector`` (the same code, decision 0910) from the samplers' snapshots and turns
/// its output into events.
///
/// Each cycle it ingests, at one time (the cycle's deadline, seconds), every sensor whose
/// sampler delivered a new sample since the last cycle (pressure in Pa, die temperature
/// in degrees C); a sensor with nothing new contributes nothing that cycle, so the
/// detector's dropout rule sees a sensor that stopped. The hatch positions published by
/// the actuators group (``HatchPositionPublisher``) give the segments: modules joined by
/// hatches not confirmed closed share one pressure (``StationGraph/segments(open:)``),
/// passed to ``LeakDetector/setSegmentLabels(_:)`` when they change. A hatch that moves
/// masks both its modules while it moves, then for ``maskSeconds`` if it opened or
/// stopped between, or ``closedMaskSeconds`` if it closed (a known cause, masked, not
/// alarmed); so does start-up, for every module (the
/// sensors' filters settle from their first conversions).
///
/// Events (subject: the module; `sensor_fault`: the sensor with its module):
/// `leak_alarm`, `leak_trend`, `rapid_depress` and `leak_cleared` carry the loss rate in
/// ``Event/rate`` (%/h), ``Event/rateKgPerDay`` and ``Event/rateMmHgPerDay``, and the hours until the segment reaches the detector's floor
/// pressure in ``Event/value`` (absent when not losing); `low_pressure` carries the pressure (Pa); `sensor_fault`
/// the fault's index in ``SensorFaultKind/allCases``. The last event is kept in ``latest``.
///
/// Allocation-free in steady state: the segment labels are recomputed (allocating) only
/// when a hatch position changes.
public final class LeakWatch: RateGroupMember, @unchecked Sendable {
  public let name = "leak-watch"
  public var eventSubject: EventSubject? { EventSubject(component: "leak-watch") }

  /// One watched module: its id, free air volume (m^3) and sensors in station order.
  public struct Module {
    public var id: ModuleID
    public var volumeCubicMetres: Double
    public var sensors: [Sensor]
    public init(id: ModuleID, volumeCubicMetres: Double, sensors: [Sensor]) {
      self.id = id
      self.volumeCubicMetres = volumeCubicMetres
      self.sensors = sensors
    }
  }

  /// One sensor: its role (named in `sensor_fault`) and its sampler's readings.
  public struct Sensor {
    public var role: SensorRole
    public var reading: Snapshot<SamplerReading>
    public init(role: SensorRole, reading: Snapshot<SamplerReading>) {
      self.role = role
      self.reading = reading
    }
  }

  /// The detector (read-only use outside the leak group's thread is not safe).
  public let detector: LeakDetector
  /// How long a hatch change masks its two modules, seconds past the change (a hatch
  /// that opened or stopped between its end stops).
  public let maskSeconds: Double
  /// The mask while a hatch moves and after it ended closed, seconds (closing joins no
  /// gas, so a fast loss behind a closed hatch is seen within seconds).
  public let closedMaskSeconds: Double
  private let readings: [(module: Int, sensor: Int, snapshot: Snapshot<SamplerReading>)]
  private var lastStamp: [Int64]
  private let graph: StationGraph
  private let positions: Snapshot<HatchPositions>?
  private var lastPositions: HatchPositions?
  private var openScratch: [Bool]
  private let events: EventSink
  private let moduleSources: [EventSource]
  private let sensorSources: [[EventSource]]
  /// The module ids in detector order.
  public let moduleIDs: [ModuleID]
  private var maskedUntil: [Double]
  private var started = false
  /// Called on the leak group's thread with each detector event (after its event is
  /// queued): the isolation procedure and the scheduler seam listen here.
  public var onLeakEvent: ((LeakEvent) -> Void)?
  /// Detector events lost because the detector's queue overflowed or an error was thrown.
  public private(set) var errors = 0
  /// Where each module's alarm state and running loss rate are published and the
  /// crew's acknowledgements arrive (nil: nowhere).
  public let alarms: ModuleAlarms?
  /// Each module's status as this watch keeps it (the leak group's thread).
  public private(set) var statuses: [ModuleAlarmStatus]
  /// The segment label of each module (the smallest module index of its segment).
  private var segmentOf: [Int]
  private var lastRateTime = -Double.infinity
  private let acknowledgeSource: EventSource
  /// How often the running loss rate is refreshed, seconds of controller time.
  public static let ratePeriodSeconds = 1.0

  /// - Parameters:
  ///   - modules: the station's modules in station order (indices as in `graph`).
  ///   - graph: the station's graph (hatch indices as in `positions`).
  ///   - positions: the published hatch positions; nil: every hatch counts as open.
  ///   - configuration: the detector's (alarm rate, floors, ...).
  ///   - maskSeconds: the mask after a hatch opened or stopped between, seconds (default
  ///     120: the pressures settling after gas moved).
  ///   - closedMaskSeconds: the mask while a hatch moves (renewed every cycle) and after it
  ///     ended closed, seconds (default 3).
  /// - Throws: ``LeakDetectorError`` for a bad configuration or volume.
  public init(
    modules: [Module], graph: StationGraph, positions: Snapshot<HatchPositions>?, events: EventSink,
    configuration: LeakDetectorConfiguration = LeakDetectorConfiguration(), maskSeconds: Double = 120,
    closedMaskSeconds: Double = 3, alarms: ModuleAlarms? = nil
  ) throws(LeakDetectorError) {
    self.alarms = alarms
    statuses = [ModuleAlarmStatus](repeating: ModuleAlarmStatus(), count: modules.count)
    segmentOf = Array(0..<modules.count)
    acknowledgeSource = events.registerSource("leak-watch")
    detector = try LeakDetector(configuration: configuration)
    var readings: [(module: Int, sensor: Int, snapshot: Snapshot<SamplerReading>)] = []
    var moduleSources: [EventSource] = []
    var sensorSources: [[EventSource]] = []
    for module in modules {
      let volume: Double? =
        module.volumeCubicMetres.isFinite && module.volumeCubicMetres > 0 ? module.volumeCubicMetres : nil
      let index = try detector.addModule(volumeCubicMetres: volume)
      moduleSources.append(events.register(EventSubject(module: module.id)))
      var sources: [EventSource] = []
      for entry in module.sensors {
        let sensor = try detector.addSensor(module: index)
        readings.append((index, sensor, entry.reading))
        sources.append(events.register(EventSubject(module: module.id, sensor: entry.role)))
      }
      sensorSources.append(sources)
    }
    self.readings = readings
    self.moduleSources = moduleSources
    self.sensorSources = sensorSources
    moduleIDs = modules.map(\.id)
    lastStamp = [Int64](repeating: .min, count: readings.count)
    self.graph = graph
    self.positions = positions
    openScratch = [Bool](repeating: true, count: graph.hatchEnds.count)
    self.events = events
    self.maskSeconds = maskSeconds.isFinite ? max(maskSeconds, 0) : 120
    self.closedMaskSeconds = closedMaskSeconds.isFinite ? max(closedMaskSeconds, 0) : 3
    maskedUntil = [Double](repeating: -.infinity, count: modules.count)
  }

  public func run(_ tick: TickContext) {
    let now = Double(tick.deadline.nanoseconds) / 1e9
    if !started {
      // Start-up is a known cause: the sensors' filters settle from their first conversions.
      started = true
      for module in maskedUntil.indices { mask(module: module, until: now + maskSeconds) }
    }
    updateSegments(now: now)
    do throws(LeakDetectorError) {
      for (index, entry) in readings.enumerated() {
        let reading = entry.snapshot.read()
        guard let stamp = reading.timestamp?.nanoseconds, stamp != lastStamp[index] else { continue }
        lastStamp[index] = stamp
        let pressure: Double
        let temperature: Double
        if reading.status == .fresh, let sample = reading.sample {
          pressure = sample.pressure.pascals
          temperature = sample.temperature.celsius
        } else {
          pressure = .nan
          temperature = .nan
        }
        try detector.ingest(
          time: now, module: entry.module, sensor: entry.sensor, pressurePa: pressure, temperatureC: temperature)
      }
    } catch {
      errors &+= 1
    }
    detector.endStep()
    var changed = false
    while let event = detector.popEvent() { changed = publish(event) || changed }
    changed = acknowledge(at: tick.deadline) || changed
    if now - lastRateTime >= Self.ratePeriodSeconds {
      lastRateTime = now
      refreshRates()
      changed = true
    }
    if changed, let alarms {
      for m in statuses.indices { alarms.publish(m, statuses[m]) }
    }
  }

  /// The running loss rate of every module's segment (computed once per segment: a
  /// module whose segment starts at an earlier module copies its rate). No allocation.
  private func refreshRates() {
    for m in statuses.indices {
      let label = m < segmentOf.count ? segmentOf[m] : m
      statuses[m].lossRatePctPerHour =
        label >= 0 && label < m ? statuses[label].lossRatePctPerHour : detector.lossRate(module: m).pctPerHour
    }
  }

  /// Applies the crew's accepted `alarm_acknowledge` commands: a module with an alarm not
  /// yet acknowledged is marked (who, when, which request) and `alarm_acknowledged` is
  /// emitted (audited); one whose alarm ended since the arbiter looked, or that is already
  /// acknowledged, is left as it is. Returns whether a status changed.
  private func acknowledge(at now: MonotonicInstant) -> Bool {
    guard let alarms else { return false }
    var changed = false
    while let request = alarms.acknowledgements.pop() {
      guard case .alarmAcknowledge(let id) = request.command, let m = alarms.index(of: id), m < statuses.count,
        statuses[m].isActive, statuses[m].acknowledgedBy == nil
      else { continue }
      let wall = events.wallTime
      statuses[m].acknowledgedBy = request.principal
      statuses[m].acknowledgedWallNanoseconds = wall
      statuses[m].acknowledgedRequestID = request.id
      changed = true
      events.emit(
        Event(
          severity: .info, code: .alarmAcknowledged,
          source: m < moduleSources.count ? moduleSources[m] : acknowledgeSource,
          value: Double(statuses[m].alarmCode), monotonic: now, wallNanoseconds: wall,
          principal: request.principal, requestID: request.id, command: request.command.kind))
    }
    return changed
  }

  /// Keeps module `m`'s alarm state from a detector event: a new or worse alarm needs a
  /// new acknowledgement; an alarm that ended takes its acknowledgement with it.
  private func noteAlarm(_ event: LeakEvent) {
    let m = event.module
    guard m >= 0, m < statuses.count else { return }
    var status = statuses[m]
    let before = status
    switch event.kind {
    case .leakAlarm: status.tier = max(status.tier, .alarm)
    case .rapidDepress: status.tier = .rapidDepress
    case .leakTrend: if status.tier == .none { status.tier = .trend }
    case .leakCleared: status.tier = .none
    case .lowPressure: status.lowPressure = true
    case .lowPressureCleared: status.lowPressure = false
    case .sensorFault: return
    }
    if event.kind != .lowPressure, event.kind != .lowPressureCleared, event.ratePctPerHour.isFinite {
      status.lossRatePctPerHour = event.ratePctPerHour
    }
    let worse = status.tier > before.tier || (status.lowPressure && !before.lowPressure)
    if worse || !status.isActive {
      status.acknowledgedBy = nil
      status.acknowledgedWallNanoseconds = 0
      status.acknowledgedRequestID = 0
    }
    statuses[m] = status
  }

  private func updateSegments(now: Double) {
    guard let positions else { return }
    let current = positions.read()
    guard current != lastPositions else {
      // Keep masking while a hatch moves.
      if current.moving != 0 { mask(hatches: current.moving, seconds: closedMaskSeconds, now: now) }
      return
    }
    if let previous = lastPositions {
      let changed =
        (previous.open ^ current.open) | (previous.closed ^ current.closed) | (previous.moving ^ current.moving)
      // A moving hatch: the short mask, renewed each cycle until the move ends; the end
      // decides. A hatch that ended closed joined nothing: a short mask. Any other end
      // (opened, stopped between) may move gas between modules: the long one.
      let ended = changed & ~current.moving
      let closedNow = current.closed & ~current.moving
      mask(hatches: current.moving, seconds: closedMaskSeconds, now: now)
      mask(hatches: ended & closedNow, seconds: closedMaskSeconds, now: now)
      mask(hatches: ended & ~closedNow, seconds: maskSeconds, now: now)
    }
    lastPositions = current
    for h in openScratch.indices { openScratch[h] = !current.isClosed(h) }
    let labels = graph.segments(open: openScratch)
    for m in segmentOf.indices where m < labels.count { segmentOf[m] = labels[m] }
    do throws(LeakDetectorError) {
      try detector.setSegmentLabels(labels)
    } catch {
      errors &+= 1
    }
  }

  private func mask(hatches: UInt64, seconds: Double, now: Double) {
    guard hatches != 0 else { return }
    for (h, ends) in graph.hatchEnds.enumerated() where h < HatchPositions.capacity && hatches & (1 << UInt64(h)) != 0 {
      mask(module: ends.a, until: now + seconds)
      mask(module: ends.b, until: now + seconds)
    }
  }

  /// Masks `module` until `until` (seconds), at most once a second per module.
  private func mask(module: Int, until: Double) {
    guard module >= 0, module < maskedUntil.count, until > maskedUntil[module] + 1 else { return }
    maskedUntil[module] = until
    do throws(LeakDetectorError) { try detector.mask(module: module, until: until) } catch { errors &+= 1 }
  }

  /// Emits the event, keeps the module's alarm state; returns whether it was a module's.
  private func publish(_ event: LeakEvent) -> Bool {
    guard event.module >= 0, event.module < moduleSources.count else { return false }
    let source = moduleSources[event.module]
    switch event.kind {
    case .leakAlarm: emitRate(.error, .leakAlarm, event, source)
    case .leakCleared: emitRate(.info, .leakCleared, event, source)
    case .leakTrend: emitRate(.warning, .leakTrend, event, source)
    case .rapidDepress: emitRate(.error, .rapidDepress, event, source)
    case .lowPressure:
      events.emit(.error, .lowPressure, source: source, measured: event.pressurePa)
    case .lowPressureCleared:
      events.emit(.info, .lowPressureCleared, source: source, measured: event.pressurePa)
    case .sensorFault:
      let named = sensorSources[event.module]
      let sensorSource = event.sensor >= 0 && event.sensor < named.count ? named[event.sensor] : source
      let code = event.fault.flatMap { SensorFaultKind.allCases.firstIndex(of: $0) } ?? -1
      events.emit(.warning, .sensorFault, source: sensorSource, measured: Double(code))
    }
    latest = event
    noteAlarm(event)
    onLeakEvent?(event)
    return event.kind != .sensorFault
  }

  private func emitRate(_ severity: EventSeverity, _ code: EventCode, _ event: LeakEvent, _ source: EventSource) {
    events.emit(
      severity, code, source: source, measured: Self.finite(event.hoursToFloor), rate: event.ratePctPerHour,
      kgPerDay: Self.finite(event.rateKgPerDay), mmHgPerDay: Self.finite(event.rateMmHgPerDay))
  }

  private static func finite(_ value: Double) -> Double { value.isFinite ? value : .nan }

  /// The detector's last event (kg/day, mmHg/day, hours to floor, pressure): for tests
  /// and the status display; read on the leak group's thread.
  public private(set) var latest: LeakEvent?
}
