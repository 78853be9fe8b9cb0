import Boards
import Composition
import Controller
import Foundation
import HAL
import MockHAL
import Scheduler
import Station

extension ScenarioVocabulary {
  /// The controller's vocabulary: its event names, principals, rejection codes and the
  /// one command parser (``Command/parse(name:arguments:)``).
  public static let controller = ScenarioVocabulary(
    eventNames: EventCode.allCases.map(\.description), principals: Principal.allCases.map(\.description),
    rejections: RejectionCode.allCases.map(\.description),
    checkCommand: { name, arguments in
      do {
        _ = try Command.parse(name: name, arguments: arguments)
        return nil
      } catch {
        return "\(error)"
      }
    })
}

/// Loading scenario files against the controller's vocabulary.
public enum ScenarioFiles {
  /// Loads the scenario `nameOrPath` (a name in examples/scenarios, or a path) for
  /// `station`. Throws every problem as `FILE:LINE: KEY.PATH: message`.
  public static func load(_ nameOrPath: String, station: StationDescription) throws(BoardLoadError)
    -> ScenarioDescription
  {
    let path = try ScenarioCatalog.standard().locate(nameOrPath)
    return try ScenarioLoader.load(path: path, station: station, vocabulary: .controller)
  }
}

/// One line of a run's human timeline: something the simulation did (an injection, a
/// hatch reaching an end stop, a drone arriving) or a command's response.
public struct TimelineNote: Sendable, Hashable {
  /// Simulated seconds since the start.
  public var timeS: Double
  public var text: String
}

/// An expectation's outcome.
public struct ExpectationResult: Sendable, Hashable {
  public var expectation: ScenarioDescription.Expectation
  public var passed: Bool
  /// What was found (the matching event's time, the pressure measured, ...).
  public var detail: String
}

/// A scenario run: the sim board brought up on a virtual clock, the full controller
/// (``ControllerAssembly``, unchanged, its default rates) over it, the
/// ``StationSimulation`` as the station, the scenario's timeline applied and its
/// expectations judged.
///
/// Time advances in physics steps (0.1 s): each step applies the injections due, steps
/// the physics and devices, then runs the executive to the step's end and drains its
/// events (to `consumers` and to the expectation recorder) and command responses.
/// Simulated wall time starts at the scenario's `start_utc`, so records are the same
/// byte for byte for the same seed.
///
/// The controller is the deployed one: the simulation's drone links are given to the
/// assembly and the inspection scheduler (``FleetControl``) runs in the 1 Hz planner
/// group, so drones are armed, given thrust and sent orders through the arbiter and
/// fly their scans in the simulation (`scan_started`, `scan_done`, `drone_state`). With
/// a schedule database its writer thread persists the schedule (it writes only the
/// database: nothing it does reaches the events).
public final class ScenarioRun {
  public let scenario: ScenarioDescription
  public let station: StationDescription
  public let clock: VirtualClock
  public let board: RunningBoard
  public let assembly: ControllerAssembly
  public let simulation: StationSimulation
  public let seed: UInt64
  /// The inspection scheduler in the planner group.
  public let fleet: FleetControl
  /// The schedule database's writer (running while the run does), when one was given.
  public let scheduleWriter: ScheduleWriter?
  /// The monotonic instant event records count from.
  public let origin: MonotonicInstant
  /// Called with each timeline note as it happens.
  public var onNote: ((TimelineNote) -> Void)?
  /// Offered every command response the run drains from the arbiter, first: returns
  /// true when the response answered one of its requests (the command link's and the
  /// operator API's ``ResponseRouter/offer(_:)``: on the sim board this run is the one
  /// consumer of the arbiter's responses). Set before the first ``advance(to:)``.
  public var claimResponse: ((CommandResponse) -> Bool)?
  /// Every note so far.
  public private(set) var notes: [TimelineNote] = []
  /// Events of each name seen (for the summary).
  public var eventCounts: [String: Int] { recorder.counts }

  private let recorder: ExpectationRecorder
  private var nextAction = 0
  private var steps: Int64 = 0
  /// Timeline commands' request ids: 1, 2, ... (``RequestIDSpace/chosen``).
  private var requestIDs = RequestIDCounter(first: 1, last: RequestIDSpace.chosen.last)
  private var physical: [Int: ExpectationResult] = [:]
  private var stopped = false

