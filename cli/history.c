/* placeholder: filled in by the issue 4 work */
#include "config.h"
typedef int v6_placeholder_unused;
