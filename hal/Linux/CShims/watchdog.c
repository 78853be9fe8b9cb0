// /dev/watchdog ioctls (variadic ioctl again).
#include <errno.h>
#include <linux/watchdog.h>
#include <sys/ioctl.h>

#include "cloak_shims.h"

static int neg_errno(void) { return errno > 0 ? -errno : -EIO; }

int cloak_wdt_keepalive(int fd) {
  int dummy = 0;
  return ioctl(fd, WDIOC_KEEPALIVE, &dummy) < 0 ? neg_errno() : 0;
}

int cloak_wdt_set_timeout(int fd, int seconds) {
  int value = seconds;
  return ioctl(fd, WDIOC_SETTIMEOUT, &value) < 0 ? neg_errno() : value;
}

int cloak_wdt_get_timeout(int fd) {
  int value = 0;
  return ioctl(fd, WDIOC_GETTIMEOUT, &value) < 0 ? neg_errno() : value;
}

int cloak_wdt_get_timeleft(int fd) {
  int value = 0;
  return ioctl(fd, WDIOC_GETTIMELEFT, &value) < 0 ? neg_errno() : value;
}
