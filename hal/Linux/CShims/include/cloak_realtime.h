// Real-time helpers for LinuxHAL.RealtimeSetup (glibc's affinity calls need _GNU_SOURCE,
// which Swift's Glibc module does not expose).
#ifndef CLOAK_REALTIME_H
#define CLOAK_REALTIME_H
// Pins the calling thread to `cpu`. Returns 0 or an errno value.
int cloak_pin_current_thread(int cpu);
#endif
