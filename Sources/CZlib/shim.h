// The system zlib (Debian: zlib1g-dev), used by `cloak leak analyze` to read .gz input.
#include <zlib.h>
