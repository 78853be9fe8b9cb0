// The two i2c-dev ioctls on the steady-state transaction paths, as plain forwarders:
// LinuxHAL builds the request (`i2c_smbus_ioctl_data` or `i2c_rdwr_ioctl_data`) on its
// own stack and calls one of these, which compiles to a jump to ioctl(2) (variadic, so
// Swift cannot call it). They are not `static inline`: Swift emits calls to C functions
// out of a protocol witness thunk, which is where the hot path lives, as real calls
// (marked noinline), so the cheapest C frame is one that is only a jump.
// docs/decisions/0428-i2c-hot-path-in-the-witness-thunk.md
// Unlike the rest of cloak_shims.h they return ioctl's own result: >= 0 on success,
// -1 with errno set on failure.
#ifndef CLOAK_I2C_HOT_H
#define CLOAK_I2C_HOT_H

#include <linux/i2c-dev.h>
#include <linux/i2c.h>

/// ioctl(fd, I2C_SMBUS, args).
int cloak_i2c_smbus_ioctl(int fd, struct i2c_smbus_ioctl_data *args);

/// ioctl(fd, I2C_RDWR, data).
int cloak_i2c_rdwr_ioctl(int fd, struct i2c_rdwr_ioctl_data *data);

#endif
