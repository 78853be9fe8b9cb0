#define _GNU_SOURCE
// One GPIO API over libgpiod 1.6 and 2.x. v1's gpiod.h defines
// GPIOD_LINE_BULK_MAX_LINES and v2's does not: that is the only version signal the
// headers give (neither defines a version macro).
#include <dirent.h>
#include <errno.h>
#include <gpiod.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cloak_shims.h"

static int neg_errno(void) { return errno > 0 ? -errno : -EIO; }

#ifdef GPIOD_LINE_BULK_MAX_LINES
// MARK: libgpiod 1.6

struct cloak_gpio_line {
  struct gpiod_chip *chip;
  struct gpiod_line *line;
};

int cloak_gpio_libgpiod_major(void) { return 1; }
const char *cloak_gpio_library_version(void) { return gpiod_version_string(); }
int cloak_gpio_has_kernel_debounce(void) { return 0; }

static int read_chip_label(const char *path, char *label, size_t size) {
  errno = 0;
  struct gpiod_chip *chip = gpiod_chip_open(path);
  if (!chip) return neg_errno();
  snprintf(label, size, "%s", gpiod_chip_label(chip));
  gpiod_chip_close(chip);
  return 0;
}

static int line_count(struct gpiod_chip *chip, unsigned int *count) {
  *count = gpiod_chip_num_lines(chip);
  return 0;
}

static int line_name_at(struct gpiod_chip *chip, unsigned int offset, char *name, size_t size) {
  struct gpiod_line *line = gpiod_chip_get_line(chip, offset);
  if (!line) return neg_errno();
  const char *text = gpiod_line_name(line);
  if (!text) return CLOAK_GPIO_ERR_LINE_NOT_FOUND;
  snprintf(name, size, "%s", text);
  return 0;
}

// MARK: Name resolution, the same on both majors

static int is_gpiochip(const struct dirent *entry) { return strncmp(entry->d_name, "gpiochip", 8) == 0; }

static int read_chip_label(const char *path, char *label, size_t size);
static int line_count(struct gpiod_chip *chip, unsigned int *count);
static int line_name_at(struct gpiod_chip *chip, unsigned int offset, char *name, size_t size);

// Finds the one /dev/gpiochip* whose label is `label`, scanning every chip (in name
// order) so that a second chip with the same label is found: then the label is
// ambiguous and both device names are reported in `first`/`second`. A chip we may not
// open is remembered so a miss reports EACCES.
static int locate_chip(const char *label, char *first, size_t first_size, char *second, size_t second_size) {
  struct dirent **entries;
  int count = scandir("/dev", &entries, is_gpiochip, alphasort);
  if (count < 0) return neg_errno();
  int denied = 0;
  int matches = 0;
  for (int i = 0; i < count; i++) {
    char path[300];
    char seen[64];
    snprintf(path, sizeof path, "/dev/%s", entries[i]->d_name);
    int rc = read_chip_label(path, seen, sizeof seen);
    if (rc == -EACCES || rc == -EPERM) denied = -rc;
    if (rc == 0 && strcmp(seen, label) == 0) {
      if (matches == 0) snprintf(first, first_size, "%s", path);
      if (matches == 1) snprintf(second, second_size, "%s", path);
      matches++;
    }
    free(entries[i]);
  }
  free(entries);
  if (matches > 1) return CLOAK_GPIO_ERR_AMBIGUOUS_CHIP;
  if (matches == 1) return 0;
  if (denied) return -denied;
  return CLOAK_GPIO_ERR_CHIP_NOT_FOUND;
}

// Finds the one line named `name` on `chip`, looking at every line so that a second
// line with the same name (BeagleBone headers name many lines "NC") makes it ambiguous;
// the first two offsets are reported.
static int locate_line(struct gpiod_chip *chip, const char *name, unsigned int *offset, unsigned int *second) {
  unsigned int count = 0;
  int rc = line_count(chip, &count);
  if (rc) return rc;
  int matches = 0;
  for (unsigned int i = 0; i < count; i++) {
    char seen[64];
    if (line_name_at(chip, i, seen, sizeof seen) != 0) continue;
    if (strcmp(seen, name) != 0) continue;
    if (matches == 0) *offset = i;
    if (matches == 1) *second = i;
    matches++;
  }
  if (matches > 1) return CLOAK_GPIO_ERR_AMBIGUOUS_LINE;
  return matches == 1 ? 0 : CLOAK_GPIO_ERR_LINE_NOT_FOUND;
}

