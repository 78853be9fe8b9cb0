// C shims for the Linux backend: the parts Swift cannot call directly (variadic
// ioctl) and one small GPIO API over both libgpiod majors (1.6 and 2.x, detected at
// compile time). See hal/Linux/README.md. Every int-returning call returns 0 (or a
// non-negative value) on success and -errno on failure unless it says otherwise.
#ifndef CLOAK_SHIMS_H
#define CLOAK_SHIMS_H

#include <stddef.h>
#include <stdint.h>

#include "cloak_i2c_hot.h"
#include "cloak_signals.h"

int cloak_shims_version(void);

// MARK: GPIO (libgpiod)

/// Not errnos: the chip label or the line name matched nothing.
#define CLOAK_GPIO_ERR_CHIP_NOT_FOUND (-100001)
#define CLOAK_GPIO_ERR_LINE_NOT_FOUND (-100002)
/// Two chips carry the label asked for (the first two are named by
/// cloak_gpio_describe_ambiguity).
#define CLOAK_GPIO_ERR_AMBIGUOUS_CHIP (-100003)
/// Two lines of the chip carry the name asked for (BeagleBone headers name many "NC").
#define CLOAK_GPIO_ERR_AMBIGUOUS_LINE (-100004)

enum cloak_gpio_bias { CLOAK_GPIO_BIAS_AS_IS = 0, CLOAK_GPIO_BIAS_DISABLED = 1, CLOAK_GPIO_BIAS_PULL_UP = 2,
  CLOAK_GPIO_BIAS_PULL_DOWN = 3 };
enum cloak_gpio_drive { CLOAK_GPIO_DRIVE_PUSH_PULL = 0, CLOAK_GPIO_DRIVE_OPEN_DRAIN = 1,
  CLOAK_GPIO_DRIVE_OPEN_SOURCE = 2 };
enum cloak_gpio_edges { CLOAK_GPIO_EDGES_NONE = 0, CLOAK_GPIO_EDGES_RISING = 1, CLOAK_GPIO_EDGES_FALLING = 2,
  CLOAK_GPIO_EDGES_BOTH = 3 };

/// One requested line (opaque). Owns the chip handle too on libgpiod 1.6.
typedef struct cloak_gpio_line cloak_gpio_line;

/// One edge event: kernel CLOCK_MONOTONIC timestamp, logical direction, and the
/// kernel's per-line sequence number (0 when the library gives none: libgpiod 1.6).
typedef struct cloak_gpio_edge {
  uint64_t timestamp_ns;
  uint64_t line_seqno;
  int rising;
} cloak_gpio_edge;

/// 1 or 2: the libgpiod major this was compiled against.
int cloak_gpio_libgpiod_major(void);
/// The library's own version string ("1.6.3", "2.1.3").
const char *cloak_gpio_library_version(void);
/// 1 when the kernel debounces for us (libgpiod 2.x), 0 when the caller must (1.6).
int cloak_gpio_has_kernel_debounce(void);

/// Looks a line up without requesting it: `offset` and whether someone holds it
/// (`used`). 0, CLOAK_GPIO_ERR_*, or -errno (e.g. -EACCES opening a chip).
int cloak_gpio_find_line(const char *chip_label, const char *line_name, unsigned int *offset, int *used);
/// Resolves a label and a line name to exactly one chip device path and line offset: 0,
/// CLOAK_GPIO_ERR_* (ambiguous included), or -errno. Every chip and every line is looked
/// at, so a name used twice is an error, never the first match.
int cloak_gpio_resolve(const char *chip_label, const char *line_name, char *path, size_t size, unsigned int *offset);
/// After CLOAK_GPIO_ERR_AMBIGUOUS_*: writes which two chips or offsets share the name
/// into `text`. 0, or the code resolution gives now.
int cloak_gpio_describe_ambiguity(const char *chip_label, const char *line_name, char *text, size_t size);

/// Requests an output driven at `initial_value` (logical) from the first instant.
int cloak_gpio_request_output(const char *chip_label, const char *line_name, const char *consumer,
  int active_low, int drive, int initial_value, cloak_gpio_line **out);

/// Requests an input. `debounce_us` is passed to the kernel on libgpiod 2.x and
/// ignored on 1.6 (see cloak_gpio_has_kernel_debounce).
int cloak_gpio_request_input(const char *chip_label, const char *line_name, const char *consumer,
  int active_low, int bias, int edges, uint32_t debounce_us, cloak_gpio_line **out);

