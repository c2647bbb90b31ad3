#!/bin/sh
# 041-mdrender.t -- Markdown layout for lessons (unit test in tests/unit/mdrender.c), in a
# UTF-8 locale: under LC_ALL=C the renderer draws ASCII instead (test 403).
LC_ALL=C.UTF-8 exec "${STACKLAB_BUILD:-build}/tests/mdrender"
