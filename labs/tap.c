/* tap.c -- placeholder; the TAP library implementation lands next. */
#include "tap.h"
