import ArgumentParser
import Foundation
import Scheduler

#if canImport(Glibc)
  import Glibc
  import LinuxHAL
#endif

/// `cloak bench plan`: CPU time of one planner step (score every target, assign every
/// drone) and of a full horizon plan, on a synthetic station (docs/scheduler.md).
struct BenchPlan: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "plan",
    abstract: "CPU time of one allocation step and of a full 24 h plan (10,000 targets, 32 drones by default)."
  )

  @Option(help: "Targets on the synthetic station.") var targets = 10_000
  @Option(help: "Drones.") var drones = 32
  @Option(help: "Modules.") var modules = 40
  @Option(help: "Timed allocation steps (the median is reported).") var steps = 200
  @Option(help: "Full-horizon plans (the median is reported).") var plans = 5
  @Option(help: "Horizon of the full plan (default: 1d).", transform: DurationArgument.parse)
  var horizon = DurationArgument(seconds: 86_400)
  @Flag(
    help:
      "Count heap allocations in the steady-state steps (needs the LD_PRELOAD counter of scripts/count-allocations).")
  var countAllocations = false
  @Flag(help: "Print one JSON object.") var json = false

  func validate() throws {
    guard targets > 0, drones > 0, modules >= 2, steps > 0, plans > 0 else {
      throw ValidationError("--targets, --drones, --steps and --plans must be positive, --modules at least 2")
    }
    try horizon.requirePositive("--horizon")
  }

  func run() throws {
    let station = SyntheticStation.make(modules: modules, targets: targets, drones: drones)
    let planner = InspectionPlanner(station: station)
    // Warm up: the travel table and a first ranking.
    for _ in 0..<10 { planner.step(now: 0) }
    func reset() {
      for d in planner.drones.indices {
        if planner.drones[d].target >= 0 { planner.release(target: planner.drones[d].target) }
        planner.drones[d].available = true
        planner.drones[d].docked = true
        planner.drones[d].module = planner.dock(of: d)
        planner.drones[d].batteryWh = planner.capacityWh(of: d)
      }
    }
    #if canImport(Glibc)
      let probe = countAllocations ? AllocationCounter.threadCounter() : nil
      if countAllocations && probe == nil {
        throw ValidationError(
          "--count-allocations: the allocation counter is not preloaded (scripts/count-allocations)")
      }
    #else
      let probe: (@Sendable () -> UInt64)? = nil
    #endif
    var stepTimes: [Double] = []
    var assigned = 0
    var work = 0
    var allocations: UInt64 = 0
    var stepsAllocating = 0
    stepTimes.reserveCapacity(steps)
    for i in 0..<steps {
      reset()
      let before = probe?() ?? 0
      let start = cpuNanoseconds()
      planner.step(now: Double(i))
      stepTimes.append(Double(cpuNanoseconds() - start) / 1_000)
      let allocated = (probe?() ?? 0) - before
      allocations += allocated
      if allocated > 0 { stepsAllocating += 1 }
      assigned = planner.assignmentCount
      work = planner.lastStepWork
    }
    var planTimes: [Double] = []
    var scans = 0
    var rankings = 0
    for _ in 0..<plans {
      let start = cpuNanoseconds()
      let plan = HorizonPlan.make(station: station, horizonS: horizon.seconds)
      planTimes.append(Double(cpuNanoseconds() - start) / 1_000_000)
      scans = plan.scans.count
      rankings = plan.rankings
    }
    let step = median(stepTimes)
    let plan = median(planTimes)
    if json {
      print(
        "{\"targets\": \(targets), \"drones\": \(drones), \"modules\": \(modules), "
          + "\"step_us_median\": \(fixed(step)), \"step_us_max\": \(fixed(stepTimes.max() ?? 0)), "
          + "\"step_assignments\": \(assigned), \"step_work_units\": \(work), "
          + "\"plan_ms_median\": \(fixed(plan)), \"plan_scans\": \(scans), \"plan_rankings\": \(rankings), \"horizon_s\": \(horizon.seconds)"
          + (probe != nil ? ", \"step_allocations\": \(allocations)" : "") + "}")
    } else {
      print("synthetic station: \(modules) modules, \(targets) targets, \(drones) drones")
      print(
        "allocation step: \(fixed(step)) us median, \(fixed(stepTimes.max() ?? 0)) us max of \(steps) "
          + "(\(assigned) drones assigned, \(work) work units)")
      if probe != nil { print("heap allocations in \(steps) steps: \(allocations) (in \(stepsAllocating) steps)") }
      print("full \(horizon) plan: \(fixed(plan)) ms median of \(plans) (\(scans) scans, \(rankings) full rankings)")
    }
  }

  private func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    guard !sorted.isEmpty else { return 0 }
    return sorted.count % 2 == 1
      ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
  }

  private func fixed(_ value: Double) -> String { String(format: "%.1f", value) }

  /// This thread's CPU time (the machine is shared).
  private func cpuNanoseconds() -> Int64 {
    #if canImport(Glibc)
      var ts = timespec()
      clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts)
      return Int64(ts.tv_sec) &* 1_000_000_000 &+ Int64(ts.tv_nsec)
    #else
      return Int64(DispatchTime.now().uptimeNanoseconds)
    #endif
  }
}
