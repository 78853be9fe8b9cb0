import AuditLog
import Crypto
import Foundation
import Testing

/// The eight leaves of the Certificate Transparency Merkle test data; the expected roots
/// below were computed independently with Python's hashlib from the RFC 9162 definition
/// (the 8-leaf root is the well-known 5dc9da79...).
let ctLeaves: [[UInt8]] = [
  [], [0x00], [0x10], [0x20, 0x21], [0x30, 0x31], [0x40, 0x41, 0x42, 0x43],
  [0x50, 0x51, 0x52, 0x53, 0x54, 0x55, 0x56, 0x57], Array(0x60...0x6F),
]

let ctRoots = [
  "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
  "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
  "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
  "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
  "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
  "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
  "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
  "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
  "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
]

func hex(_ hash: TreeHash) -> String { hash.bytes.map { String(format: "%02x", $0) }.joined() }

/// Deterministic entries for property loops.
func entries(_ count: Int) -> [[UInt8]] {
  (0..<count).map { Array("{\"i\":\($0)}".utf8) }
}

@Suite("RFC 9162 Merkle tree")
struct MerkleTreeTests {
  @Test("leaf and node hashes carry the 0x00 and 0x01 prefixes")
  func prefixes() {
    let entry: [UInt8] = [1, 2, 3]
    #expect(MerkleTree.leafHash(entry).bytes == Array(SHA256.hash(data: [0x00, 1, 2, 3])))
    let a = MerkleTree.leafHash([1])
    let b = MerkleTree.leafHash([2])
    #expect(MerkleTree.nodeHash(a, b).bytes == Array(SHA256.hash(data: [0x01] + a.bytes + b.bytes)))
  }

  @Test("roots of the CT test leaves, sizes 0 to 8, match independently computed values")
  func knownRoots() {
    let leaves = ctLeaves.map { MerkleTree.leafHash($0) }
    for size in 0...8 {
      #expect(hex(MerkleTree.rootHash(leafHashes: Array(leaves[..<size]))) == ctRoots[size], "size \(size)")
      var frontier = MerkleFrontier()
      for leaf in leaves[..<size] { frontier.append(leaf) }
      #expect(hex(frontier.root) == ctRoots[size], "frontier size \(size)")
    }
  }

