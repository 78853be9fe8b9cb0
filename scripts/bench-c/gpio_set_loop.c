// Baseline for the LinuxHAL GPIO benchmark: toggles one output line through plain
// libgpiod (1.6 or 2.x, detected as the backend's shim does) and prints ns per set.
//
// Build: cc -O2 -o gpio_set_loop gpio_set_loop.c $(pkg-config --cflags --libs libgpiod)
// Usage: gpio_set_loop CHIP_LABEL LINE_NAME ITERATIONS
// Output: one line "gpio_set_loop ns_per_op=<float> iterations=<n> libgpiod=<version>"
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <gpiod.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

int main(int argc, char **argv) {
  if (argc != 4) {
    fprintf(stderr, "usage: %s CHIP_LABEL LINE_NAME ITERATIONS\n", argv[0]);
    return 2;
  }
  long iterations = strtol(argv[3], NULL, 10);
  if (iterations <= 0) {
    fprintf(stderr, "gpio_set_loop: ITERATIONS must be positive\n");
    return 2;
  }
#ifdef GPIOD_LINE_BULK_MAX_LINES
  struct gpiod_chip *chip = gpiod_chip_open_by_label(argv[1]);
  if (!chip) {
    fprintf(stderr, "gpio_set_loop: chip '%s': %s\n", argv[1], strerror(errno));
    return 1;
  }
  struct gpiod_line *line = gpiod_chip_find_line(chip, argv[2]);
  if (!line || gpiod_line_request_output(line, "bench-c", 0) != 0) {
    fprintf(stderr, "gpio_set_loop: line '%s': %s\n", argv[2], strerror(errno));
    return 1;
  }
  const char *version = gpiod_version_string();
  double start = now_ns();
  for (long i = 0; i < iterations; i++) {
    if (gpiod_line_set_value(line, (int)(i & 1)) != 0) {
      perror("gpio_set_loop: set");
      return 1;
    }
  }
  double end = now_ns();
  gpiod_chip_close(chip);
#else
  struct dirent **entries;
  int count = scandir("/dev", &entries, NULL, alphasort);
  struct gpiod_chip *chip = NULL;
  for (int i = 0; i < count; i++) {
    char path[300];
    if (!chip && strncmp(entries[i]->d_name, "gpiochip", 8) == 0) {
      snprintf(path, sizeof path, "/dev/%s", entries[i]->d_name);
      struct gpiod_chip *candidate = gpiod_chip_open(path);
      struct gpiod_chip_info *info = candidate ? gpiod_chip_get_info(candidate) : NULL;
      if (info && strcmp(gpiod_chip_info_get_label(info), argv[1]) == 0) chip = candidate;
      else if (candidate) gpiod_chip_close(candidate);
      if (info) gpiod_chip_info_free(info);
    }
    free(entries[i]);
  }
  if (count >= 0) free(entries);
  if (!chip) {
    fprintf(stderr, "gpio_set_loop: chip '%s' not found\n", argv[1]);
    return 1;
  }
  int found = gpiod_chip_get_line_offset_from_name(chip, argv[2]);
  if (found < 0) {
    fprintf(stderr, "gpio_set_loop: line '%s' not found\n", argv[2]);
    return 1;
  }
  unsigned int offset = (unsigned int)found;
  struct gpiod_line_settings *settings = gpiod_line_settings_new();
  gpiod_line_settings_set_direction(settings, GPIOD_LINE_DIRECTION_OUTPUT);
  struct gpiod_line_config *line_config = gpiod_line_config_new();
  gpiod_line_config_add_line_settings(line_config, &offset, 1, settings);
  struct gpiod_request_config *request_config = gpiod_request_config_new();
  gpiod_request_config_set_consumer(request_config, "bench-c");
  struct gpiod_line_request *request = gpiod_chip_request_lines(chip, request_config, line_config);
  if (!request) {
    fprintf(stderr, "gpio_set_loop: request '%s': %s\n", argv[2], strerror(errno));
    return 1;
  }
  const char *version = gpiod_api_version();
  double start = now_ns();
  for (long i = 0; i < iterations; i++) {
    if (gpiod_line_request_set_value(request, offset, (i & 1) ? GPIOD_LINE_VALUE_ACTIVE : GPIOD_LINE_VALUE_INACTIVE)) {
      perror("gpio_set_loop: set");
      return 1;
    }
  }
  double end = now_ns();
  gpiod_line_request_release(request);
  gpiod_request_config_free(request_config);
  gpiod_line_config_free(line_config);
  gpiod_line_settings_free(settings);
  gpiod_chip_close(chip);
#endif
  printf("gpio_set_loop ns_per_op=%.1f iterations=%ld libgpiod=%s\n", (end - start) / (double)iterations, iterations,
    version);
  return 0;
}
