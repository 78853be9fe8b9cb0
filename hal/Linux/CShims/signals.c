#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>
#include "cloak_signals.h"

static volatile sig_atomic_t cloak_signals_fd = -1;

static void cloak_signals_handler(int signo) {
  int saved = errno;
  int fd = cloak_signals_fd;
  if (fd >= 0) {
    unsigned char byte = (unsigned char)signo;
    ssize_t ignored = write(fd, &byte, 1);
    (void)ignored;
  }
  errno = saved;
}

int cloak_signals_install(int signo, int write_fd) {
  cloak_signals_fd = write_fd;
  struct sigaction action;
  memset(&action, 0, sizeof(action));
  action.sa_handler = cloak_signals_handler;
  sigemptyset(&action.sa_mask);
  action.sa_flags = SA_RESTART;
  return sigaction(signo, &action, NULL) == 0 ? 0 : errno;
}

int cloak_signals_open_pipe(int *read_fd, int *write_fd) {
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) return errno;
  int flags = fcntl(fds[1], F_GETFL);
  if (flags < 0 || fcntl(fds[1], F_SETFL, flags | O_NONBLOCK) != 0) {
    int saved = errno;
    close(fds[0]);
    close(fds[1]);
    return saved;
  }
  *read_fd = fds[0];
  *write_fd = fds[1];
  return 0;
}
