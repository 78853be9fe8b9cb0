// LinuxHAL: the Linux backend (libgpiod, i2c-dev, sysfs PWM, watchdog).
