// libgpiod, found through pkg-config (apt: libgpiod-dev). Either the 1.6 or the 2.x API;
// hal/Linux/CShims detects which at compile time.
#include <gpiod.h>
