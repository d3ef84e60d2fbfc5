# procmap — GNU Make build.
#   make                  library + CLI in build/
#   make test             build and run the Criterion suite
#   make test SANITIZE=address,undefined
#   make bench | install | uninstall | clean      V=1 shows full commands

VERSION  := 0.1.0
PREFIX   ?= /usr/local
DESTDIR  ?=
CC       ?= cc
OPT      ?= -O2 -g

ifdef SANITIZE
BUILD    ?= build/san
SANFLAGS := -fsanitize=$(SANITIZE) -fno-sanitize-recover=all -fno-omit-frame-pointer
else
BUILD    ?= build
SANFLAGS :=
endif

# Build dependencies come from Debian packages; install them when missing.
PKGS := libcgraph libgvc yaml-0.1
NODEPS_GOALS := clean help
ifeq ($(filter $(NODEPS_GOALS),$(MAKECMDGOALS)),)
ifneq ($(shell pkg-config --exists $(PKGS) criterion 2>/dev/null && echo ok),ok)
$(info procmap: build dependencies missing; running scripts/deps.sh)
ifneq ($(shell sh scripts/deps.sh 1>&2 && echo ok),ok)
$(error scripts/deps.sh could not install the build dependencies)
endif
endif
endif

PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null)
CRIT_LIBS  := $(shell pkg-config --libs criterion 2>/dev/null)

WARN     := -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
            -Wno-unused-parameter -Werror
CPPFLAGS += -Iinclude -Isrc -D_DEFAULT_SOURCE -D_POSIX_C_SOURCE=200809L \
            -DPM_VERSION='"$(VERSION)"'
CFLAGS   ?=
ALL_CFLAGS = -std=c11 $(OPT) $(WARN) -fvisibility=hidden -MMD -MP \
             $(SANFLAGS) $(PKG_CFLAGS) $(CFLAGS)
LDLIBS_ALL = $(PKG_LIBS) -lm

ifeq ($(V),1)
Q :=
else
Q := @
endif

LIB_SRC  := $(sort $(wildcard src/*.c))
CLI_SRC  := $(sort $(wildcard src/cli/*.c))
TEST_SRC := $(sort $(wildcard tests/test_*.c)) tests/helpers.c
LIB_OBJ  := $(LIB_SRC:%.c=$(BUILD)/obj/%.o)
CLI_OBJ  := $(CLI_SRC:%.c=$(BUILD)/obj/%.o)
TEST_OBJ := $(TEST_SRC:%.c=$(BUILD)/obj/%.o)

LIB  := $(BUILD)/libprocmap.a
BIN  := $(BUILD)/procmap
TBIN := $(BUILD)/test_procmap

.PHONY: all test demo clean help
all: $(BIN)

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(CPPFLAGS) $(ALL_CFLAGS) -c -o $@ $<

# Criterion's macros define functions without prototypes.
$(BUILD)/obj/tests/%.o: ALL_CFLAGS += -Wno-missing-prototypes -Wno-shadow -Wno-format-truncation

$(LIB): $(LIB_OBJ)
	@$(if $(Q),echo "  AR      $@")
	$(Q)rm -f $@ && ar rcs $@ $^

$(BIN): $(CLI_OBJ) $(LIB)
	@$(if $(Q),echo "  LINK    $@")
	$(Q)$(CC) $(SANFLAGS) -o $@ $(CLI_OBJ) $(LIB) $(LDLIBS_ALL)

$(TBIN): $(TEST_OBJ) $(LIB)
	@$(if $(Q),echo "  LINK    $@")
	$(Q)$(CC) $(SANFLAGS) -o $@ $(TEST_OBJ) $(LIB) $(LDLIBS_ALL) $(CRIT_LIBS)

# The suite runs the CLI too; it finds it through PROCMAP_BIN.
test: $(BIN) $(TBIN)
	$(Q)PROCMAP_BIN=$(abspath $(BIN)) PROCMAP_ROOT=$(CURDIR) \
	  ASAN_OPTIONS=detect_leaks=1 $(TBIN) --jobs=2

# The README's first command: procmap's main job on the samples.
# Each sample is a business of its own, so each is checked on its own.
demo: $(BIN)
	$(Q)for f in samples/*.pmap; do \
	  echo "== $$f"; $(BIN) check $$f || exit $$?; done

clean:
	rm -rf build

help:
	@sed -n '2,6p' Makefile | sed 's/^# *//'

-include $(LIB_OBJ:.o=.d) $(CLI_OBJ:.o=.d) $(TEST_OBJ:.o=.d)