  /// Builds the run. `seed` overrides the scenario's. `scheduleDatabase`: the schedule
  /// database's path (created if absent; a schedule saved there by an earlier run is
  /// restored, as after a controller restart), or nil for none (nothing persisted).
  /// Throws naming what does not fit (a station the board cannot carry, a sensor
  /// without an emulator, a schedule database that cannot be opened).
  public init(
    scenario: ScenarioDescription, station: StationDescription, board description: BoardDescription,
    seed: UInt64? = nil, consumers: [any EventConsumer] = [], serviceWatchdog: (any Watchdog)? = nil,
    scheduleDatabase: String? = nil
  ) throws(SimulationSetupError) {
    self.scenario = scenario
    self.station = station
    self.seed = seed ?? scenario.seed
    clock = VirtualClock()
    origin = clock.now()
    do {
      board = try BoardAssembly.bringUp(
        description, options: .init(initialiseSensors: false, openWatchdog: false, sensorProfile: .loop),
        simClock: clock)
    } catch {
      throw SimulationSetupError("board \(description.name): \(error)")
    }
    guard let backend = board.backend as? SimBackend else {
      throw SimulationSetupError("board \(description.name) is not a sim board: the simulation needs emulated devices")
    }
    do { _ = try StationBinding(station: station, board: description) } catch {
      throw SimulationSetupError("station \(station.name) does not fit board \(description.name):\n\(error)")
    }
    simulation = try StationSimulation(
      station: station, backend: backend, board: description, seed: self.seed, settings: scenario.physics)
    recorder = ExpectationRecorder(origin: origin)
    let wallClock = OffsetWallClock(clock: clock, epochNanosecondsAtZero: scenario.startUTCNanoseconds)
    do {
      assembly = try ControllerAssembly(
        board: board, station: station, configuration: .standard(), consumer: EventFanOut([recorder] + consumers),
        wallClock: wallClock, serviceWatchdog: serviceWatchdog, droneLinks: simulation.links)
    } catch {
      throw SimulationSetupError("\(error)")
    }
    var writer: ScheduleWriter?
    var saved: PersistedSchedule?
    if let scheduleDatabase {
      do {
        let store = try ScheduleStore(path: scheduleDatabase)
        saved = try store.load()
        writer = ScheduleWriter(store: store)
      } catch {
        throw SimulationSetupError("\(error)")
      }
    }
    do {
      fleet = try assembly.addInspectionScheduler(writer: writer, saved: saved)
    } catch {
      throw SimulationSetupError("\(error)")
    }
    scheduleWriter = writer
    writer?.start()
    // Idle base ticks (the tick counter alone) in bulk: same records, fewer sleeps (decision 1210).
    assembly.executive.skipsIdleTicks = true
    assembly.initialiseSamplers()
    assembly.executive.events.emit(.info, .runStarted, source: .executive)
  }

  /// Simulated seconds since the start.
  public var time: Double { Double(steps) * simulation.physics.parameters.stepS }

  /// The physics step, s.
  public var stepS: Double { simulation.physics.parameters.stepS }

  /// Runs until simulated time `seconds` (whole steps).
  public func advance(to seconds: Double) {
    let step = stepS
    while !stopped, time + step / 2 <= seconds { stepOnce() }
  }

  private func stepOnce() {
    let now = time
    while nextAction < scenario.timeline.count, scenario.timeline[nextAction].atS <= now + 1e-9 {
      apply(scenario.timeline[nextAction], at: now)
      nextAction += 1
    }
    for text in simulation.step() { note(text, at: now + stepS) }
    steps += 1
    let executive = assembly.executive
    executive.run(until: origin.advanced(by: .nanoseconds(steps * Int64((stepS * 1e9).rounded()))))
    executive.events.flush()
    while let response = assembly.arbiter.responses.pop() {
      if claimResponse?(response) == true { continue }
      if response.rejection != nil { note("response \(response)", at: time) }
    }
    judgePhysical()
  }

