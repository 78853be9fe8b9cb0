import Station
import Testing

@Suite struct StationGraphTests {
  // A chain 0 - 1 - 2 - 3 with a branch 1 - 4.
  let graph = StationGraph(
    moduleCount: 5,
    hatchEnds: [.init(a: 0, b: 1), .init(a: 1, b: 2), .init(a: 2, b: 3), .init(a: 1, b: 4)])

  @Test func segmentsFollowOpenHatches() {
    #expect(graph.segments(open: [true, true, true, true]) == [0, 0, 0, 0, 0])
    #expect(graph.segments(open: [true, false, true, true]) == [0, 0, 2, 2, 0])
    #expect(graph.segments(open: [false, false, false, false]) == [0, 1, 2, 3, 4])
  }

  @Test func connectivity() {
    #expect(graph.isConnected)
    #expect(!StationGraph(moduleCount: 3, hatchEnds: [.init(a: 0, b: 1)]).isConnected)
    #expect(graph.connected(0, 4, open: [true, false, false, true]))
    #expect(!graph.connected(0, 3, open: [true, false, true, true]))
  }

  @Test func shortestPathUsesOnlyUsableHatches() {
    #expect(graph.path(from: 0, to: 3, usable: [true, true, true, true]) == [0, 1, 2])
    #expect(graph.path(from: 4, to: 0, usable: [true, true, true, true]) == [3, 0])
    #expect(graph.path(from: 0, to: 3, usable: [true, false, true, true]) == nil)
    #expect(graph.path(from: 2, to: 2, usable: []) == [])
    #expect(graph.path(from: 0, to: 9, usable: [true, true, true, true]) == nil)
  }

  @Test func idGrammar() {
    #expect(ModuleID(parsing: "node1") != nil)
    #expect(ModuleID(parsing: "n1-n2_x") != nil)
    #expect(ModuleID(parsing: "Node1") == nil)
    #expect(ModuleID(parsing: "") == nil)
    #expect(ModuleID(parsing: "-x") == nil)
    #expect(ModuleID(parsing: String(repeating: "a", count: 65)) == nil)
    #expect(BoardRole(parsing: "pressure.node1.a") != nil)
    #expect(BoardRole(parsing: "pressure") == nil)
    #expect(BoardRole(parsing: "pressure..a") == nil)
  }
}
