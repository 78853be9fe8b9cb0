import Drivers
import HAL

/// Every station hatch's position as its sensors last said, as bit masks over the
/// station's hatch order (bit `h` = hatch `h` in ``StationDescription/hatches``; at most
/// 64 hatches). A plain value, so publishing it through a ``Snapshot`` never allocates.
/// A hatch in none of `open` and `closed` is between its end stops, or its sensors
/// could not be read.
public struct HatchPositions: Sendable, Hashable {
  /// Hatches whose open sensor is active.
  public var open: UInt64
  /// Hatches whose closed sensor is active.
  public var closed: UInt64
  /// Hatches with a move running (drive line energised).
  public var moving: UInt64
  /// Hatches whose sensors failed to read, conflicted, or whose actuator latched a fault.
  public var faulted: UInt64

  public init(open: UInt64 = 0, closed: UInt64 = 0, moving: UInt64 = 0, faulted: UInt64 = 0) {
    self.open = open
    self.closed = closed
    self.moving = moving
    self.faulted = faulted
  }

  /// The largest number of hatches the masks hold.
  public static let capacity = 64

  /// Whether hatch `index` is confirmed closed (its closed sensor active, not moving).
  public func isClosed(_ index: Int) -> Bool {
    index >= 0 && index < Self.capacity && closed & (1 << UInt64(index)) != 0 && moving & (1 << UInt64(index)) == 0
  }

  /// Whether hatch `index` is confirmed open (its open sensor active, not moving).
  public func isOpen(_ index: Int) -> Bool {
    index >= 0 && index < Self.capacity && open & (1 << UInt64(index)) != 0 && moving & (1 << UInt64(index)) == 0
  }
}

/// Publishes the hatches' positions for the other rate groups (the leak group reads
/// them through the snapshot, never by touching a ``HatchMember``). An actuators-group
/// member added after the hatch members: every `every` cycles it reads each hatch's two
/// position sensors (one GPIO read each) and its actuator state, and publishes a new
/// ``HatchPositions`` only when something changed. No allocation.
public final class HatchPositionPublisher: RateGroupMember, @unchecked Sendable {
  public let name = "hatch-positions"
  private let hatches: [HatchMember]
  /// The published positions (read from any one other group).
  public let positions: Snapshot<HatchPositions>
  private let every: Int
  private var cycle = 0
  private var last: HatchPositions?

  /// - Parameters: `hatches` in station hatch order (at most ``HatchPositions/capacity``;
  ///   later ones are ignored), `every` cycles between reads (at least 1).
  public init(hatches: [HatchMember], every: Int = 5) {
    self.hatches = Array(hatches.prefix(HatchPositions.capacity))
    self.every = max(every, 1)
    positions = Snapshot(HatchPositions())
  }

  public func run(_ tick: TickContext) {
    cycle += 1
    guard cycle >= every || last == nil else { return }
    cycle = 0
    var now = HatchPositions()
    for (index, member) in hatches.enumerated() {
      let bit: UInt64 = 1 << UInt64(index)
      let actuator = member.hatch
      if case .moving = actuator.state { now.moving |= bit }
      if actuator.fault != nil { now.faulted |= bit }
      do throws(ActuatorError) {
        switch try actuator.position() {
        case .open: now.open |= bit
        case .closed: now.closed |= bit
        case .between: break
        }
      } catch {
        now.faulted |= bit
      }
    }
    if now != last {
      last = now
      positions.publish(now)
    }
  }
}