static int open_chip(const char *label, struct gpiod_chip **out) {
  char path[300];
  char second[300];
  int rc = locate_chip(label, path, sizeof path, second, sizeof second);
  if (rc) return rc;
  errno = 0;
  *out = gpiod_chip_open(path);
  return *out ? 0 : neg_errno();
}

int cloak_gpio_describe_ambiguity(const char *chip_label, const char *line_name, char *text, size_t size) {
  char first[300];
  char second[300];
  int rc = locate_chip(chip_label, first, sizeof first, second, sizeof second);
  if (rc == CLOAK_GPIO_ERR_AMBIGUOUS_CHIP) {
    snprintf(text, size, "%s and %s both have the label '%s'", first, second, chip_label);
    return 0;
  }
  if (rc) return rc;
  struct gpiod_chip *chip = gpiod_chip_open(first);
  if (!chip) return neg_errno();
  unsigned int a = 0;
  unsigned int b = 0;
  rc = locate_line(chip, line_name, &a, &b);
  gpiod_chip_close(chip);
  if (rc == CLOAK_GPIO_ERR_AMBIGUOUS_LINE) {
    snprintf(text, size, "offsets %u and %u of %s are both named '%s'", a, b, first, line_name);
    return 0;
  }
  return rc == 0 ? CLOAK_GPIO_ERR_LINE_NOT_FOUND : rc;
}

int cloak_gpio_resolve(const char *chip_label, const char *line_name, char *path, size_t size, unsigned int *offset) {
  char second[300];
  int rc = locate_chip(chip_label, path, size, second, sizeof second);
  if (rc) return rc;
  struct gpiod_chip *chip = gpiod_chip_open(path);
  if (!chip) return neg_errno();
  unsigned int other = 0;
  rc = locate_line(chip, line_name, offset, &other);
  gpiod_chip_close(chip);
  return rc;
}

static int find_line(struct gpiod_chip *chip, const char *name, struct gpiod_line **line) {
  unsigned int offset = 0;
  unsigned int second = 0;
  int rc = locate_line(chip, name, &offset, &second);
  if (rc) return rc;
  errno = 0;
  *line = gpiod_chip_get_line(chip, offset);
  return *line ? 0 : neg_errno();
}

int cloak_gpio_find_line(const char *chip_label, const char *line_name, unsigned int *offset, int *used) {
  struct gpiod_chip *chip;
  struct gpiod_line *line;
  int rc = open_chip(chip_label, &chip);
  if (rc) return rc;
  rc = find_line(chip, line_name, &line);
  if (rc == 0) {
    *offset = gpiod_line_offset(line);
    *used = gpiod_line_is_used(line) ? 1 : 0;
  }
  gpiod_chip_close(chip);
  return rc;
}

static int request(const char *chip_label, const char *line_name, const char *consumer, int type, int flags,
  int default_value, cloak_gpio_line **out) {
  struct gpiod_chip *chip;
  struct gpiod_line *line;
  int rc = open_chip(chip_label, &chip);
  if (rc) return rc;
  rc = find_line(chip, line_name, &line);
  if (rc) {
    gpiod_chip_close(chip);
    return rc;
  }
  struct gpiod_line_request_config config = {consumer, type, flags};
  if (gpiod_line_request(line, &config, default_value) != 0) {
    rc = neg_errno();
    gpiod_chip_close(chip);
    return rc;
  }
  cloak_gpio_line *handle = malloc(sizeof *handle);
  if (!handle) {
    gpiod_chip_close(chip);
    return -ENOMEM;
  }
  handle->chip = chip;
  handle->line = line;
  *out = handle;
  return 0;
}

int cloak_gpio_request_output(const char *chip_label, const char *line_name, const char *consumer,
  int active_low, int drive, int initial_value, cloak_gpio_line **out) {
  int flags = active_low ? GPIOD_LINE_REQUEST_FLAG_ACTIVE_LOW : 0;
  if (drive == CLOAK_GPIO_DRIVE_OPEN_DRAIN) flags |= GPIOD_LINE_REQUEST_FLAG_OPEN_DRAIN;
  if (drive == CLOAK_GPIO_DRIVE_OPEN_SOURCE) flags |= GPIOD_LINE_REQUEST_FLAG_OPEN_SOURCE;
  return request(chip_label, line_name, consumer, GPIOD_LINE_REQUEST_DIRECTION_OUTPUT, flags,
    initial_value ? 1 : 0, out);
}