  @Test("MTH splits at the largest power of two below n (hand-built 3, 5 and 7 leaf trees)")
  func nonPowerOfTwo() {
    let l = entries(7).map { MerkleTree.leafHash($0) }
    let h = MerkleTree.nodeHash
    #expect(MerkleTree.rootHash(leafHashes: Array(l[..<3])) == h(h(l[0], l[1]), l[2]))
    #expect(MerkleTree.rootHash(leafHashes: Array(l[..<5])) == h(h(h(l[0], l[1]), h(l[2], l[3])), l[4]))
    #expect(
      MerkleTree.rootHash(leafHashes: l) == h(h(h(l[0], l[1]), h(l[2], l[3])), h(h(l[4], l[5]), l[6])))
  }

  @Test("hand-built inclusion and consistency proofs in a 7-leaf tree")
  func handBuiltProofs() throws {
    let l = entries(7).map { MerkleTree.leafHash($0) }
    let h = MerkleTree.nodeHash
    // PATH(4, D[7]) = PATH(0, D[4:7]) : MTH(D[0:4]) = [l5, l6, h(h(l0,l1),h(l2,l3))]
    #expect(try MerkleTree.inclusionProof(index: 4, leafHashes: l) == [l[5], l[6], h(h(l[0], l[1]), h(l[2], l[3]))])
    // PATH(6, D[7]) = [h(l4,l5), MTH(D[0:4])]
    #expect(try MerkleTree.inclusionProof(index: 6, leafHashes: l) == [h(l[4], l[5]), h(h(l[0], l[1]), h(l[2], l[3]))])
    // PROOF(3, D[7]) (RFC 9162 2.1.4.3 example shape): [l2, l3, h(l0,l1), h(h(l4,l5),l6)]
    #expect(
      try MerkleTree.consistencyProof(oldSize: 3, leafHashes: l) == [l[2], l[3], h(l[0], l[1]), h(h(l[4], l[5]), l[6])])
    // PROOF(4, D[7]) = [MTH(D[4:7])] (old tree is a complete subtree)
    #expect(try MerkleTree.consistencyProof(oldSize: 4, leafHashes: l) == [h(h(l[4], l[5]), l[6])])
    #expect(try MerkleTree.consistencyProof(oldSize: 7, leafHashes: l) == [])
  }

  @Test(
    "inclusion proofs in trees of 1 to 200 entries (every index up to 64, sampled beyond) verify; wrong ones do not")
  func inclusionProperty() throws {
    let all = entries(200).map { MerkleTree.leafHash($0) }
    for size in 1...200 {
      let leaves = Array(all[..<size])
      let root = MerkleTree.rootHash(leafHashes: leaves)
      for index in 0..<size where size <= 64 || index % 13 == 0 || index >= size - 2 || index == size / 2 {
        let proof = try MerkleTree.inclusionProof(index: index, leafHashes: leaves)
        #expect(MerkleTree.verifyInclusion(leafHash: leaves[index], index: index, size: size, proof: proof, root: root))
        if index % 17 == 0 || index == size - 1 {
          let other = leaves[(index + 1) % size]
          if size > 1 {
            #expect(!MerkleTree.verifyInclusion(leafHash: other, index: index, size: size, proof: proof, root: root))
            #expect(
              !MerkleTree.verifyInclusion(
                leafHash: leaves[index], index: (index + 1) % size, size: size, proof: proof, root: root))
          }
          // (The size is not checked on its own: a path can fit two sizes. The checkpoint
          // signs size and root together, and the root differs.)
          #expect(
            !MerkleTree.verifyInclusion(leafHash: leaves[index], index: index, size: size, proof: proof, root: all[199])
          )
          if let first = proof.first {
            var bad = proof
            bad[0] = MerkleTree.nodeHash(first, first)
            #expect(
              !MerkleTree.verifyInclusion(leafHash: leaves[index], index: index, size: size, proof: bad, root: root))
            #expect(
              !MerkleTree.verifyInclusion(
                leafHash: leaves[index], index: index, size: size, proof: Array(proof.dropLast()), root: root))
          }
        }
      }
    }
    #expect(throws: MerkleTreeError.indexOutOfRange(index: 3, size: 3)) {
      try MerkleTree.inclusionProof(index: 3, leafHashes: Array(all[..<3]))
    }
  }

  @Test(
    "consistency proofs between every pair of sizes up to 64, and sampled pairs up to 200, verify; tampered ones do not"
  )
  func consistencyProperty() throws {
    let all = entries(200).map { MerkleTree.leafHash($0) }
    var roots = [MerkleTree.emptyRoot]
    var frontier = MerkleFrontier()
    for leaf in all {
      frontier.append(leaf)
      roots.append(frontier.root)
    }
    for newSize in 1...200 {
      #expect(roots[newSize] == MerkleTree.rootHash(leafHashes: Array(all[..<newSize])))
      let leaves = Array(all[..<newSize])
      for oldSize in 0...newSize where newSize <= 64 || oldSize % 13 == 0 || oldSize >= newSize - 2 || oldSize < 3 {
        let proof = try MerkleTree.consistencyProof(oldSize: oldSize, leafHashes: leaves)
        #expect(
          MerkleTree.verifyConsistency(
            oldSize: oldSize, newSize: newSize, oldRoot: roots[oldSize], newRoot: roots[newSize], proof: proof),
          "\(oldSize) -> \(newSize)")
        guard oldSize > 0, oldSize < newSize else { continue }
        // A different old tree (another history) must not be provably consistent.
        #expect(
          !MerkleTree.verifyConsistency(
            oldSize: oldSize, newSize: newSize, oldRoot: MerkleTree.leafHash([0xFF]), newRoot: roots[newSize],
            proof: proof))
        #expect(
          !MerkleTree.verifyConsistency(
            oldSize: oldSize, newSize: newSize, oldRoot: roots[oldSize], newRoot: roots[newSize - 1], proof: proof))
        var bad = proof
        bad[bad.count - 1] = MerkleTree.leafHash([0xEE])
        #expect(
          !MerkleTree.verifyConsistency(
            oldSize: oldSize, newSize: newSize, oldRoot: roots[oldSize], newRoot: roots[newSize], proof: bad))
      }
    }
  }
}
