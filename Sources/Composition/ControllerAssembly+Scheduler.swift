import Controller
import Scheduler
import Station

extension ControllerAssembly {
  /// Adds the inspection scheduler (``FleetControl``) to the 1 Hz `planner` group: it
  /// reads the drones' telemetry the arbiter publishes (drones given a link at
  /// assembly; a drone without one is never assigned), submits its commands to the
  /// arbiter as autonomy, applies the operator's scan commands the arbiter hands on,
  /// and sends its records to `writer` (if any; its thread is the caller's to start).
  /// It plans around hatches the controller has closed (each ``HatchMember/passable``),
  /// keeps drones out of the modules a leak isolation works on, and puts the seals and
  /// welds of a module the isolation located first (``FleetControl/noteLeakEvidence(module:kind:at:)``).
  /// The planner's time line is the event sink's wall clock in seconds; the station
  /// file's `last_inspected_h_ago` count back from the moment the first run on the
  /// writer's database called this (saved there), else from now; `saved` (read from the
  /// writer's store) restores the schedule of an earlier run, its drone stop included.
  @discardableResult
  public func addInspectionScheduler(
    configuration: PlannerConfiguration = .init(), control: DroneControlConfiguration = .init(),
    writer: ScheduleWriter? = nil, saved: PersistedSchedule? = nil
  ) throws(ExecutiveConfigurationError) -> FleetControl {
    let events = executive.events
    let timeline = { Double(events.wallTime) / 1e9 }
    let now = timeline()
    // The station file's ages count back from the first run's start on this database, so
    // a restart does not make targets never scanned since look freshly inspected.
    let fileTimeS = saved?.fileTimeS ?? now
    if saved?.fileTimeS == nil { _ = writer?.channel.push(.fileTime(now)) }
    let fleet = FleetControl(
      planner: InspectionPlanner(station: station, configuration: configuration, fileTimeS: fileTimeS),
      configuration: control, readings: station.drones.map { droneTelemetry[$0.id] },
      submit: { [arbiter] in arbiter.submit($0) }, scanCommands: arbiter.scanCommands, store: writer?.channel,
      events: events, bootEpoch: saved?.bootEpoch ?? 0,
      hatchStates: station.hatches.compactMap { hatch in hatches[hatch.id].map { (hatch.id, $0.passable) } },
      timeline: timeline)
    if let saved { fleet.restore(saved, now: now) }
    // A drone stop of an earlier run holds until scan_resume, as if the process had not
    // restarted (the authority rules refuse autonomy's flights and, for a crew stop, any
    // other principal's resume).
    if let stopper = saved?.dronesStoppedBy, let rules = authority as? AuthorityRules {
      rules.restoreDroneStop(by: stopper)
    }
    // The isolation's findings and the modules it works on (decision 0922).
    let procedure = isolation
    fleet.isolatingModules = { procedure.isolatingModules }
    procedure.onLocated = { modules in
      for module in modules { fleet.noteLeakEvidence(module: module, kind: .alarm, at: timeline()) }
    }
    try executive.add(fleet, to: "planner")
    return fleet
  }
}