int cloak_gpio_request_input(const char *chip_label, const char *line_name, const char *consumer,
  int active_low, int bias, int edges, uint32_t debounce_us, cloak_gpio_line **out) {
  (void)debounce_us;  // no kernel debounce through the v1 uAPI: the Swift backend emulates it
  int flags = active_low ? GPIOD_LINE_REQUEST_FLAG_ACTIVE_LOW : 0;
  if (bias == CLOAK_GPIO_BIAS_DISABLED) flags |= GPIOD_LINE_REQUEST_FLAG_BIAS_DISABLE;
  if (bias == CLOAK_GPIO_BIAS_PULL_UP) flags |= GPIOD_LINE_REQUEST_FLAG_BIAS_PULL_UP;
  if (bias == CLOAK_GPIO_BIAS_PULL_DOWN) flags |= GPIOD_LINE_REQUEST_FLAG_BIAS_PULL_DOWN;
  int type = GPIOD_LINE_REQUEST_DIRECTION_INPUT;
  if (edges == CLOAK_GPIO_EDGES_RISING) type = GPIOD_LINE_REQUEST_EVENT_RISING_EDGE;
  if (edges == CLOAK_GPIO_EDGES_FALLING) type = GPIOD_LINE_REQUEST_EVENT_FALLING_EDGE;
  if (edges == CLOAK_GPIO_EDGES_BOTH) type = GPIOD_LINE_REQUEST_EVENT_BOTH_EDGES;
  return request(chip_label, line_name, consumer, type, flags, 0, out);
}

int cloak_gpio_set(cloak_gpio_line *line, int value) {
  return gpiod_line_set_value(line->line, value ? 1 : 0) == 0 ? 0 : neg_errno();
}

int cloak_gpio_get(cloak_gpio_line *line) {
  int value = gpiod_line_get_value(line->line);
  return value < 0 ? neg_errno() : value;
}

int cloak_gpio_wait_edge(cloak_gpio_line *line, int64_t timeout_ns) {
  struct timespec timeout = {0, 0};
  if (timeout_ns > 0) {
    timeout.tv_sec = (time_t)(timeout_ns / 1000000000);
    timeout.tv_nsec = (long)(timeout_ns % 1000000000);
  }
  int rc = gpiod_line_event_wait(line->line, timeout_ns < 0 ? NULL : &timeout);
  return rc < 0 ? neg_errno() : rc;
}

int cloak_gpio_read_edge(cloak_gpio_line *line, cloak_gpio_edge *event) {
  struct gpiod_line_event raw;
  if (gpiod_line_event_read(line->line, &raw) != 0) return neg_errno();
  event->timestamp_ns = (uint64_t)raw.ts.tv_sec * 1000000000u + (uint64_t)raw.ts.tv_nsec;
  event->line_seqno = 0;
  event->rising = raw.event_type == GPIOD_LINE_EVENT_RISING_EDGE;
  return 0;
}

void *cloak_gpio_set_target(cloak_gpio_line *line, void **target, unsigned int *offset) {
  *target = line->line;
  *offset = 0;
  return (void *)gpiod_line_set_value;
}

void cloak_gpio_release(cloak_gpio_line *line) {
  if (!line) return;
  gpiod_line_release(line->line);
  gpiod_chip_close(line->chip);
  free(line);
}

#else
// MARK: libgpiod 2.x

struct cloak_gpio_line {
  struct gpiod_line_request *request;
  struct gpiod_edge_event_buffer *events;
  unsigned int offset;
};

int cloak_gpio_libgpiod_major(void) { return 2; }
const char *cloak_gpio_library_version(void) { return gpiod_api_version(); }
int cloak_gpio_has_kernel_debounce(void) { return 1; }

static int read_chip_label(const char *path, char *label, size_t size) {
  errno = 0;
  struct gpiod_chip *chip = gpiod_chip_open(path);
  if (!chip) return neg_errno();
  struct gpiod_chip_info *info = gpiod_chip_get_info(chip);
  int rc = info ? 0 : neg_errno();
  if (info) {
    snprintf(label, size, "%s", gpiod_chip_info_get_label(info));
    gpiod_chip_info_free(info);
  }
  gpiod_chip_close(chip);
  return rc;
}

static int line_count(struct gpiod_chip *chip, unsigned int *count) {
  struct gpiod_chip_info *info = gpiod_chip_get_info(chip);
  if (!info) return neg_errno();
  *count = (unsigned int)gpiod_chip_info_get_num_lines(info);
  gpiod_chip_info_free(info);
  return 0;
}

