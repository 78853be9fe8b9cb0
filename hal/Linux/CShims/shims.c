#include "cloak_shims.h"
int cloak_shims_version(void) { return 2; }
