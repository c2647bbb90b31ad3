# stacklab -- top-level build.
#   make          build the stacklab program
#   make run      install missing packages, build, open the course
#   make test     install missing packages, build (plain and sanitized), run every test with
#                 each build (the second pass: stacklab itself under ASan and UBSan)
#   make bench    print performance figures
#   make mutants  mutation-test the labs' hidden tests (LAB=NN, MUTANTS=60; not in test)
#   make fuzz     fuzz the parsers of untrusted text with libFuzzer (FUZZ_SECONDS, 60)
#   make deps     install missing Debian packages the course needs (as root or through sudo)
#   make test-deps  the same, with what the tests need besides
#   make install  install program and course (PREFIX, DESTDIR)
# Objects go to $(BUILD), never into the source folders.

PREFIX  ?= /usr/local
# A shell that leaves `PREFIX=~/.local` alone (sh, dash) must not install into ./~/.local.
override PREFIX := $(patsubst ~%,$(HOME)%,$(PREFIX))
DESTDIR ?=
BUILD   ?= build
ASAN_BUILD ?= $(BUILD)/asan
CC      ?= cc
WERROR  ?= -Werror
SRCDIR  := $(CURDIR)
V ?= 0
Q := $(if $(filter 1,$(V)),,@)

PKGS    := sqlite3 ncursesw libmicrohttpd libcurl libcrypto libseccomp libcjson libarchive libpq
# What running the course needs (a learner's laptop gets these and nothing more) ...
DEB_PKGS := build-essential pkg-config libsqlite3-dev libncurses-dev libmd4c-dev \
            libmicrohttpd-dev libcurl4-openssl-dev libssl-dev libseccomp-dev libcjson-dev libarchive-dev libpq-dev less
# ... and what `make test` needs besides: prove (perl), tmux for the TUI tests, the sqlite3
# program, setpriv/unshare (util-linux), ps (procps), ip (iproute2), curl (the class server's
# tests), PostgreSQL (the server's second engine; tests start their own cluster), Chromium
# and libpng (the dashboard seen in a real browser, its screenshot read).
TEST_DEB_PKGS := perl tmux sqlite3 util-linux procps iproute2 curl postgresql chromium \
                 libpng-dev
VERSION := $(shell cat VERSION 2>/dev/null || echo 0.1.0)

PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lmd4c -lpthread

BASE_CFLAGS := -std=c11 -D_GNU_SOURCE -Wall -Wextra $(WERROR) -g -O2 \
               -Ilabs/kit -Isandbox -Irunner $(PKG_CFLAGS) \
               -DSTACKLAB_VERSION='"$(VERSION)"' \
               -DSTACKLAB_SRCDIR='"$(SRCDIR)"' \
               -DSTACKLAB_DATADIR='"$(PREFIX)/share/stacklab"'
CFLAGS_EXTRA ?=
SAN_FLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined -O1