static int line_name_at(struct gpiod_chip *chip, unsigned int offset, char *name, size_t size) {
  struct gpiod_line_info *info = gpiod_chip_get_line_info(chip, offset);
  if (!info) return neg_errno();
  const char *text = gpiod_line_info_get_name(info);
  int rc = text ? 0 : CLOAK_GPIO_ERR_LINE_NOT_FOUND;
  if (text) snprintf(name, size, "%s", text);
  gpiod_line_info_free(info);
  return rc;
}

// MARK: Name resolution, the same on both majors

static int is_gpiochip(const struct dirent *entry) { return strncmp(entry->d_name, "gpiochip", 8) == 0; }

static int read_chip_label(const char *path, char *label, size_t size);
static int line_count(struct gpiod_chip *chip, unsigned int *count);
static int line_name_at(struct gpiod_chip *chip, unsigned int offset, char *name, size_t size);

// Finds the one /dev/gpiochip* whose label is `label`, scanning every chip (in name
// order) so that a second chip with the same label is found: then the label is
// ambiguous and both device names are reported in `first`/`second`. A chip we may not
// open is remembered so a miss reports EACCES.
static int locate_chip(const char *label, char *first, size_t first_size, char *second, size_t second_size) {
  struct dirent **entries;
  int count = scandir("/dev", &entries, is_gpiochip, alphasort);
  if (count < 0) return neg_errno();
  int denied = 0;
  int matches = 0;
  for (int i = 0; i < count; i++) {
    char path[300];
    char seen[64];
    snprintf(path, sizeof path, "/dev/%s", entries[i]->d_name);
    int rc = read_chip_label(path, seen, sizeof seen);
    if (rc == -EACCES || rc == -EPERM) denied = -rc;
    if (rc == 0 && strcmp(seen, label) == 0) {
      if (matches == 0) snprintf(first, first_size, "%s", path);
      if (matches == 1) snprintf(second, second_size, "%s", path);
      matches++;
    }
    free(entries[i]);
  }
  free(entries);
  if (matches > 1) return CLOAK_GPIO_ERR_AMBIGUOUS_CHIP;
  if (matches == 1) return 0;
  if (denied) return -denied;
  return CLOAK_GPIO_ERR_CHIP_NOT_FOUND;
}

// Finds the one line named `name` on `chip`, looking at every line so that a second
// line with the same name (BeagleBone headers name many lines "NC") makes it ambiguous;
// the first two offsets are reported.
static int locate_line(struct gpiod_chip *chip, const char *name, unsigned int *offset, unsigned int *second) {
  unsigned int count = 0;
  int rc = line_count(chip, &count);
  if (rc) return rc;
  int matches = 0;
  for (unsigned int i = 0; i < count; i++) {
    char seen[64];
    if (line_name_at(chip, i, seen, sizeof seen) != 0) continue;
    if (strcmp(seen, name) != 0) continue;
    if (matches == 0) *offset = i;
    if (matches == 1) *second = i;
    matches++;
  }
  if (matches > 1) return CLOAK_GPIO_ERR_AMBIGUOUS_LINE;
  return matches == 1 ? 0 : CLOAK_GPIO_ERR_LINE_NOT_FOUND;
}

static int open_chip(const char *label, struct gpiod_chip **out) {
  char path[300];
  char second[300];
  int rc = locate_chip(label, path, sizeof path, second, sizeof second);
  if (rc) return rc;
  errno = 0;
  *out = gpiod_chip_open(path);
  return *out ? 0 : neg_errno();
}

int cloak_gpio_describe_ambiguity(const char *chip_label, const char *line_name, char *text, size_t size) {
  char first[300];
  char second[300];
  int rc = locate_chip(chip_label, first, sizeof first, second, sizeof second);
  if (rc == CLOAK_GPIO_ERR_AMBIGUOUS_CHIP) {
    snprintf(text, size, "%s and %s both have the label '%s'", first, second, chip_label);
    return 0;
  }
  if (rc) return rc;
  struct gpiod_chip *chip = gpiod_chip_open(first);
  if (!chip) return neg_errno();
  unsigned int a = 0;
  unsigned int b = 0;
  rc = locate_line(chip, line_name, &a, &b);
  gpiod_chip_close(chip);
  if (rc == CLOAK_GPIO_ERR_AMBIGUOUS_LINE) {
    snprintf(text, size, "offsets %u and %u of %s are both named '%s'", a, b, first, line_name);
    return 0;
  }
  return rc == 0 ? CLOAK_GPIO_ERR_LINE_NOT_FOUND : rc;
}