/// Sets the logical value: one line-value ioctl.
int cloak_gpio_set(cloak_gpio_line *line, int value);
/// Returns the logical value (0/1) or -errno.
int cloak_gpio_get(cloak_gpio_line *line);
/// Waits for an edge event: 1 ready, 0 timed out, -errno. A negative timeout waits forever.
int cloak_gpio_wait_edge(cloak_gpio_line *line, int64_t timeout_ns);
/// Reads one queued edge event (blocks if none is queued: call wait first).
int cloak_gpio_read_edge(cloak_gpio_line *line, cloak_gpio_edge *event);
/// Releases the line and frees the handle. NULL is ignored.
void cloak_gpio_release(cloak_gpio_line *line);

/// What an output's `set` calls, so Swift can call libgpiod with no shim frame in
/// between (docs/decisions/0421-gpio-set-without-a-mutex.md): `*target` is the libgpiod
/// object (1.6: the `gpiod_line`; 2.x: the `gpiod_line_request`), `*offset` the line's
/// offset in it, and the return value the library function itself, as a pointer:
/// 1.6 `int gpiod_line_set_value(struct gpiod_line *, int)`, 2.x `int
/// gpiod_line_request_set_value(struct gpiod_line_request *, unsigned int, enum
/// gpiod_line_value)` (cloak_gpio_libgpiod_major says which). Valid until cloak_gpio_release.
void *cloak_gpio_set_target(cloak_gpio_line *line, void **target, unsigned int *offset);

// MARK: I2C (i2c-dev)

/// Opens a bus device read-write, close-on-exec. Returns the fd or -errno.
int cloak_i2c_open(const char *path);
/// I2C_FUNCS into `funcs`.
int cloak_i2c_funcs(int fd, unsigned long *funcs);
/// I2C_SLAVE (or I2C_SLAVE_FORCE when `force`): the address SMBus calls go to.
int cloak_i2c_set_address(int fd, uint16_t address, int force);
/// One message of a general I2C_RDWR transaction (layout-independent of the kernel's
/// struct i2c_msg, which the shim fills in). `flags`: CLOAK_I2C_M_RD for a read.
typedef struct cloak_i2c_message {
  uint16_t address;
  uint16_t flags;
  uint16_t length;
  uint8_t *buffer;
} cloak_i2c_message;
#define CLOAK_I2C_M_RD 0x0001
/// Maximum messages per I2C_RDWR (the kernel's I2C_RDWR_IOCTL_MAX_MSGS).
#define CLOAK_I2C_RDWR_MAX_MESSAGES 42
/// I2C_RDWR with `count` (1...42) messages, repeated start between them, one STOP at
/// the end.
int cloak_i2c_rdwr_messages(int fd, const cloak_i2c_message *messages, unsigned count);
/// SMBus quick command; `read` selects the R/W bit.
int cloak_i2c_smbus_quick(int fd, int read);
/// SMBus receive byte: the byte (0...255) or -errno.
int cloak_i2c_smbus_read_byte(int fd);
/// SMBus send byte.
int cloak_i2c_smbus_write_byte(int fd, uint8_t value);
/// SMBus read byte data: the byte or -errno.
int cloak_i2c_smbus_read_byte_data(int fd, uint8_t command);
int cloak_i2c_smbus_write_byte_data(int fd, uint8_t command, uint8_t value);
/// SMBus read word data: the word (first byte on the wire is the low byte) or -errno.
int cloak_i2c_smbus_read_word_data(int fd, uint8_t command);
int cloak_i2c_smbus_write_word_data(int fd, uint8_t command, uint16_t value);
/// I2C block write of `length` (1...32) bytes after `command`.
int cloak_i2c_smbus_write_i2c_block(int fd, uint8_t command, const uint8_t *buffer, uint8_t length);

// MARK: Watchdog (/dev/watchdog)

int cloak_wdt_keepalive(int fd);
/// WDIOC_SETTIMEOUT: returns the timeout the driver actually chose (seconds) or -errno.
int cloak_wdt_set_timeout(int fd, int seconds);
/// WDIOC_GETTIMEOUT: seconds or -errno.
int cloak_wdt_get_timeout(int fd);
/// WDIOC_GETTIMELEFT: seconds before the watchdog fires, or -errno (many drivers lack it).
int cloak_wdt_get_timeleft(int fd);

#endif
