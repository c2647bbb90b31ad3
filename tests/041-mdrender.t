#!/bin/sh
# 041-mdrender.t -- Markdown layout for lessons (unit test in tests/unit/mdrender.c).
exec "${STACKLAB_BUILD:-build}/tests/mdrender"
