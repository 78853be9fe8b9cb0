/// `--perf`: LinuxHAL against plain C loops, interleaved A B A B in one guest run.
enum Perf {
  static func run(_ ctx: BenchContext, cBaselines: String?) -> Int32 {
    say("PERF not implemented yet")
    say("0 passed, 1 failed")
    return 1
  }
}
