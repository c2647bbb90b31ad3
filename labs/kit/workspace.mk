# Makefile -- your workspace. Everything it builds goes to build/. This file is yours to
# change; what comes from the course (your folders, libraries, labs, the current lab) is
# in .stacklab/course.mk, which stacklab writes again on every `stacklab update`.
#   make               build each of your folders into build/libFOLDER.a
#   make test          build and run the public tests of the current lab (-g -O0, with
#                      AddressSanitizer and UBSan: a bad access names your file:line)
#   make test LAB=02   only lab 02's public tests
#   make test-all      the public tests of every lab
#   make test SAN=     without sanitizers, e.g. to use valgrind:
#                        valgrind --leak-check=full build/tests/01-parse-request
#   gdb build/tests/01-parse-request      debug one test program
#   make run           serve the demo app on http://127.0.0.1:8080/ (once it exists)
#   make clean
include .stacklab/course.mk

CC      ?= cc
SAN     ?= -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer
CFLAGS  ?= -std=c11 -D_POSIX_C_SOURCE=200809L -Wall -Wextra -g -O0 $(STACKLAB_CFLAGS)
LIBS    := $(STACKLAB_LIBS)
INCS    := $(addprefix -I,$(STACKLAB_FOLDERS))
HDRS    := $(foreach f,$(STACKLAB_FOLDERS),$(wildcard $(f)/*.h))
PORT    ?= 8080
LAB     ?= $(STACKLAB_LAB)

# Later folders build on earlier ones, so they come first on the link line.
ARCHIVES := $(foreach f,$(STACKLAB_LINK_ORDER),build/lib$(f).a)
TEST_SRC := $(sort $(wildcard tests/$(if $(LAB),$(LAB),[0-9][0-9])-*.c))
TEST_BIN := $(patsubst tests/%.c,build/tests/%,$(TEST_SRC))
ALL_BIN  := $(patsubst tests/%.c,build/tests/%,$(sort $(wildcard tests/[0-9][0-9]-*.c)))

all: $(ARCHIVES)

build/%.o: %.c $(HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(SAN) $(INCS) -c $< -o $@

# build/libFOLDER.a from FOLDER/*.c, for each folder.
define archive
build/lib$(1).a: $(patsubst %.c,build/%.o,$(wildcard $(1)/*.c))
	@mkdir -p build
	@rm -f $$@
	ar rcs $$@ $$^
endef
$(foreach f,$(STACKLAB_FOLDERS),$(eval $(call archive,$(f))))

build/tap.o: tests/tap.c tests/tap.h
	@mkdir -p build
	$(CC) $(CFLAGS) $(SAN) -c $< -o $@

build/tests/%: tests/%.c $(ARCHIVES) build/tap.o
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(SAN) $(INCS) -Itests -o $@ $< build/tap.o $(ARCHIVES) $(LIBS)

# run-tests PROGRAMS: each one, then a summary; fails when any failed.
define run-tests
	@if [ -z "$(1)" ]; then echo "no public tests found for LAB=$(LAB)"; exit 1; fi
	@failed=0; for t in $(1); do \
	    echo "== $$t"; \
	    ASAN_OPTIONS=$${ASAN_OPTIONS:-detect_leaks=1} ./$$t || failed=$$((failed + 1)); \
	done; \
	if [ $$failed -eq 0 ]; then echo "all public tests passed"; \
	else echo "$$failed test program(s) failed"; exit 1; fi
endef

test: $(TEST_BIN)
	$(call run-tests,$(TEST_BIN))

test-all: $(ALL_BIN)
	$(call run-tests,$(ALL_BIN))

build/demo-app: tests/demo-app.c $(ARCHIVES)
	$(CC) $(CFLAGS) $(SAN) $(INCS) -o $@ $< $(ARCHIVES) $(LIBS)

run: build/demo-app
	./build/demo-app $(PORT)

clean:
	rm -rf build

.PHONY: all test test-all run clean