  private func apply(_ entry: ScenarioDescription.TimedAction, at now: Double) {
    if case .command(let principalName, let name, let arguments) = entry.action {
      guard let principal = Principal(name: principalName) else { return }
      do {
        let command = try Command.parse(name: name, arguments: arguments)
        let id = requestIDs.take()
        note(
          "\(principalName) sends \(name) \(arguments.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")) #\(id)",
          at: now)
        if let busy = assembly.submit(CommandRequest(id: id, principal: principal, command: command)) {
          note("response \(busy)", at: now)
        }
      } catch {
        note("command \(name) not sent: \(error)", at: now)
      }
      return
    }
    if case .leakEvidence(let module, let kind) = entry.action {
      let evidence: LeakEvidence = kind == .alarm ? .alarm : .trend
      let atS = Double(assembly.executive.events.wallTime) / 1e9
      let taken = fleet.noteLeakEvidence(module: module, kind: evidence, at: atS)
      note("leak evidence for the scheduler: \(evidence) in \(module)" + (taken ? "" : " (lost: inbox full)"), at: now)
      return
    }
    if let text = simulation.apply(entry.action) { note(text, at: now) }
    if case .crewMove = entry.action {
      // The crew's location report: the controller's crew interlock and authority follow it.
      assembly.crewLocation.set(simulation.crew.filter { $0.value > 0 }.map(\.key))
    }
  }

  private func note(_ text: String, at seconds: Double) {
    let entry = TimelineNote(timeS: seconds, text: text)
    notes.append(entry)
    onNote?(entry)
  }

  private func judgePhysical() {
    let now = time
    for (index, expectation) in scenario.expectations.enumerated() where physical[index] == nil {
      switch expectation.condition {
      case .pressure(let module, let above, let pascals, let at) where at <= now + 1e-9:
        let value = simulation.pressure(of: module) ?? .nan
        physical[index] = .init(
          expectation: expectation, passed: above ? value > pascals : value < pascals,
          detail: String(format: "%.1f Pa at %.1f s", value, now))
      case .hatch(let id, let position, let at) where at <= now + 1e-9:
        let end = simulation.hatch(id)?.endStop
        physical[index] = .init(
          expectation: expectation, passed: end?.rawValue == position.rawValue,
          detail: "hatch \(end?.rawValue ?? "between") at \(String(format: "%.1f", now)) s")
      case .droneIn(let id, let module, let at) where at <= now + 1e-9:
        let drone = simulation.drone(id)
        let passed = drone?.module == module && drone?.enRouteTo == nil
        physical[index] = .init(
          expectation: expectation, passed: passed,
          detail: "drone in \(drone.map { $0.enRouteTo.map { "transit to \($0)" } ?? "\($0.module)" } ?? "-")")
      default:
        break
      }
    }
  }

  /// Ends the run: the executive's shutdown (every actuator to its safe state), the
  /// stop record (its reason is the record formatter's), and each expectation judged (a physical condition at a
  /// time the run did not reach fails).
  @discardableResult
  public func finish() -> [ExpectationResult] {
    let executive = assembly.executive
    if !stopped {
      stopped = true
      executive.requestShutdown()
      executive.run(until: clock.now().advanced(by: .milliseconds(100)))
      executive.events.emit(.info, .runStopped, source: .executive)
      executive.events.flush()
      scheduleWriter?.stop()
    }
    return results()
  }

  /// Each expectation judged against what has happened so far.
  public func results() -> [ExpectationResult] {
    scenario.expectations.enumerated().map { index, expectation in
      if let judged = physical[index] { return judged }
      switch expectation.condition {
      case .event(let filter, let after, let before):
        if let hit = recorder.first(filter, from: after, until: before, inclusiveEnd: false) {
          return .init(expectation: expectation, passed: true, detail: String(format: "at %.1f s", hit))
        }
        return .init(expectation: expectation, passed: false, detail: "no such event")
      case .noEvent(let filter, let from, let until):
        if let hit = recorder.first(filter, from: from, until: until ?? .infinity, inclusiveEnd: true) {
          return .init(expectation: expectation, passed: false, detail: String(format: "one at %.1f s", hit))
        }
        if let until, time < until {
          return .init(
            expectation: expectation, passed: false,
            detail: String(format: "the run ended at %.1f s, before the window did", time))
        }
        return .init(expectation: expectation, passed: true, detail: "none")
      default:
        return .init(
          expectation: expectation, passed: false, detail: String(format: "the run ended at %.1f s, before it", time))
      }
    }
  }
}

/// Keeps what expectations match on: each event's name, subject, principal, command,
/// rejection and time since the start.
final class ExpectationRecorder: EventConsumer, @unchecked Sendable {
  struct Seen {
    var name: String
    var timeS: Double
    var subject: EventSubject
    var principal: String?
    var command: String?
    var rejection: String?
  }

  private let origin: MonotonicInstant
  private var seen: [Seen] = []
  private(set) var counts: [String: Int] = [:]

  init(origin: MonotonicInstant) { self.origin = origin }

  func consume(_ event: Event, subject: EventSubject) {
    let name = event.code.description
    counts[name, default: 0] += 1
    seen.append(
      Seen(
        name: name, timeS: Double(event.monotonic.nanoseconds &- origin.nanoseconds) / 1e9, subject: subject,
        principal: event.principal?.description, command: event.command?.description,
        rejection: event.rejection?.description))
  }

  /// The time of the first event matching `filter` in the window, or nil.
  func first(_ filter: ScenarioDescription.EventFilter, from: Double, until: Double, inclusiveEnd: Bool) -> Double? {
    seen.first { entry in
      guard entry.name == filter.event, entry.timeS >= from, inclusiveEnd ? entry.timeS <= until : entry.timeS < until
      else { return false }
      if let v = filter.module, entry.subject.module != v { return false }
      if let v = filter.sensor, entry.subject.sensor != v { return false }
      if let v = filter.hatch, entry.subject.hatch != v { return false }
      if let v = filter.drone, entry.subject.drone != v { return false }
      if let v = filter.principal, entry.principal != v { return false }
      if let v = filter.command, entry.command != v { return false }
      if let v = filter.rejection, entry.rejection != v { return false }
      return true
    }?.timeS
  }
}
