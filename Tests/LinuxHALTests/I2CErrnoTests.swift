import Glibc
import HAL
import LinuxHAL
import Testing

@Suite("errno to I2CError (kernel fault-codes.rst)")
struct I2CErrnoTests {
  @Test(arguments: [
    (ENXIO, I2CError.Kind.nack(.address)),
    (ENODEV, .nack(.address)),
    (EREMOTEIO, .nack(.unknown)),
    (EAGAIN, .arbitrationLost),
    (EBUSY, .busBusy),
    (ETIMEDOUT, .timeout),
    (EOPNOTSUPP, .unsupported),
    (EPROTO, .protocolError),
    (EBADMSG, .protocolError),
    (EACCES, .permissionDenied),
    (EIO, .io(errno: EIO)),
    (EINVAL, .io(errno: EINVAL)),
  ])
  func transferErrnoMapsToKind(code: Int32, kind: I2CError.Kind) {
    let error = I2CErrno.transferError(code, bus: "/dev/i2c-1", address: 0x76)
    #expect(error.kind == kind)
    #expect(error.bus == "/dev/i2c-1")
    #expect(error.address == 0x76)
    #expect(error.description.contains("0x76"))
  }

  @Test func openErrorsNameThePathAndTheGroup() {
    let missing = I2CErrno.openError(ENOENT, path: "/dev/i2c-9")
    #expect(missing.kind == .notFound)
    #expect(missing.description.contains("/dev/i2c-9"))
    let denied = I2CErrno.openError(EACCES, path: "/dev/i2c-1")
    #expect(denied.kind == .permissionDenied)
    #expect(denied.detail.contains("group 'i2c'"))
  }

  @Test func onlyBusLevelTransientErrorsAreRetried() {
    for kind in [I2CError.Kind.busBusy, .arbitrationLost, .timeout] {
      #expect(I2CRetryPolicy.isRetried(I2CError(kind, bus: "b")))
    }
    for kind in [I2CError.Kind.nack(.unknown), .nack(.address), .notFound, .unsupported, .io(errno: EIO)] {
      #expect(!I2CRetryPolicy.isRetried(I2CError(kind, bus: "b")))
    }
  }

  @Test func backoffDoublesAndSaturates() {
    let policy = I2CRetryPolicy(maxAttempts: 4, initialBackoff: .microseconds(500))
    #expect(policy.backoff(afterAttempt: 1) == .microseconds(500))
    #expect(policy.backoff(afterAttempt: 2) == .milliseconds(1))
    #expect(policy.backoff(afterAttempt: 3) == .milliseconds(2))
    let huge = I2CRetryPolicy(maxAttempts: 2, initialBackoff: .seconds(Int64.max / 2))
    #expect(huge.backoff(afterAttempt: 30) == .nanoseconds(Int64.max))
    #expect(policy.backoff(afterAttempt: .min) == .microseconds(500))
    #expect(policy.backoff(afterAttempt: .max) == .microseconds(500 << 20))
    #expect(I2CRetryPolicy(maxAttempts: 0).maxAttempts == 1)
  }
}

@Suite("Bounded retries")
struct I2CRetryRunTests {
  /// Runs the policy over scripted attempt results; returns the attempts made, the pauses
  /// asked for and the error thrown.
  func run(_ results: [Int32], policy: I2CRetryPolicy = I2CRetryPolicy()) -> (Int, [Duration], I2CError?) {
    var attempts = 0
    var pauses: [Duration] = []
    do {
      try policy.run(
        { () throws(I2CError) -> Int32 in
          attempts += 1
          return attempts <= results.count ? results[attempts - 1] : 0
        }, error: { I2CErrno.transferError($0, bus: "/dev/i2c-1", address: 0x76) }, pause: { pauses.append($0) })
      return (attempts, pauses, nil)
    } catch {
      return (attempts, pauses, error)
    }
  }

  @Test func transientErrorsAreRetriedWithDoublingBackoff() {
    let (attempts, pauses, error) = run([EBUSY, EAGAIN, 0])
    #expect(attempts == 3)
    #expect(pauses == [.microseconds(500), .milliseconds(1)])
    #expect(error == nil)
  }

  @Test func retriesAreBounded() {
    let (attempts, pauses, error) = run([ETIMEDOUT, ETIMEDOUT, ETIMEDOUT, ETIMEDOUT])
    #expect(attempts == 3)
    #expect(pauses.count == 2)
    #expect(error?.kind == .timeout)
  }

  @Test func nacksAndHardErrorsAreNotRetried() {
    for code in [ENXIO, EREMOTEIO, EOPNOTSUPP, EIO] {
      let (attempts, pauses, error) = run([code, 0])
      #expect(attempts == 1)
      #expect(pauses.isEmpty)
      // The first failure itself, mapped and naming bus and address: not a later one.
      #expect(error == I2CErrno.transferError(code, bus: "/dev/i2c-1", address: 0x76))
    }
  }

  @Test func noRetryPolicyTriesOnce() {
    let (attempts, _, error) = run([EBUSY, 0], policy: .none)
    #expect(attempts == 1)
    #expect(error?.kind == .busBusy)
  }

  @Test func errorsThrownByTheAttemptAreNotRetried() {
    var attempts = 0
    #expect(throws: I2CError.self) {
      try I2CRetryPolicy().run(
        { () throws(I2CError) -> Int32 in
          attempts += 1
          throw I2CError(.unsupported, bus: "b")
        }, error: { I2CErrno.transferError($0, bus: "b", address: nil) }, pause: { _ in })
    }
    #expect(attempts == 1)
  }
}
