# procmap — GNU Make build.
#   make                  library + CLI in build/
#   make test             build and run the Criterion suite
#   make test SANITIZE=address,undefined
#   make bench | install | uninstall | clean      V=1 shows full commands
#   make leakcheck | fuzz FUZZ_SECONDS=N | man     (docs/ci.md)

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
# The CLI alone also speaks JSON-RPC (procmap lsp, procmap serve's
# diagnostics) through jansson, HTTP (procmap serve) through
# libmicrohttpd, and reads Markdown (procmap md) through libcmark; the
# library needs none of them.
CLI_PKGS := jansson libmicrohttpd libcmark
NODEPS_GOALS := clean help
ifeq ($(filter $(NODEPS_GOALS),$(MAKECMDGOALS)),)
ifneq ($(shell pkg-config --exists $(PKGS) $(CLI_PKGS) criterion 2>/dev/null && echo ok),ok)
$(info procmap: build dependencies missing; running scripts/deps.sh)
ifneq ($(shell sh scripts/deps.sh 1>&2 && echo ok),ok)
$(error scripts/deps.sh could not install the build dependencies)
endif
endif
endif

PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null)
CRIT_LIBS  := $(shell pkg-config --libs criterion 2>/dev/null)
CLI_CFLAGS := $(shell pkg-config --cflags $(CLI_PKGS) 2>/dev/null)
CLI_LIBS   := $(shell pkg-config --libs $(CLI_PKGS) 2>/dev/null)

WARN     := -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
            -Wno-unused-parameter -Werror
CPPFLAGS += -Iinclude -Isrc -D_DEFAULT_SOURCE -D_POSIX_C_SOURCE=200809L \
            -DPM_VERSION='"$(VERSION)"'
CFLAGS   ?=
ALL_CFLAGS = -std=c11 $(OPT) $(WARN) -fvisibility=hidden -MMD -MP \
             $(SANFLAGS) $(PKG_CFLAGS) $(CFLAGS)
# The YAML loader reads big files with libyaml on a thread of its own.
LDLIBS_ALL = $(PKG_LIBS) -lm -pthread

ifeq ($(V),1)
Q :=
else
Q := @
endif