int cloak_gpio_resolve(const char *chip_label, const char *line_name, char *path, size_t size, unsigned int *offset) {
  char second[300];
  int rc = locate_chip(chip_label, path, size, second, sizeof second);
  if (rc) return rc;
  struct gpiod_chip *chip = gpiod_chip_open(path);
  if (!chip) return neg_errno();
  unsigned int other = 0;
  rc = locate_line(chip, line_name, offset, &other);
  gpiod_chip_close(chip);
  return rc;
}

static int find_offset(struct gpiod_chip *chip, const char *name, unsigned int *offset) {
  unsigned int second = 0;
  return locate_line(chip, name, offset, &second);
}

int cloak_gpio_find_line(const char *chip_label, const char *line_name, unsigned int *offset, int *used) {
  struct gpiod_chip *chip;
  int rc = open_chip(chip_label, &chip);
  if (rc) return rc;
  rc = find_offset(chip, line_name, offset);
  if (rc == 0) {
    struct gpiod_line_info *info = gpiod_chip_get_line_info(chip, *offset);
    if (info) {
      *used = gpiod_line_info_is_used(info) ? 1 : 0;
      gpiod_line_info_free(info);
    } else {
      rc = neg_errno();
    }
  }
  gpiod_chip_close(chip);
  return rc;
}

static int request(const char *chip_label, const char *line_name, const char *consumer,
  struct gpiod_line_settings *settings, int wants_events, cloak_gpio_line **out) {
  struct gpiod_chip *chip;
  unsigned int offset = 0;
  int rc = open_chip(chip_label, &chip);
  if (rc) return rc;
  rc = find_offset(chip, line_name, &offset);
  if (rc) {
    gpiod_chip_close(chip);
    return rc;
  }
  struct gpiod_line_config *line_config = gpiod_line_config_new();
  struct gpiod_request_config *request_config = gpiod_request_config_new();
  struct gpiod_line_request *req = NULL;
  struct gpiod_edge_event_buffer *events = NULL;
  cloak_gpio_line *handle = NULL;
  rc = -ENOMEM;
  if (line_config && request_config) {
    gpiod_request_config_set_consumer(request_config, consumer);
    if (gpiod_line_config_add_line_settings(line_config, &offset, 1, settings) != 0) {
      rc = neg_errno();
    } else {
      req = gpiod_chip_request_lines(chip, request_config, line_config);
      rc = req ? 0 : neg_errno();
    }
  }
  if (rc == 0 && wants_events) {
    events = gpiod_edge_event_buffer_new(1);
    if (!events) rc = -ENOMEM;
  }
  if (rc == 0) {
    handle = malloc(sizeof *handle);
    if (!handle) rc = -ENOMEM;
  }
  if (rc == 0) {
    handle->request = req;
    handle->events = events;
    handle->offset = offset;
    *out = handle;
  } else {
    if (events) gpiod_edge_event_buffer_free(events);
    if (req) gpiod_line_request_release(req);
  }
  if (request_config) gpiod_request_config_free(request_config);
  if (line_config) gpiod_line_config_free(line_config);
  gpiod_chip_close(chip);  // a v2 request outlives its chip handle
  return rc;
}

int cloak_gpio_request_output(const char *chip_label, const char *line_name, const char *consumer,
  int active_low, int drive, int initial_value, cloak_gpio_line **out) {
  struct gpiod_line_settings *settings = gpiod_line_settings_new();
  if (!settings) return -ENOMEM;
  enum gpiod_line_drive mode = GPIOD_LINE_DRIVE_PUSH_PULL;
  if (drive == CLOAK_GPIO_DRIVE_OPEN_DRAIN) mode = GPIOD_LINE_DRIVE_OPEN_DRAIN;
  if (drive == CLOAK_GPIO_DRIVE_OPEN_SOURCE) mode = GPIOD_LINE_DRIVE_OPEN_SOURCE;
  int rc = 0;
  if (gpiod_line_settings_set_direction(settings, GPIOD_LINE_DIRECTION_OUTPUT) != 0
    || gpiod_line_settings_set_drive(settings, mode) != 0
    || gpiod_line_settings_set_output_value(
         settings, initial_value ? GPIOD_LINE_VALUE_ACTIVE : GPIOD_LINE_VALUE_INACTIVE) != 0) {
    rc = neg_errno();
  } else {
    gpiod_line_settings_set_active_low(settings, active_low != 0);
    rc = request(chip_label, line_name, consumer, settings, 0, out);
  }
  gpiod_line_settings_free(settings);
  return rc;
}

