import Crypto

/// A SHA-256 tree hash (32 bytes): a leaf hash, an interior node hash or a root.
public struct TreeHash: Hashable, Sendable, CustomStringConvertible {
  /// The 32 digest bytes.
  public let bytes: [UInt8]

  /// Wraps 32 bytes; nil for any other length.
  public init?(bytes: [UInt8]) {
    guard bytes.count == 32 else { return nil }
    self.bytes = bytes
  }

  init(digest: SHA256.Digest) {
    self.bytes = Array(digest)
  }

  /// Parses standard base64 (RFC 4648 section 4, padded) of 32 bytes; nil otherwise.
  public init?(base64: String) {
    guard let decoded = Base64.decode(base64) else { return nil }
    self.init(bytes: decoded)
  }

  /// Standard padded base64, as in a tlog checkpoint's root hash line.
  public var base64: String { Base64.encode(bytes) }

  public var description: String { base64 }
}

/// Merkle tree hashing of RFC 9162 (Certificate Transparency v2) section 2.1: leaf hash
/// `SHA-256(0x00 || entry)`, node hash `SHA-256(0x01 || left || right)`, the Merkle Tree
/// Hash `MTH` that splits `n` leaves at the largest power of two below `n`, inclusion proofs
/// (section 2.1.3) and consistency proofs (section 2.1.4), generated and verified.
///
/// Generation works on the leaf hashes of the whole tree and costs O(n) hashes; verification
/// costs O(log n). Sizes and indexes are leaf counts.
public enum MerkleTree {
  /// `SHA-256(0x00 || entry)` (RFC 9162 section 2.1.1).
  public static func leafHash<Bytes: Sequence>(_ entry: Bytes) -> TreeHash where Bytes.Element == UInt8 {
    var hasher = SHA256()
    hasher.update(data: [0x00])
    hasher.update(data: Array(entry))
    return TreeHash(digest: hasher.finalize())
  }

  /// `SHA-256(0x01 || left || right)` (RFC 9162 section 2.1.1).
  public static func nodeHash(_ left: TreeHash, _ right: TreeHash) -> TreeHash {
    var hasher = SHA256()
    hasher.update(data: [0x01])
    hasher.update(data: left.bytes)
    hasher.update(data: right.bytes)
    return TreeHash(digest: hasher.finalize())
  }

  /// The hash of an empty tree: `SHA-256()` of no bytes.
  public static let emptyRoot = TreeHash(digest: SHA256.hash(data: [UInt8]()))

  /// The largest power of two strictly below `n` (n >= 2).
  static func splitPoint(_ n: Int) -> Int {
    var k = 1
    while k << 1 < n { k <<= 1 }
    return k
  }

  /// MTH over the given leaf hashes (RFC 9162 section 2.1.1); the empty root for none.
  public static func rootHash(leafHashes: ArraySlice<TreeHash>) -> TreeHash {
    switch leafHashes.count {
    case 0: return emptyRoot
    case 1: return leafHashes[leafHashes.startIndex]
    default:
      let k = splitPoint(leafHashes.count)
      let mid = leafHashes.startIndex + k
      return nodeHash(
        rootHash(leafHashes: leafHashes[leafHashes.startIndex..<mid]),
        rootHash(leafHashes: leafHashes[mid...]))
    }
  }

  /// MTH over all the given leaf hashes.
  public static func rootHash(leafHashes: [TreeHash]) -> TreeHash {
    rootHash(leafHashes: leafHashes[...])
  }

  /// The audit path `PATH(index, D[n])` of RFC 9162 section 2.1.3.1, leaf sibling first.
  /// - Throws: `MerkleTreeError.indexOutOfRange` when `index >= leafHashes.count`.
  public static func inclusionProof(index: Int, leafHashes: [TreeHash]) throws(MerkleTreeError) -> [TreeHash] {
    guard index >= 0, index < leafHashes.count else {
      throw .indexOutOfRange(index: index, size: leafHashes.count)
    }
    var proof: [TreeHash] = []
    path(index, leafHashes[...], into: &proof)
    return proof
  }

  private static func path(_ m: Int, _ d: ArraySlice<TreeHash>, into proof: inout [TreeHash]) {
    guard d.count > 1 else { return }
    let k = splitPoint(d.count)
    let mid = d.startIndex + k
    if m < k {
      path(m, d[d.startIndex..<mid], into: &proof)
      proof.append(rootHash(leafHashes: d[mid...]))
    } else {
      path(m - k, d[mid...], into: &proof)
      proof.append(rootHash(leafHashes: d[d.startIndex..<mid]))
    }
  }

  /// The consistency proof `PROOF(oldSize, D[n])` of RFC 9162 section 2.1.4.1 between the
  /// tree of the first `oldSize` leaves and the tree of all of them. Empty when `oldSize` is
  /// 0 or equals the size.
  /// - Throws: `MerkleTreeError.sizeOutOfRange` when `oldSize` is negative or beyond the tree.
  public static func consistencyProof(oldSize: Int, leafHashes: [TreeHash]) throws(MerkleTreeError) -> [TreeHash] {
    guard oldSize >= 0, oldSize <= leafHashes.count else {
      throw .sizeOutOfRange(oldSize: oldSize, size: leafHashes.count)
    }
    var proof: [TreeHash] = []
    if oldSize > 0 { subproof(oldSize, leafHashes[...], complete: true, into: &proof) }
    return proof
  }

