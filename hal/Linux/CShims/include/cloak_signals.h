// Stop signals (SIGTERM, SIGINT) for LinuxHAL.ShutdownSignals: a handler that writes the
// signal's number into a pipe (the self-pipe pattern), so a stop signal is caught on
// whichever thread the kernel picks, whatever that thread's signal mask, and read back
// on an ordinary thread. The handler only calls write(2), which is async-signal-safe.
#ifndef CLOAK_SIGNALS_H
#define CLOAK_SIGNALS_H
// Makes the pipe: close-on-exec both ends, the write end non-blocking. Returns 0 or an
// errno value.
int cloak_signals_open_pipe(int *read_fd, int *write_fd);
// Installs the handler for `signo` (SA_RESTART); the handler writes one byte, the signal
// number, to `write_fd` (which should be non-blocking: a full pipe drops the byte, the
// reader is awake anyway). Every installed signal shares the last `write_fd` given.
// Returns 0 or an errno value.
int cloak_signals_install(int signo, int write_fd);
#endif
