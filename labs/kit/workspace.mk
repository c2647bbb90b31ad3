# Makefile -- your vial workspace. Everything it builds goes to build/.
#   make               build your vial into build/libvial.a (and app/ into build/libapp.a)
#   make test          build and run the public tests of every lab (-g -O0, with
#                      AddressSanitizer and UBSan: a bad access names your file:line)
#   make test LAB=02   only lab 02's public tests
#   make test SAN=     without sanitizers, e.g. to use valgrind:
#                        valgrind --leak-check=full build/tests/01-parse-request
#   gdb build/tests/01-parse-request      debug one test program
#   make run           serve the demo app on http://127.0.0.1:8080/ (after lab 03)
#   make clean
CC      ?= cc
SAN     ?= -fsanitize=address,undefined -fno-omit-frame-pointer
CFLAGS  ?= -std=c11 -D_POSIX_C_SOURCE=200809L -Wall -Wextra -g -O0
LIBS    := $(shell pkg-config --libs libmicrohttpd libcrypto libcjson 2>/dev/null || echo -lmicrohttpd -lcrypto -lcjson) -lpthread
PORT    ?= 8080

VIAL_SRC := $(wildcard vial/*.c)
VIAL_OBJ := $(patsubst vial/%.c,build/vial/%.o,$(VIAL_SRC))
APP_SRC  := $(wildcard app/*.c)
APP_OBJ  := $(patsubst app/%.c,build/app/%.o,$(APP_SRC))
TEST_SRC := $(sort $(wildcard tests/$(if $(LAB),$(LAB),[0-9][0-9])-*.c))
TEST_BIN := $(patsubst tests/%.c,build/tests/%,$(TEST_SRC))

all: build/libvial.a build/libapp.a

build/vial/%.o: vial/%.c $(wildcard vial/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(SAN) -Ivial -c $< -o $@

build/libvial.a: $(VIAL_OBJ)
	@rm -f $@
	ar rcs $@ $^

# The apps written on top of vial (lab 12): an archive, so a test takes only what it uses.
build/app/%.o: app/%.c $(wildcard vial/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(SAN) -Ivial -c $< -o $@

build/libapp.a: $(APP_OBJ)
	@mkdir -p build
	@rm -f $@
	ar rcs $@ $^

build/tap.o: tests/tap.c tests/tap.h
	@mkdir -p build
	$(CC) $(CFLAGS) $(SAN) -c $< -o $@

build/tests/%: tests/%.c build/libapp.a build/libvial.a build/tap.o
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(SAN) -Ivial -Itests -o $@ $< build/tap.o build/libapp.a build/libvial.a $(LIBS)

test: $(TEST_BIN)
	@if [ -z "$(TEST_BIN)" ]; then echo "no public tests found for LAB=$(LAB)"; exit 1; fi
	@failed=0; for t in $(TEST_BIN); do \
	    echo "== $$t"; \
	    ASAN_OPTIONS=$${ASAN_OPTIONS:-detect_leaks=1} ./$$t || failed=$$((failed + 1)); \
	done; \
	if [ $$failed -eq 0 ]; then echo "all public tests passed"; \
	else echo "$$failed test program(s) failed"; exit 1; fi

build/demo-app: tests/demo-app.c build/libvial.a
	$(CC) $(CFLAGS) $(SAN) -Ivial -o $@ $< build/libvial.a $(LIBS)

run: build/demo-app
	./build/demo-app $(PORT)

clean:
	rm -rf build

.PHONY: all test run clean