  private static func subproof(_ m: Int, _ d: ArraySlice<TreeHash>, complete: Bool, into proof: inout [TreeHash]) {
    if m == d.count {
      if !complete { proof.append(rootHash(leafHashes: d)) }
      return
    }
    let k = splitPoint(d.count)
    let mid = d.startIndex + k
    if m <= k {
      subproof(m, d[d.startIndex..<mid], complete: complete, into: &proof)
      proof.append(rootHash(leafHashes: d[mid...]))
    } else {
      subproof(m - k, d[mid...], complete: false, into: &proof)
      proof.append(rootHash(leafHashes: d[d.startIndex..<mid]))
    }
  }

  /// Verifies an inclusion proof with the algorithm of RFC 9162 section 2.1.3.2.
  /// - Returns: true when `leafHash` at `index` in a tree of `size` leaves with `proof` yields `root`.
  public static func verifyInclusion(
    leafHash: TreeHash, index: Int, size: Int, proof: [TreeHash], root: TreeHash
  ) -> Bool {
    guard index >= 0, index < size else { return false }
    var fn = index
    var sn = size - 1
    var r = leafHash
    for p in proof {
      if sn == 0 { return false }
      if fn & 1 == 1 || fn == sn {
        r = nodeHash(p, r)
        if fn & 1 == 0 {
          while fn & 1 == 0 && fn != 0 {
            fn >>= 1
            sn >>= 1
          }
        }
      } else {
        r = nodeHash(r, p)
      }
      fn >>= 1
      sn >>= 1
    }
    return sn == 0 && r == root
  }

  /// Verifies a consistency proof with the algorithm of RFC 9162 section 2.1.4.2. Equal sizes
  /// need an empty proof and equal roots; an old size of 0 is consistent with any tree
  /// (empty proof).
  /// - Returns: true when the tree of `oldSize` with `oldRoot` is a prefix of the tree of
  ///   `newSize` with `newRoot`.
  public static func verifyConsistency(
    oldSize: Int, newSize: Int, oldRoot: TreeHash, newRoot: TreeHash, proof: [TreeHash]
  ) -> Bool {
    guard oldSize >= 0, oldSize <= newSize else { return false }
    if oldSize == newSize { return proof.isEmpty && oldRoot == newRoot }
    if oldSize == 0 { return proof.isEmpty }
    guard !proof.isEmpty else { return false }
    var path = proof
    if oldSize & (oldSize - 1) == 0 { path.insert(oldRoot, at: 0) }
    var fn = oldSize - 1
    var sn = newSize - 1
    while fn & 1 == 1 {
      fn >>= 1
      sn >>= 1
    }
    var fr = path[0]
    var sr = path[0]
    for c in path.dropFirst() {
      if sn == 0 { return false }
      if fn & 1 == 1 || fn == sn {
        fr = nodeHash(c, fr)
        sr = nodeHash(c, sr)
        if fn & 1 == 0 {
          while fn & 1 == 0 && fn != 0 {
            fn >>= 1
            sn >>= 1
          }
        }
      } else {
        sr = nodeHash(sr, c)
      }
      fn >>= 1
      sn >>= 1
    }
    return fr == oldRoot && sr == newRoot && sn == 0
  }
}

/// A proof was asked for outside the tree.
public enum MerkleTreeError: Error, Equatable, CustomStringConvertible {
  /// An inclusion proof for a leaf index the tree does not have.
  case indexOutOfRange(index: Int, size: Int)
  /// A consistency proof from a size the tree does not have.
  case sizeOutOfRange(oldSize: Int, size: Int)

  public var description: String {
    switch self {
    case .indexOutOfRange(let index, let size): "entry \(index) is not in a tree of \(size) entries"
    case .sizeOutOfRange(let oldSize, let size): "tree size \(oldSize) is not within a tree of \(size) entries"
    }
  }
}

/// The right edge of a growing tree: the roots of its perfect subtrees, largest first, so
/// appending a leaf and computing the root both cost O(log n) hashes (the writer's view; it
/// never holds all leaf hashes).
public struct MerkleFrontier: Sendable, Equatable {
  /// Number of leaves appended.
  public private(set) var size = 0
  /// Perfect-subtree roots, left to right; subtree i covers 2^(bit) leaves per set bit of size.
  private var peaks: [TreeHash] = []

  public init() {}

  /// Appends one leaf hash.
  public mutating func append(_ leaf: TreeHash) {
    var node = leaf
    var n = size
    while n & 1 == 1, let left = peaks.popLast() {
      node = MerkleTree.nodeHash(left, node)
      n >>= 1
    }
    peaks.append(node)
    size += 1
  }

  /// MTH of the leaves so far: peaks folded right to left (RFC 9162's split at the largest
  /// power of two puts each perfect subtree on the left of the rest).
  public var root: TreeHash {
    guard var node = peaks.last else { return MerkleTree.emptyRoot }
    for left in peaks.dropLast().reversed() { node = MerkleTree.nodeHash(left, node) }
    return node
  }
}
