// The two i2c-dev calls on the steady-state read path, as static inline functions so
// Swift inlines them into LinuxI2CBusSession (no shim call frame per transaction;
// under QEMU's TCG every call/return is a block lookup). Same contract as the rest of
// cloak_shims.h: 0 (or a count) on success, -errno on failure.
// docs/decisions/0422-hot-i2c-path-shape.md
#ifndef CLOAK_I2C_HOT_H
#define CLOAK_I2C_HOT_H

#include <errno.h>
#include <linux/i2c-dev.h>
#include <linux/i2c.h>
#include <stdint.h>
#include <string.h>
#include <sys/ioctl.h>

/// I2C_RDWR: a write message (if `write_len` > 0) then, after a repeated start, a
/// read message (if `read_len` > 0). Both zero sends one zero-length write (a probe).
__attribute__((always_inline)) static inline int cloak_i2c_rdwr(int fd, uint16_t address, const uint8_t *write, uint16_t write_len, uint8_t *read,
  uint16_t read_len) {
  struct i2c_msg messages[2];
  unsigned count = 0;
  if (write_len > 0 || read_len == 0) {
    messages[count].addr = address;
    messages[count].flags = 0;
    messages[count].len = write_len;
    messages[count].buf = (uint8_t *)write;  // the kernel only reads a write message
    count++;
  }
  if (read_len > 0) {
    messages[count].addr = address;
    messages[count].flags = I2C_M_RD;
    messages[count].len = read_len;
    messages[count].buf = read;
    count++;
  }
  struct i2c_rdwr_ioctl_data data = {messages, count};
  return ioctl(fd, I2C_RDWR, &data) < 0 ? (errno > 0 ? -errno : -EIO) : 0;
}

/// I2C block read of `length` (1...32) bytes after `command`: the count read or -errno.
__attribute__((always_inline)) static inline int cloak_i2c_smbus_read_i2c_block(int fd, uint8_t command, uint8_t *buffer, uint8_t length) {
  if (length == 0 || length > I2C_SMBUS_BLOCK_MAX) return -EINVAL;
  union i2c_smbus_data data;
  data.block[0] = length;
  struct i2c_smbus_ioctl_data args = {I2C_SMBUS_READ, command, I2C_SMBUS_I2C_BLOCK_DATA, &data};
  if (ioctl(fd, I2C_SMBUS, &args) < 0) return errno > 0 ? -errno : -EIO;
  uint8_t got = data.block[0] <= length ? data.block[0] : length;
  memcpy(buffer, &data.block[1], got);
  return got;
}

#endif
