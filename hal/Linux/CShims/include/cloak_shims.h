// C shims for the Linux backend: the parts Swift cannot call directly (variadic
// ioctl) and one small GPIO API over both libgpiod majors. See hal/Linux/README.md.
#ifndef CLOAK_SHIMS_H
#define CLOAK_SHIMS_H
int cloak_shims_version(void);
#endif