RUNNER_SRC  := $(wildcard runner/*.c)
SANDBOX_SRC := $(wildcard sandbox/*.c)
TAP_SRC     := labs/kit/tap.c
UNIT_SRC    := $(wildcard tests/unit/*.c)
HDRS        := $(wildcard runner/*.h sandbox/*.h labs/kit/tap.h)

# $(call objs,BUILDDIR,SOURCES)
objs = $(patsubst %.c,$(1)/obj/%.o,$(2))

all: $(BUILD)/stacklab $(BUILD)/units

# ---- plain build ---------------------------------------------------------
$(BUILD)/obj/%.o: %.c $(HDRS)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $<",true)
	$(Q)$(CC) $(BASE_CFLAGS) $(CFLAGS_EXTRA) -c $< -o $@

$(BUILD)/libsandbox.a: $(call objs,$(BUILD),$(SANDBOX_SRC))
	@rm -f $@; ar rcs $@ $^
$(BUILD)/libtap.a: $(call objs,$(BUILD),$(TAP_SRC))
	@rm -f $@; ar rcs $@ $^
$(BUILD)/librunner.a: $(call objs,$(BUILD),$(filter-out runner/main.c,$(RUNNER_SRC)))
	@rm -f $@; ar rcs $@ $^

$(BUILD)/stacklab: $(BUILD)/obj/runner/main.o $(BUILD)/librunner.a $(BUILD)/libsandbox.a $(BUILD)/libtap.a
	@$(if $(Q),echo "  LD      $@",true)
	$(Q)$(CC) $(CFLAGS_EXTRA) -o $@ $^ $(PKG_LIBS)

$(BUILD)/tests/%: tests/unit/%.c $(BUILD)/librunner.a $(BUILD)/libsandbox.a $(BUILD)/libtap.a $(HDRS)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $@",true)
	$(Q)$(CC) $(BASE_CFLAGS) $(CFLAGS_EXTRA) -o $@ $< $(BUILD)/librunner.a $(BUILD)/libsandbox.a $(BUILD)/libtap.a $(PKG_LIBS)

$(BUILD)/units: $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(UNIT_SRC))
	@touch $@

# ---- sanitized build (same sources, ASan + UBSan) -------------------------
asan:
	$(MAKE) BUILD=$(ASAN_BUILD) CFLAGS_EXTRA='$(SAN_FLAGS)' all

# ---- packages --------------------------------------------------------------
deps:
	@sh .ci/deps.sh $(DEB_PKGS)

test-deps:
	@sh .ci/deps.sh $(DEB_PKGS) $(TEST_DEB_PKGS)

# ---- running -----------------------------------------------------------------
# The README goes on with `stacklab lesson 1`: when no stacklab is on PATH, say how to get
# one there (after the course, whose full screen would hide it).
PATH_HINT = command -v stacklab >/dev/null 2>&1 || printf '%s\n' \
	"stacklab is not on your PATH yet, so 'stacklab lesson 1' will not be found. Install it" \
	"for yourself:  make install PREFIX=$$HOME/.local  (or run $(BUILD)/stacklab as it is)"
run: deps
	@$(MAKE) --no-print-directory all
	@$(BUILD)/stacklab; rc=$$?; $(PATH_HINT); exit $$rc

TEST_JOBS ?= 2
# The longest test files start first, so the others fill the other jobs around them
# instead of one of them starting last and running alone: those of the plain pass (216,
# 106's machine, which takes minutes where it is emulated, 203, the 5xx kill and remote
# tests) and of the sanitized one (210, 212, 207, 206: checks of several workspaces with
# stacklab under ASan). A file a pass skips ends at once.
TESTS_SLOW = tests/216-check-both-ways-more.t tests/106-sandbox-cgroup2.t \
	tests/203-check-both-ways.t tests/210-forged-pass.t tests/212-toy-track.t \
	tests/509-serve-remote-pg.t tests/508-serve-remote.t tests/207-check-output.t \
	tests/501-serve-kill.t tests/506-serve-kill-pg.t tests/206-lab-commands.t \
	tests/205-labs-native.t
TESTS = $(TESTS_SLOW) $(filter-out $(TESTS_SLOW),$(sort $(wildcard tests/*.t)))
# The second pass runs the test helpers that only prepare fixtures (tests/starter-tool)
# from the plain build, STACKLAB_FIXTURE_BUILD: tests/lib-grader.sh says why.
test: test-deps
	@$(MAKE) --no-print-directory all
	@$(MAKE) --no-print-directory asan
	@rm -rf $(BUILD)/test-objs
	STACKLAB_BUILD=$(CURDIR)/$(BUILD) STACKLAB_TEST_OBJS=$(CURDIR)/$(BUILD)/test-objs \
	    prove --timer -j$(TEST_JOBS) $(TESTS)
	STACKLAB_BUILD=$(CURDIR)/$(ASAN_BUILD) STACKLAB_SANITIZED=1 \
	    STACKLAB_FIXTURE_BUILD=$(CURDIR)/$(BUILD) \
	    STACKLAB_TEST_OBJS=$(CURDIR)/$(BUILD)/test-objs prove --timer -j$(TEST_JOBS) $(TESTS)

FUZZ_SECONDS ?= 60
fuzz:
	@BUILD=$(CURDIR)/$(BUILD) FUZZ_SECONDS=$(FUZZ_SECONDS) sh tests/fuzz/run.sh

bench: all
	@for b in bench/*.sh; do [ -f "$$b" ] && STACKLAB_BUILD=$(CURDIR)/$(BUILD) sh "$$b"; done; true

# Mutants of each lab's SOLUTION blocks against its checker (labs/kit/tools/mutants.sh).
MUTANTS ?= 60
mutants: all
	@STACKLAB_BUILD=$(abspath $(BUILD)) MUTANTS=$(MUTANTS) sh labs/kit/tools/mutants.sh $(LAB)

# ---- install -------------------------------------------------------------------
install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/stacklab
	install -m 755 $(BUILD)/stacklab $(DESTDIR)$(PREFIX)/bin/stacklab
	cp -R lessons labs exams $(DESTDIR)$(PREFIX)/share/stacklab/
	printf '%s\n' "$(VERSION)" > $(DESTDIR)$(PREFIX)/share/stacklab/COURSE
	@[ -n "$(DESTDIR)" ] || case ":$$PATH:" in *":$(PREFIX)/bin:"*) ;; *) printf '%s\n' \
	  "stacklab is installed as $(PREFIX)/bin/stacklab, but $(PREFIX)/bin is not on your PATH." \
	  "For this shell:  export PATH=\"$(PREFIX)/bin:\$$PATH\"" \
	  "For good: add that line to ~/.profile (Debian's own ~/.profile adds ~/.local/bin at" \
	  "your next login once the folder exists)." ;; esac

uninstall:
	rm -f $(DESTDIR)$(PREFIX)/bin/stacklab
	rm -rf $(DESTDIR)$(PREFIX)/share/stacklab

clean:
	rm -rf $(BUILD)

.PHONY: all asan deps test-deps run test bench mutants fuzz install uninstall clean
