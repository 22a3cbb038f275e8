#ifndef ESCO_CSYSTEMD_SHIM_H
#define ESCO_CSYSTEMD_SHIM_H
#include <systemd/sd-daemon.h>
#endif
