// Baseline for the bench's performance comparison: N reads of LENGTH bytes from
// register REG of the device at ADDRESS through plain i2c-dev: I2C_RDWR with a
// repeated start where the adapter has I2C_FUNC_I2C, else one SMBus I2C-block read
// (what LinuxHAL does on an SMBus-only adapter such as i2c-stub). Timed around the
// loop only. Prints "ns_per_op VALUE". With `lock`, each read also takes and drops an
// exclusive flock on the bus device and sets I2C_SLAVE, as a bus shared between
// processes must (what LinuxHAL's per-transaction lock costs).
// Usage: i2c-read /dev/i2c-N ADDRESS REG LENGTH COUNT [lock]   (numbers in C notation)
#include <fcntl.h>
#include <linux/i2c-dev.h>
#include <linux/i2c.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

static long long now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

int main(int argc, char **argv) {
  if (argc != 6 && argc != 7) return fprintf(stderr, "usage: %s /dev/i2c-N ADDRESS REG LENGTH COUNT [lock]\n", argv[0]), 2;
  int lock = argc == 7 && strcmp(argv[6], "lock") == 0;
  int fd = open(argv[1], O_RDWR | O_CLOEXEC);
  if (fd < 0) return perror(argv[1]), 1;
  unsigned short address = (unsigned short)strtol(argv[2], NULL, 0);
  unsigned char reg = (unsigned char)strtol(argv[3], NULL, 0);
  int length = (int)strtol(argv[4], NULL, 0);
  long count = strtol(argv[5], NULL, 0);
  if (length < 1 || length > I2C_SMBUS_BLOCK_MAX || count <= 0) return fprintf(stderr, "bad LENGTH or COUNT\n"), 2;
  unsigned long funcs = 0;
  if (ioctl(fd, I2C_FUNCS, &funcs) < 0) return perror("I2C_FUNCS"), 1;
  if (ioctl(fd, I2C_SLAVE, address) < 0) return perror("I2C_SLAVE"), 1;
  unsigned char buffer[I2C_SMBUS_BLOCK_MAX + 2];
  long long start = now_ns();
  for (long i = 0; i < count; i++) {
    if (lock) {
      if (flock(fd, LOCK_EX) < 0) return perror("flock"), 1;
      if (ioctl(fd, I2C_SLAVE, address) < 0) return perror("I2C_SLAVE"), 1;
    }
    if (funcs & I2C_FUNC_I2C) {
      struct i2c_msg msgs[2] = {
        {.addr = address, .flags = 0, .len = 1, .buf = &reg},
        {.addr = address, .flags = I2C_M_RD, .len = (unsigned short)length, .buf = buffer},
      };
      struct i2c_rdwr_ioctl_data data = {.msgs = msgs, .nmsgs = 2};
      if (ioctl(fd, I2C_RDWR, &data) < 0) return perror("I2C_RDWR"), 1;
    } else {
      union i2c_smbus_data data;
      data.block[0] = (unsigned char)length;
      struct i2c_smbus_ioctl_data args = {
        .read_write = I2C_SMBUS_READ, .command = reg, .size = I2C_SMBUS_I2C_BLOCK_DATA, .data = &data};
      if (ioctl(fd, I2C_SMBUS, &args) < 0) return perror("I2C_SMBUS"), 1;
    }
    if (lock && flock(fd, LOCK_UN) < 0) return perror("flock"), 1;
  }
  long long elapsed = now_ns() - start;
  close(fd);
  printf("ns_per_op %.1f\n", (double)elapsed / (double)count);
  return 0;
}
