// The shims are static inline in include/process_shims.h; a C target needs one source file.
#include "process_shims.h"
