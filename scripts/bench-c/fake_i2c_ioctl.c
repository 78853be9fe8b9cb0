// LD_PRELOAD stand-in for an SMBus-only i2c-dev adapter, for measuring and profiling
// the user-space cost of an I2C transaction on a host with no I2C at all: every ioctl
// succeeds at once (I2C_FUNCS reports an i2c-stub-like SMBus-only adapter, or with
// CLOAK_FAKE_I2C_PLAIN=1 in the environment a plain-I2C one that takes I2C_RDWR;
// I2C_SMBUS returns a block of 0x5a), so what remains is the caller's own code path.
//
// Build: cc -O2 -shared -fPIC -o fake_i2c_ioctl.so fake_i2c_ioctl.c
// Usage (any existing file stands in for the bus device; pass it by path):
//   LD_PRELOAD=./fake_i2c_ioctl.so ./i2c_read_loop /dev/null 0x76 5000000
//   LD_PRELOAD=./fake_i2c_ioctl.so .build/release/cloak i2c bench-read --bus /dev/null
//     --address 0x76 --iterations 5000000 --no-flock --raw-buffer   (one command line)
//   LD_PRELOAD=./fake_i2c_ioctl.so perf record .build/release/cloak i2c bench-read ...
#define _GNU_SOURCE
#include <linux/i2c-dev.h>
#include <linux/i2c.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>

int ioctl(int fd, unsigned long request, ...) {
  va_list args;
  va_start(args, request);
  void *argument = va_arg(args, void *);
  va_end(args);
  (void)fd;
  if (request == I2C_FUNCS) {
    const char *plain = getenv("CLOAK_FAKE_I2C_PLAIN");
    *(unsigned long *)argument = I2C_FUNC_SMBUS_QUICK | I2C_FUNC_SMBUS_BYTE | I2C_FUNC_SMBUS_BYTE_DATA
      | I2C_FUNC_SMBUS_WORD_DATA | I2C_FUNC_SMBUS_I2C_BLOCK | (plain && plain[0] == '1' ? I2C_FUNC_I2C : 0);
    return 0;
  }
  if (request == I2C_SMBUS) {
    struct i2c_smbus_ioctl_data *data = argument;
    if (data->data && data->read_write == I2C_SMBUS_READ) memset(&data->data->block[1], 0x5a, I2C_SMBUS_BLOCK_MAX);
  }
  return 0;
}
