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

static int open_chip(const char *label, struct gpiod_chip **chip) {
  errno = 0;
  *chip = gpiod_chip_open_by_label(label);
  if (*chip) return 0;
  // open_by_label opens every chip: a chip we may not open fails it with EACCES.
  if (errno == ENOENT || errno == 0) return CLOAK_GPIO_ERR_CHIP_NOT_FOUND;
  return neg_errno();
}

static int find_line(struct gpiod_chip *chip, const char *name, struct gpiod_line **line) {
  errno = 0;
  *line = gpiod_chip_find_line(chip, name);
  if (*line) return 0;
  if (errno == ENOENT || errno == 0) return CLOAK_GPIO_ERR_LINE_NOT_FOUND;
  return neg_errno();
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

static int is_gpiochip(const struct dirent *entry) { return strncmp(entry->d_name, "gpiochip", 8) == 0; }

// v2 has no open-by-label: scan /dev/gpiochip* in name order (as v1 does) and
// compare labels. A chip we may not open is remembered so a miss reports EACCES.
static int open_chip(const char *label, struct gpiod_chip **out) {
  struct dirent **entries;
  int count = scandir("/dev", &entries, is_gpiochip, alphasort);
  if (count < 0) return neg_errno();
  int denied = 0;
  int rc = CLOAK_GPIO_ERR_CHIP_NOT_FOUND;
  for (int i = 0; i < count; i++) {
    char path[300];
    snprintf(path, sizeof path, "/dev/%s", entries[i]->d_name);
    if (rc != 0) {
      struct gpiod_chip *chip = gpiod_chip_open(path);
      if (!chip) {
        if (errno == EACCES || errno == EPERM) denied = errno;
      } else {
        struct gpiod_chip_info *info = gpiod_chip_get_info(chip);
        int match = info && strcmp(gpiod_chip_info_get_label(info), label) == 0;
        if (info) gpiod_chip_info_free(info);
        if (match) {
          *out = chip;
          rc = 0;
        } else {
          gpiod_chip_close(chip);
        }
      }
    }
    free(entries[i]);
  }
  free(entries);
  if (rc != 0 && denied) return -denied;
  return rc;
}

static int find_offset(struct gpiod_chip *chip, const char *name, unsigned int *offset) {
  errno = 0;
  int value = gpiod_chip_get_line_offset_from_name(chip, name);
  if (value >= 0) {
    *offset = (unsigned int)value;
    return 0;
  }
  if (errno == ENOENT || errno == 0) return CLOAK_GPIO_ERR_LINE_NOT_FOUND;
  return neg_errno();
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
