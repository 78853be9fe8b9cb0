import ArgumentParser
import AuditLog
import Foundation

/// `cloak bench audit [--dir DIR] [--routine N] [--safety N] [--proof-size N] [--runs R]`:
/// audit log throughput with the default fsync policy, safety entries (signature + fsync
/// each), reading and checking a log, and inclusion proof generation.
struct BenchAudit: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "audit",
    abstract: "Audit log: appends per second (routine, safety), verify and proof times (medians of runs).",
    discussion: "Writes its logs in --dir (default: the current directory; use a real disk, tmpfs fsync is free)."
  )

  @Option(help: "Directory for the temporary logs.")
  var dir = "."

  @Option(help: "Routine entries per run.")
  var routine = 20_000

  @Option(help: "Safety entries per run.")
  var safety = 200

  @Option(help: "Tree size for the inclusion proof timing.")
  var proofSize = 100_000

  @Option(help: "Runs; medians are reported.")
  var runs = 5

  func run() throws {
    guard routine > 0, safety > 0, proofSize > 0, runs > 0 else { throw ValidationError("counts must be positive") }
    let signer = try NoteSigner.generate(name: "bench/audit")
    let path = "\(dir)/cloak-bench-audit-\(getpid()).log"
    defer {
      try? FileManager.default.removeItem(atPath: path)
    }
    let clock = ContinuousClock()
    let stamp: @Sendable () -> (timeS: Double, utc: String) = { (0, "2026-11-26T17:00:00.000Z") }
    func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }

    func appendRun(count: Int, durability: AuditWriter.Durability) throws -> Double {
      try? FileManager.default.removeItem(atPath: path)
      let writer = AuditWriter(file: try AuditLogFile(path: path, signer: signer), stamp: stamp)
      let start = clock.now
      for i in 0..<count {
        let entry = AuditEntry.make(
          timeS: Double(i) / 1000, utc: "2026-11-26T17:00:00.000Z", event: "bench", principal: "autonomy",
          fields: [("i", String(i))])
        guard writer.submitWaiting(entry, durability: durability, timeout: .seconds(60)) == .queued else {
          throw ValidationError("writer refused an entry: \(writer.status)")
        }
      }
      writer.close()
      return Double(count) / AuditWriter.seconds(start.duration(to: clock.now))
    }

    var routineRates: [Double] = []
    var safetyRates: [Double] = []
    var scanTimes: [Double] = []
    for _ in 0..<runs {
      routineRates.append(try appendRun(count: routine, durability: .routine))
      let bytes = try DurableFile.read(path)
      let start = clock.now
      let scan = AuditLogScan(bytes: bytes, pinnedKey: signer.verifier)
      scanTimes.append(AuditWriter.seconds(start.duration(to: clock.now)))
      guard scan.problem == nil, scan.size == routine else { throw ValidationError("bench log did not verify") }
      safetyRates.append(try appendRun(count: safety, durability: .safety))
    }
    let leaves = (0..<proofSize).map { MerkleTree.leafHash(Array("{\"i\":\($0)}".utf8)) }
    var proofTimes: [Double] = []
    var verifyTimes: [Double] = []
    let root = MerkleTree.rootHash(leafHashes: leaves)
    for run in 0..<runs {
      let index = (run * 7919) % proofSize
      let start = clock.now
      let proof = try MerkleTree.inclusionProof(index: index, leafHashes: leaves)
      let mid = clock.now
      let ok = MerkleTree.verifyInclusion(
        leafHash: leaves[index], index: index, size: proofSize, proof: proof, root: root)
      let end = clock.now
      guard ok else { throw ValidationError("proof did not verify") }
      proofTimes.append(AuditWriter.seconds(start.duration(to: mid)))
      verifyTimes.append(AuditWriter.seconds(mid.duration(to: end)))
    }
    print(
      "routine appends: \(Int(median(routineRates))) entries/s (\(routine) entries per run, default policy, incl. close)"
    )
    print("safety appends:  \(Int(median(safetyRates))) entries/s (each: write, signed checkpoint, fsync)")
    print("read + check:    \(String(format: "%.1f", median(scanTimes) * 1000)) ms for \(routine) entries")
    print(
      "inclusion proof: \(String(format: "%.1f", median(proofTimes) * 1000)) ms to generate at size \(proofSize), "
        + "\(String(format: "%.1f", median(verifyTimes) * 1e6)) us to verify")
    print("(medians of \(runs) runs)")
  }
}