LIB_SRC  := $(sort $(wildcard src/*.c)) $(sort $(wildcard src/audit/*.c))
# render --diff's page section: the library's side of src/diff/.
LIB_SRC  += src/diff/diff_html.c
# procmap md's Markdown side (libcmark), which the suite also tests directly.
MD_SRC   := $(sort $(wildcard src/md/*.c))
CLI_SRC  := $(sort $(wildcard src/cli/*.c)) $(sort $(wildcard src/lsp/*.c)) \
            $(filter-out src/diff/diff_html.c,$(sort $(wildcard src/diff/*.c))) \
            $(sort $(wildcard src/serve/*.c)) $(MD_SRC)
TEST_SRC := $(sort $(wildcard tests/test_*.c)) tests/helpers.c
LIB_OBJ  := $(LIB_SRC:%.c=$(BUILD)/obj/%.o)
CLI_OBJ  := $(CLI_SRC:%.c=$(BUILD)/obj/%.o)
TEST_OBJ := $(TEST_SRC:%.c=$(BUILD)/obj/%.o)
MD_OBJ   := $(MD_SRC:%.c=$(BUILD)/obj/%.o)

LIB  := $(BUILD)/libprocmap.a
BIN  := $(BUILD)/procmap
TBIN := $(BUILD)/test_procmap

.PHONY: all test demo clean help
all: $(BIN)

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(CPPFLAGS) $(ALL_CFLAGS) -c -o $@ $<

$(BUILD)/obj/src/lsp/%.o: ALL_CFLAGS += $(CLI_CFLAGS)
$(BUILD)/obj/src/diff/%.o: ALL_CFLAGS += $(CLI_CFLAGS)
$(BUILD)/obj/src/serve/%.o: ALL_CFLAGS += $(CLI_CFLAGS) -I$(BUILD)/gen -pthread
$(BUILD)/obj/src/md/%.o: ALL_CFLAGS += $(CLI_CFLAGS)
$(BUILD)/obj/src/yaml_load.o $(BUILD)/pic/src/yaml_load.o: ALL_CFLAGS += -pthread

# /_serve.js, the browser's side of procmap serve, as a C string.
$(BUILD)/gen/serve_js.h: src/serve/serve.js
	@mkdir -p $(dir $@)
	$(Q)sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e 's/^/"/' -e 's/$$/\\n"/' $< >$@.tmp && mv $@.tmp $@
$(BUILD)/obj/src/serve/serve.o: $(BUILD)/gen/serve_js.h $(BUILD)/gen/panzoom_js.h

# The audit page's pan/zoom script as a C string and its CSP hash.
$(BUILD)/gen/panzoom_js.h: src/audit/panzoom.js scripts/embed_js.py
	@mkdir -p $(dir $@)
	$(Q)python3 scripts/embed_js.py PM_PANZOOM $< >$@.tmp && mv $@.tmp $@
$(BUILD)/obj/src/audit/%.o: ALL_CFLAGS += -I$(BUILD)/gen
$(BUILD)/obj/src/audit/page.o: $(BUILD)/gen/panzoom_js.h
$(BUILD)/pic/src/audit/%.o: ALL_CFLAGS += -I$(BUILD)/gen
$(BUILD)/pic/src/audit/page.o: $(BUILD)/gen/panzoom_js.h

# Criterion's macros define functions without prototypes.
$(BUILD)/obj/tests/%.o: ALL_CFLAGS += -Wno-missing-prototypes -Wno-shadow -Wno-format-truncation \
  $(CLI_CFLAGS)

$(LIB): $(LIB_OBJ)
	@$(if $(Q),echo "  AR      $@")
	$(Q)rm -f $@ && ar rcs $@ $^

$(BIN): $(CLI_OBJ) $(LIB)
	@$(if $(Q),echo "  LINK    $@")
	$(Q)$(CC) $(SANFLAGS) -pthread -o $@ $(CLI_OBJ) $(LIB) $(LDLIBS_ALL) $(CLI_LIBS)

$(TBIN): $(TEST_OBJ) $(MD_OBJ) $(LIB)
	@$(if $(Q),echo "  LINK    $@")
	$(Q)$(CC) $(SANFLAGS) -o $@ $(TEST_OBJ) $(MD_OBJ) $(LIB) $(LDLIBS_ALL) $(CRIT_LIBS) $(CLI_LIBS)

# The suite runs the CLI too; it finds it through PROCMAP_BIN.  Tools the
# suite alone needs (mkdocs, chromium, pdfinfo, pngtopnm) are not libraries
# pkg-config can find above.
test: $(BIN) $(TBIN)
	@for t in mkdocs chromium pdfinfo pngtopnm; do command -v $$t >/dev/null 2>&1 || \
	  { sh scripts/deps.sh >&2 || true; break; }; done
	$(Q)PROCMAP_BIN=$(abspath $(BIN)) PROCMAP_ROOT=$(CURDIR) \
	  PROCMAP_BUILD=$(abspath $(BUILD)) \
	  ASAN_OPTIONS=detect_leaks=1:fast_unwind_on_malloc=0 LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp:print_suppressions=0 $(TBIN) --jobs=2

# The README's first command: procmap's main job on the samples.
# Each sample is a business of its own, so each is checked on its own.
demo: $(BIN)
	$(Q)for f in samples/*.pmap; do \
	  echo "== $$f"; $(BIN) check $$f || exit $$?; \
	  d=out/$$(basename $$f .pmap); $(BIN) render -f svg,png -o $$d $$f || exit $$?; \
	  echo "   diagrams: $$d/index.html"; done

clean:
	rm -rf build

help:
	@sed -n '2,7p' Makefile | sed 's/^# *//'

-include $(LIB_OBJ:.o=.d) $(CLI_OBJ:.o=.d) $(TEST_OBJ:.o=.d)

# --- bench: every phase timed on generated 10k/100k/1M-step models --------
# Always optimised and without sanitizers, in build/bench (bench/README.md).
BENCH_BUILD := build/bench
.PHONY: bench
bench:
	@/usr/bin/python3 -c 'import igraph' 2>/dev/null || sh scripts/deps.sh bench || true
	$(Q)$(MAKE) --no-print-directory BUILD=$(BENCH_BUILD) SANITIZE= OPT='-O2 -g' \
	  $(BENCH_BUILD)/procmap $(BENCH_BUILD)/pm-bench $(BENCH_BUILD)/pm-gen
	$(Q)sh bench/run.sh $(BENCH_BUILD)

$(BUILD)/pm-bench: bench/bench.c $(LIB)
	@$(if $(Q),echo "  LINK    $@")
	$(Q)$(CC) $(CPPFLAGS) $(ALL_CFLAGS) -o $@ $< $(LIB) $(LDLIBS_ALL)

$(BUILD)/pm-gen: bench/gen.c
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(ALL_CFLAGS) -o $@ $<

# --- shared library: PIC objects of the same sources, only pm_ exported -----
SONAME   := libprocmap.so.0
SOLIB    := $(BUILD)/libprocmap.so.$(VERSION)
PIC_OBJ  := $(LIB_SRC:%.c=$(BUILD)/pic/%.o)

$(BUILD)/pic/%.o: %.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC (pic) $<")
	$(Q)$(CC) $(CPPFLAGS) $(ALL_CFLAGS) -fPIC -c -o $@ $<

$(SOLIB): $(PIC_OBJ)
	@$(if $(Q),echo "  LINK    $@")
	$(Q)$(CC) $(SANFLAGS) -shared -Wl,-soname,$(SONAME) -Wl,--no-undefined \
	  -o $@ $^ $(LDLIBS_ALL)

-include $(PIC_OBJ:.o=.d)

# --- man pages (scdoc sources in man/) -------------------------------------
MAN_PAGES := $(patsubst man/%.scd,$(BUILD)/man/%,$(sort $(wildcard man/*.scd)))
.PHONY: man
man: $(MAN_PAGES)

$(BUILD)/man/%: man/%.scd
	@mkdir -p $(dir $@)
	@command -v scdoc >/dev/null || sh scripts/deps.sh man
	@$(if $(Q),echo "  SCDOC   $<")
	$(Q)scdoc <$< >$@.tmp && mv $@.tmp $@

# --- install / uninstall: PREFIX ?= /usr/local, DESTDIR for staging --------
bindir     ?= $(PREFIX)/bin
libdir     ?= $(PREFIX)/lib
includedir ?= $(PREFIX)/include
datadir    ?= $(PREFIX)/share
mandir     ?= $(datadir)/man
SCHEMAS    := $(sort $(wildcard schemas/*.schema.json))

.PHONY: install uninstall
install: $(BIN) $(LIB) $(SOLIB) $(MAN_PAGES)
	install -d $(DESTDIR)$(bindir) $(DESTDIR)$(libdir)/pkgconfig \
	  $(DESTDIR)$(includedir) $(DESTDIR)$(mandir)/man1 $(DESTDIR)$(mandir)/man5 \
	  $(DESTDIR)$(datadir)/procmap $(DESTDIR)$(datadir)/bash-completion/completions
	install -m 755 $(BIN) $(DESTDIR)$(bindir)/procmap
	install -m 644 $(LIB) $(DESTDIR)$(libdir)/libprocmap.a
	install -m 755 $(SOLIB) $(DESTDIR)$(libdir)/libprocmap.so.$(VERSION)
	ln -sf libprocmap.so.$(VERSION) $(DESTDIR)$(libdir)/$(SONAME)
	ln -sf $(SONAME) $(DESTDIR)$(libdir)/libprocmap.so
	install -m 644 include/procmap.h $(DESTDIR)$(includedir)/procmap.h
	sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@LIBDIR@|$(libdir)|' \
	  -e 's|@INCLUDEDIR@|$(includedir)|' -e 's|@VERSION@|$(VERSION)|' \
	  libprocmap.pc.in >$(DESTDIR)$(libdir)/pkgconfig/libprocmap.pc
	install -m 644 $(filter %.1,$(MAN_PAGES)) $(DESTDIR)$(mandir)/man1/
	install -m 644 $(filter %.5,$(MAN_PAGES)) $(DESTDIR)$(mandir)/man5/
	$(if $(SCHEMAS),install -m 644 $(SCHEMAS) $(DESTDIR)$(datadir)/procmap/)
	install -m 644 completion/procmap.bash \
	  $(DESTDIR)$(datadir)/bash-completion/completions/procmap

uninstall:
	rm -f $(DESTDIR)$(bindir)/procmap $(DESTDIR)$(libdir)/libprocmap.a \
	  $(DESTDIR)$(libdir)/libprocmap.so.$(VERSION) $(DESTDIR)$(libdir)/$(SONAME) \
	  $(DESTDIR)$(libdir)/libprocmap.so $(DESTDIR)$(includedir)/procmap.h \
	  $(DESTDIR)$(libdir)/pkgconfig/libprocmap.pc \
	  $(DESTDIR)$(datadir)/bash-completion/completions/procmap \
	  $(patsubst $(BUILD)/man/%.1,$(DESTDIR)$(mandir)/man1/%.1,$(filter %.1,$(MAN_PAGES))) \
	  $(patsubst $(BUILD)/man/%.5,$(DESTDIR)$(mandir)/man5/%.5,$(filter %.5,$(MAN_PAGES)))
	rm -rf $(DESTDIR)$(datadir)/procmap

# --- leakcheck: the suite's CLI runs under valgrind memcheck ---------------
# tests/valgrind-cli.sh stands in for the CLI (PROCMAP_BIN); each run logs
# to $(BUILD)/leakcheck/, and any error or definite leak fails the target.
.PHONY: leakcheck
leakcheck: $(BIN) $(TBIN)
	@test -z "$(SANITIZE)" || { echo "leakcheck: valgrind needs a build without SANITIZE" >&2; exit 2; }
	@command -v valgrind >/dev/null || sh scripts/deps.sh leakcheck
	$(Q)rm -rf $(BUILD)/leakcheck && mkdir -p $(BUILD)/leakcheck
	$(Q)PROCMAP_BIN=$(CURDIR)/tests/valgrind-cli.sh PROCMAP_VG_BIN=$(abspath $(BIN)) \
	  PROCMAP_VG_LOGS=$(abspath $(BUILD))/leakcheck PROCMAP_ROOT=$(CURDIR) \
	  PROCMAP_BUILD=$(abspath $(BUILD)) \
	  PROCMAP_LEAKCHECK=1 $(TBIN) --jobs=2; st=$$?; \
	  sh tests/valgrind-cli.sh --summary $(BUILD)/leakcheck && exit $$st

# --- fuzzing: make fuzz [FUZZ_SECONDS=N] --------------------------------------
# One libFuzzer target a fuzz/fuzz_*.c, each run for FUZZ_SECONDS, built by
# clang with ASan + UBSan into $(FUZZ_BUILD) (the library is instrumented
# too).  clang and its runtimes come from `sh scripts/deps.sh fuzz`.
FUZZ_CC      ?= clang
FUZZ_SECONDS ?= 60
FUZZ_BUILD   ?= build/fuzz
FUZZ_SAN     := -fsanitize=address,undefined -fno-sanitize-recover=all \
                -fno-omit-frame-pointer
FUZZ_CFLAGS   = -std=c11 -g -O1 $(filter-out -Werror,$(WARN)) -fvisibility=hidden \
                $(PKG_CFLAGS) $(FUZZ_SAN) -fsanitize=fuzzer-no-link
FUZZ_TARGETS := $(patsubst fuzz/%.c,%,$(sort $(wildcard fuzz/fuzz_*.c)))
FUZZ_BINS    := $(FUZZ_TARGETS:%=$(FUZZ_BUILD)/%)
FUZZ_LIB_OBJ := $(LIB_SRC:%.c=$(FUZZ_BUILD)/obj/%.o)

.PHONY: fuzz fuzz-build fuzz-deps
fuzz: fuzz-build
	$(Q)sh fuzz/run.sh $(FUZZ_BUILD) $(FUZZ_SECONDS) $(FUZZ_TARGETS)

fuzz-build: fuzz-deps
	$(Q)$(MAKE) --no-print-directory $(FUZZ_BINS)

fuzz-deps:
	$(Q)echo 'int LLVMFuzzerTestOneInput(const char *d, long n) { return 0; }' | \
	  $(FUZZ_CC) -fsanitize=fuzzer,address,undefined -x c -o /dev/null - \
	  2>/dev/null || sh scripts/deps.sh fuzz

$(FUZZ_BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  FUZZCC  $<")
	$(Q)$(FUZZ_CC) $(CPPFLAGS) $(FUZZ_CFLAGS) -MMD -MP -c -o $@ $<

$(FUZZ_BUILD)/obj/src/audit/%.o: FUZZ_CFLAGS += -I$(BUILD)/gen
$(FUZZ_BUILD)/obj/src/audit/page.o: $(BUILD)/gen/panzoom_js.h

$(FUZZ_BUILD)/libprocmap.a: $(FUZZ_LIB_OBJ)
	$(Q)rm -f $@ && ar rcs $@ $^

# fuzz_lsp also takes the server (src/lsp/, with the CLI helpers it uses).
FUZZ_LSP_OBJ := $(patsubst %.c,$(FUZZ_BUILD)/obj/%.o,$(filter-out src/cli/main.c,$(CLI_SRC)))
$(FUZZ_BUILD)/fuzz_lsp: $(FUZZ_LSP_OBJ)

$(FUZZ_BINS): $(FUZZ_BUILD)/%: $(FUZZ_BUILD)/obj/fuzz/%.o $(FUZZ_BUILD)/libprocmap.a
	@$(if $(Q),echo "  LINK    $@")
	$(Q)$(FUZZ_CC) $(FUZZ_SAN) -fsanitize=fuzzer -o $@ $(filter %.o,$^) \
	  $(FUZZ_BUILD)/libprocmap.a $(LDLIBS_ALL) $(CLI_LIBS)

-include $(FUZZ_LIB_OBJ:.o=.d) $(FUZZ_LSP_OBJ:.o=.d) $(FUZZ_TARGETS:%=$(FUZZ_BUILD)/obj/fuzz/%.d)
