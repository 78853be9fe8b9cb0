// Baseline for the LinuxHAL I2C benchmark: reads COUNT (default 6) bytes from a
// register through plain i2c-dev and prints ns per read. Uses I2C_RDWR (write
// register, repeated start, read) when the adapter does plain I2C, else one SMBus I2C
// block read, the same choice LinuxI2CBus makes. With --flock each read is wrapped in
// flock(LOCK_EX)/flock(LOCK_UN), as LinuxI2CBus does by default, so the bench can
// report both the raw and the like-for-like ratio.
//
// Build: cc -O2 -o i2c_read_loop i2c_read_loop.c
// Usage: i2c_read_loop BUS_PATH ADDRESS ITERATIONS [REGISTER [COUNT]] [--flock]
//        (ADDRESS/REGISTER in hex with 0x or decimal; REGISTER default 0xF7)
// Output: "i2c_read_loop ns_per_op=<float> iterations=<n> path=rdwr|smbus flock=0|1"
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/i2c-dev.h>
#include <linux/i2c.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

static double now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

int main(int argc, char **argv) {
  int use_flock = 0;
  char *args[6];
  int nargs = 0;
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "--flock") == 0) use_flock = 1;
    else if (nargs < 6) args[nargs++] = argv[i];
  }
  if (nargs < 3 || nargs > 5) {
    fprintf(stderr, "usage: %s BUS_PATH ADDRESS ITERATIONS [REGISTER [COUNT]] [--flock]\n", argv[0]);
    return 2;
  }
  long address = strtol(args[1], NULL, 0);
  long iterations = strtol(args[2], NULL, 10);
  uint8_t reg = nargs > 3 ? (uint8_t)strtol(args[3], NULL, 0) : 0xF7;
  long count = nargs > 4 ? strtol(args[4], NULL, 0) : 6;
  if (address < 0x03 || address > 0x77 || iterations <= 0 || count < 1 || count > I2C_SMBUS_BLOCK_MAX) {
    fprintf(stderr, "i2c_read_loop: bad ADDRESS, ITERATIONS or COUNT\n");
    return 2;
  }
  int fd = open(args[0], O_RDWR | O_CLOEXEC);
  if (fd < 0) {
    fprintf(stderr, "i2c_read_loop: %s: %s\n", args[0], strerror(errno));
    return 1;
  }
  unsigned long funcs = 0;
  if (ioctl(fd, I2C_FUNCS, &funcs) < 0) {
    fprintf(stderr, "i2c_read_loop: I2C_FUNCS on %s: %s\n", args[0], strerror(errno));
    return 1;
  }
  int rdwr = (funcs & I2C_FUNC_I2C) != 0;
  if (!rdwr && ioctl(fd, I2C_SLAVE, (unsigned long)address) < 0) {
    fprintf(stderr, "i2c_read_loop: I2C_SLAVE 0x%02lx: %s\n", address, strerror(errno));
    return 1;
  }
  uint8_t buffer[I2C_SMBUS_BLOCK_MAX];
  double start = now_ns();
  for (long i = 0; i < iterations; i++) {
    if (use_flock) flock(fd, LOCK_EX);
    int rc;
    if (rdwr) {
      struct i2c_msg messages[2] = {
        {(uint16_t)address, 0, 1, &reg},
        {(uint16_t)address, I2C_M_RD, (uint16_t)count, buffer},
      };
      struct i2c_rdwr_ioctl_data data = {messages, 2};
      rc = ioctl(fd, I2C_RDWR, &data);
    } else {
      union i2c_smbus_data data;
      data.block[0] = (uint8_t)count;
      struct i2c_smbus_ioctl_data args_ = {I2C_SMBUS_READ, reg, I2C_SMBUS_I2C_BLOCK_DATA, &data};
      rc = ioctl(fd, I2C_SMBUS, &args_);
      if (rc >= 0) memcpy(buffer, &data.block[1], (size_t)count);
    }
    if (use_flock) flock(fd, LOCK_UN);
    if (rc < 0) {
      fprintf(stderr, "i2c_read_loop: read 0x%02lx reg 0x%02x: %s\n", address, reg, strerror(errno));
      return 1;
    }
  }
  double end = now_ns();
  close(fd);
  printf("i2c_read_loop ns_per_op=%.1f iterations=%ld path=%s flock=%d\n", (end - start) / (double)iterations,
    iterations, rdwr ? "rdwr" : "smbus", use_flock);
  return 0;
}