int cloak_gpio_request_input(const char *chip_label, const char *line_name, const char *consumer,
  int active_low, int bias, int edges, uint32_t debounce_us, cloak_gpio_line **out) {
  struct gpiod_line_settings *settings = gpiod_line_settings_new();
  if (!settings) return -ENOMEM;
  enum gpiod_line_bias mode = GPIOD_LINE_BIAS_AS_IS;
  if (bias == CLOAK_GPIO_BIAS_DISABLED) mode = GPIOD_LINE_BIAS_DISABLED;
  if (bias == CLOAK_GPIO_BIAS_PULL_UP) mode = GPIOD_LINE_BIAS_PULL_UP;
  if (bias == CLOAK_GPIO_BIAS_PULL_DOWN) mode = GPIOD_LINE_BIAS_PULL_DOWN;
  enum gpiod_line_edge edge = GPIOD_LINE_EDGE_NONE;
  if (edges == CLOAK_GPIO_EDGES_RISING) edge = GPIOD_LINE_EDGE_RISING;
  if (edges == CLOAK_GPIO_EDGES_FALLING) edge = GPIOD_LINE_EDGE_FALLING;
  if (edges == CLOAK_GPIO_EDGES_BOTH) edge = GPIOD_LINE_EDGE_BOTH;
  int rc = 0;
  if (gpiod_line_settings_set_direction(settings, GPIOD_LINE_DIRECTION_INPUT) != 0
    || gpiod_line_settings_set_bias(settings, mode) != 0
    || gpiod_line_settings_set_edge_detection(settings, edge) != 0
    || gpiod_line_settings_set_event_clock(settings, GPIOD_LINE_CLOCK_MONOTONIC) != 0) {
    rc = neg_errno();
  } else {
    gpiod_line_settings_set_active_low(settings, active_low != 0);
    gpiod_line_settings_set_debounce_period_us(settings, debounce_us);
    rc = request(chip_label, line_name, consumer, settings, edge != GPIOD_LINE_EDGE_NONE, out);
  }
  gpiod_line_settings_free(settings);
  return rc;
}

void *cloak_gpio_set_target(cloak_gpio_line *line, void **target, unsigned int *offset) {
  *target = line->request;
  *offset = line->offset;
  return (void *)gpiod_line_request_set_value;
}

int cloak_gpio_set(cloak_gpio_line *line, int value) {
  int rc = gpiod_line_request_set_value(
    line->request, line->offset, value ? GPIOD_LINE_VALUE_ACTIVE : GPIOD_LINE_VALUE_INACTIVE);
  return rc == 0 ? 0 : neg_errno();
}

int cloak_gpio_get(cloak_gpio_line *line) {
  enum gpiod_line_value value = gpiod_line_request_get_value(line->request, line->offset);
  if (value == GPIOD_LINE_VALUE_ERROR) return neg_errno();
  return value == GPIOD_LINE_VALUE_ACTIVE ? 1 : 0;
}

int cloak_gpio_wait_edge(cloak_gpio_line *line, int64_t timeout_ns) {
  if (!line->events) return -EOPNOTSUPP;
  int rc = gpiod_line_request_wait_edge_events(line->request, timeout_ns);
  return rc < 0 ? neg_errno() : rc;
}

int cloak_gpio_read_edge(cloak_gpio_line *line, cloak_gpio_edge *event) {
  if (!line->events) return -EOPNOTSUPP;
  int count = gpiod_line_request_read_edge_events(line->request, line->events, 1);
  if (count < 0) return neg_errno();
  if (count == 0) return -EAGAIN;
  struct gpiod_edge_event *raw = gpiod_edge_event_buffer_get_event(line->events, 0);
  if (!raw) return -EIO;
  event->timestamp_ns = gpiod_edge_event_get_timestamp_ns(raw);
  event->line_seqno = gpiod_edge_event_get_line_seqno(raw);
  event->rising = gpiod_edge_event_get_event_type(raw) == GPIOD_EDGE_EVENT_RISING_EDGE;
  return 0;
}

void cloak_gpio_release(cloak_gpio_line *line) {
  if (!line) return;
  if (line->events) gpiod_edge_event_buffer_free(line->events);
  gpiod_line_request_release(line->request);
  free(line);
}
#endif
