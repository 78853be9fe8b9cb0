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
    #expect(I2CRetryPolicy(maxAttempts: 0).maxAttempts == 1)
  }
}
