import Controller
import CoreMetrics
import Foundation
import Prometheus

/// `/metrics` in the Prometheus text format: swift-metrics instruments on a
/// swift-prometheus registry of the server's own (no global bootstrap), brought up to
/// date from the API's state, journal and the executive's group reports at each scrape.
///
/// - `cloak_group_wake_latency_seconds{group}`: a histogram (buckets
///   ``WakeLatencyHistogram/upperBoundsS``) of each rate group's and the base tick's
///   wake-up latency, read from the executive's concurrent histograms at each scrape on
///   every board (swift-prometheus takes observations, not bucket counts kept elsewhere,
///   so these lines are written here in the same text format).
/// - `cloak_group_slips_total{group}`: from the executive's group reports where the run
///   hands them over (on sim, once a second between steps); otherwise from the
///   `base_slip`/`group_slip` events.
/// - `cloak_slips_total`, `cloak_ticks_total`: the executive's published status.
/// - `cloak_module_pressure_pa`, `cloak_module_loss_rate_pct_per_h{module}`.
/// - `cloak_alarms_total{event}`, `cloak_drones{state}`,
///   `cloak_commands_total{principal,result}`.
/// - `cloak_api_live_clients`, `cloak_api_live_dropped_total`,
///   `cloak_api_history_failures_total` (history database writes that failed).
final class OperatorMetrics: @unchecked Sendable {
  let registry = PrometheusCollectorRegistry()
  private let factory: PrometheusMetricsFactory
  private let lock = NSLock()
  private var counted: [String: Int64] = [:]
  private var gauges: [String: CoreMetrics.Gauge] = [:]
  private var counters: [String: CoreMetrics.Counter] = [:]

  init() { factory = PrometheusMetricsFactory(registry: registry) }

  private func key(_ label: String, _ dimensions: [(String, String)]) -> String {
    label + "|" + dimensions.map { "\($0.0)=\($0.1)" }.joined(separator: ",")
  }

  private func gauge(_ label: String, _ dimensions: [(String, String)] = [], _ value: Double) {
    let k = key(label, dimensions)
    let gauge = gauges[k] ?? CoreMetrics.Gauge(label: label, dimensions: dimensions, factory: factory)
    gauges[k] = gauge
    gauge.record(value)
  }

  /// Raises the counter to `total` (a counter only grows: a smaller total is ignored).
  private func counter(_ label: String, _ dimensions: [(String, String)] = [], total: Int64) {
    let k = key(label, dimensions)
    let counter = counters[k] ?? CoreMetrics.Counter(label: label, dimensions: dimensions, factory: factory)
    counters[k] = counter
    let delta = total - (counted[k] ?? 0)
    if delta > 0 {
      counter.increment(by: delta)
      counted[k] = total
    }
  }

  /// The text exposition after bringing every instrument up to date.
  func render(
    state: StateView?, counts: EventJournal.Counts, reports: [GroupReport]?,
    wake: [(group: String, snapshot: WakeLatencyHistogram.Snapshot)] = [], status: ExecutiveStatus,
    liveClients: Int, liveDropped: Int, historyFailures: Int
  ) -> [UInt8] {
    lock.lock()
    defer { lock.unlock() }
    counter("cloak_ticks_total", total: Int64(clamping: status.ticks))
    counter("cloak_slips_total", total: Int64(clamping: status.slips))
    if let reports {
      for report in reports {
        counter("cloak_group_slips_total", [("group", report.name)], total: Int64(clamping: report.slips))
      }
    } else {
      for (group, slips) in counts.slips {
        counter("cloak_group_slips_total", [("group", group)], total: Int64(slips))
      }
    }
    if let state {
      for module in state.modules {
        gauge("cloak_module_pressure_pa", [("module", module.id)], module.pressurePa ?? .nan)
        gauge("cloak_module_loss_rate_pct_per_h", [("module", module.id)], module.lossRatePctPerH ?? 0)
      }
      var byState: [String: Int] = [:]
      for name in ["docked", "preflight", "transit", "scanning", "returning", "hold", "fault", "unknown"] {
        byState[name] = 0
      }
      for drone in state.drones { byState[drone.state, default: 0] += 1 }
      for (name, count) in byState { gauge("cloak_drones", [("state", name)], Double(count)) }
    }
    for (event, count) in counts.alarms { counter("cloak_alarms_total", [("event", event)], total: Int64(count)) }
    for (principal, results) in counts.commands {
      for (result, count) in results {
        counter("cloak_commands_total", [("principal", principal), ("result", result)], total: Int64(count))
      }
    }
    gauge("cloak_api_live_clients", [], Double(liveClients))
    counter("cloak_api_live_dropped_total", total: Int64(liveDropped))
    counter("cloak_api_history_failures_total", total: Int64(historyFailures))
    return registry.emitToBuffer() + Self.histogramLines(wake)
  }

  /// `cloak_group_wake_latency_seconds` in the Prometheus text format (0.0.4): the
  /// cumulative `_bucket{le}` counts, `_sum` and `_count` per group.
  static func histogramLines(_ wake: [(group: String, snapshot: WakeLatencyHistogram.Snapshot)]) -> [UInt8] {
    guard !wake.isEmpty else { return [] }
    let name = "cloak_group_wake_latency_seconds"
    var text = "# HELP \(name) How late each rate group's cycle started after its deadline.\n"
    text += "# TYPE \(name) histogram\n"
    for (group, snapshot) in wake {
      let labels = "group=\"\(group)\""
      for (index, count) in snapshot.cumulative.enumerated() {
        let bound =
          index < WakeLatencyHistogram.upperBoundsS.count ? "\(WakeLatencyHistogram.upperBoundsS[index])" : "+Inf"
        text += "\(name)_bucket{\(labels),le=\"\(bound)\"} \(count)\n"
      }
      text += "\(name)_sum{\(labels)} \(snapshot.sumS)\n"
      text += "\(name)_count{\(labels)} \(snapshot.count)\n"
    }
    return Array(text.utf8)
  }
}
