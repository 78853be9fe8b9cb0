// Baseline for the bench's performance comparison: N line-value sets through plain
// libgpiod (1.6 or 2.x, detected at compile time), timed with CLOCK_MONOTONIC around
// the loop only. Prints "ns_per_op VALUE".
// Usage: gpio-set CHIP_LABEL LINE_NAME COUNT
#include <dirent.h>
#include <gpiod.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static long long now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

#ifdef GPIOD_LINE_BULK_MAX_LINES  // libgpiod 1.x
static int run(const char *label, const char *name, long count, long long *elapsed) {
  struct gpiod_chip *chip = gpiod_chip_open_by_label(label);
  if (!chip) return perror("gpiod_chip_open_by_label"), 1;
  struct gpiod_line *line = gpiod_chip_find_line(chip, name);
  if (!line) return perror("gpiod_chip_find_line"), 1;
  if (gpiod_line_request_output(line, "cloak-bench-c", 0) < 0) return perror("request"), 1;
  long long start = now_ns();
  for (long i = 0; i < count; i++) {
    if (gpiod_line_set_value(line, (int)(i & 1)) < 0) return perror("set"), 1;
  }
  *elapsed = now_ns() - start;
  gpiod_line_release(line);
  gpiod_chip_close(chip);
  return 0;
}
#else  // libgpiod 2.x: find the chip by label, the line by name
static int run(const char *label, const char *name, long count, long long *elapsed) {
  DIR *dir = opendir("/dev");
  if (!dir) return perror("/dev"), 1;
  struct gpiod_chip *chip = NULL;
  struct dirent *entry;
  while (!chip && (entry = readdir(dir))) {
    if (strncmp(entry->d_name, "gpiochip", 8) != 0) continue;
    char path[300];
    snprintf(path, sizeof path, "/dev/%s", entry->d_name);
    struct gpiod_chip *candidate = gpiod_chip_open(path);
    if (!candidate) continue;
    struct gpiod_chip_info *info = gpiod_chip_get_info(candidate);
    if (info && strcmp(gpiod_chip_info_get_label(info), label) == 0) chip = candidate;
    else gpiod_chip_close(candidate);
    if (info) gpiod_chip_info_free(info);
  }
  closedir(dir);
  if (!chip) return fprintf(stderr, "no chip labelled %s\n", label), 1;
  int offset = gpiod_chip_get_line_offset_from_name(chip, name);
  if (offset < 0) return fprintf(stderr, "no line %s\n", name), 1;
  unsigned int off = (unsigned int)offset;
  struct gpiod_line_settings *settings = gpiod_line_settings_new();
  gpiod_line_settings_set_direction(settings, GPIOD_LINE_DIRECTION_OUTPUT);
  struct gpiod_line_config *config = gpiod_line_config_new();
  gpiod_line_config_add_line_settings(config, &off, 1, settings);
  struct gpiod_request_config *rc = gpiod_request_config_new();
  gpiod_request_config_set_consumer(rc, "cloak-bench-c");
  struct gpiod_line_request *request = gpiod_chip_request_lines(chip, rc, config);
  if (!request) return perror("gpiod_chip_request_lines"), 1;
  long long start = now_ns();
  for (long i = 0; i < count; i++) {
    enum gpiod_line_value value = (i & 1) ? GPIOD_LINE_VALUE_ACTIVE : GPIOD_LINE_VALUE_INACTIVE;
    if (gpiod_line_request_set_value(request, off, value) < 0) return perror("set"), 1;
  }
  *elapsed = now_ns() - start;
  gpiod_line_request_release(request);
  gpiod_request_config_free(rc);
  gpiod_line_config_free(config);
  gpiod_line_settings_free(settings);
  gpiod_chip_close(chip);
  return 0;
}
#endif

int main(int argc, char **argv) {
  if (argc != 4) return fprintf(stderr, "usage: %s CHIP_LABEL LINE_NAME COUNT\n", argv[0]), 2;
  long count = strtol(argv[3], NULL, 10);
  if (count <= 0) return fprintf(stderr, "COUNT must be positive\n"), 2;
  long long elapsed = 0;
  if (run(argv[1], argv[2], count, &elapsed) != 0) return 1;
  printf("ns_per_op %.1f\n", (double)elapsed / (double)count);
  return 0;
}
