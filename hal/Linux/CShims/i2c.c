#define _GNU_SOURCE
// i2c-dev ioctls (variadic, so Swift cannot call ioctl(2) itself). Each call is one
// syscall; messages and SMBus data live on this stack frame, so nothing allocates.
#include <errno.h>
#include <fcntl.h>
#include <linux/i2c-dev.h>
#include <linux/i2c.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "cloak_shims.h"

static int neg_errno(void) { return errno > 0 ? -errno : -EIO; }

int cloak_i2c_open(const char *path) {
  int fd = open(path, O_RDWR | O_CLOEXEC);
  return fd < 0 ? neg_errno() : fd;
}

int cloak_i2c_funcs(int fd, unsigned long *funcs) { return ioctl(fd, I2C_FUNCS, funcs) < 0 ? neg_errno() : 0; }

int cloak_i2c_set_address(int fd, uint16_t address, int force) {
  return ioctl(fd, force ? I2C_SLAVE_FORCE : I2C_SLAVE, (unsigned long)address) < 0 ? neg_errno() : 0;
}

int cloak_i2c_smbus_ioctl(int fd, struct i2c_smbus_ioctl_data *args) { return ioctl(fd, I2C_SMBUS, args); }

int cloak_i2c_rdwr_ioctl(int fd, struct i2c_rdwr_ioctl_data *data) { return ioctl(fd, I2C_RDWR, data); }

int cloak_i2c_rdwr_messages(int fd, const cloak_i2c_message *messages, unsigned count) {
  if (count == 0 || count > CLOAK_I2C_RDWR_MAX_MESSAGES) return -EINVAL;
  struct i2c_msg kernel[CLOAK_I2C_RDWR_MAX_MESSAGES];
  for (unsigned i = 0; i < count; i++) {
    kernel[i].addr = messages[i].address;
    kernel[i].flags = messages[i].flags & CLOAK_I2C_M_RD ? I2C_M_RD : 0;
    kernel[i].len = messages[i].length;
    kernel[i].buf = messages[i].buffer;
  }
  struct i2c_rdwr_ioctl_data data = {kernel, count};
  return ioctl(fd, I2C_RDWR, &data) < 0 ? neg_errno() : 0;
}

static int smbus(int fd, uint8_t read_write, uint8_t command, uint32_t size, union i2c_smbus_data *data) {
  struct i2c_smbus_ioctl_data args = {read_write, command, size, data};
  return ioctl(fd, I2C_SMBUS, &args) < 0 ? neg_errno() : 0;
}

int cloak_i2c_smbus_quick(int fd, int read) {
  return smbus(fd, read ? I2C_SMBUS_READ : I2C_SMBUS_WRITE, 0, I2C_SMBUS_QUICK, NULL);
}

int cloak_i2c_smbus_read_byte(int fd) {
  union i2c_smbus_data data;
  int rc = smbus(fd, I2C_SMBUS_READ, 0, I2C_SMBUS_BYTE, &data);
  return rc < 0 ? rc : data.byte;
}

int cloak_i2c_smbus_write_byte(int fd, uint8_t value) {
  return smbus(fd, I2C_SMBUS_WRITE, value, I2C_SMBUS_BYTE, NULL);
}

int cloak_i2c_smbus_read_byte_data(int fd, uint8_t command) {
  union i2c_smbus_data data;
  int rc = smbus(fd, I2C_SMBUS_READ, command, I2C_SMBUS_BYTE_DATA, &data);
  return rc < 0 ? rc : data.byte;
}

int cloak_i2c_smbus_write_byte_data(int fd, uint8_t command, uint8_t value) {
  union i2c_smbus_data data;
  data.byte = value;
  return smbus(fd, I2C_SMBUS_WRITE, command, I2C_SMBUS_BYTE_DATA, &data);
}

int cloak_i2c_smbus_read_word_data(int fd, uint8_t command) {
  union i2c_smbus_data data;
  int rc = smbus(fd, I2C_SMBUS_READ, command, I2C_SMBUS_WORD_DATA, &data);
  return rc < 0 ? rc : data.word;
}

int cloak_i2c_smbus_write_word_data(int fd, uint8_t command, uint16_t value) {
  union i2c_smbus_data data;
  data.word = value;
  return smbus(fd, I2C_SMBUS_WRITE, command, I2C_SMBUS_WORD_DATA, &data);
}

int cloak_i2c_smbus_write_i2c_block(int fd, uint8_t command, const uint8_t *buffer, uint8_t length) {
  if (length == 0 || length > I2C_SMBUS_BLOCK_MAX) return -EINVAL;
  union i2c_smbus_data data;
  data.block[0] = length;
  memcpy(&data.block[1], buffer, length);
  return smbus(fd, I2C_SMBUS_WRITE, command, I2C_SMBUS_I2C_BLOCK_DATA, &data);
}
