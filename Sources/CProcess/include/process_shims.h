#ifndef ESCO_PROCESS_SHIMS_H
#define ESCO_PROCESS_SHIMS_H

#include <sys/wait.h>

/* The W* macros of <sys/wait.h> are not visible to Swift; these give them names and types. */
static inline int esco_wifexited(int status) { return WIFEXITED(status); }
static inline int esco_wexitstatus(int status) { return WEXITSTATUS(status); }
static inline int esco_wifsignaled(int status) { return WIFSIGNALED(status); }
static inline int esco_wtermsig(int status) { return WTERMSIG(status); }

#endif
