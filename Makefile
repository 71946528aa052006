# Samizdat build.  `make` builds bin/smz and bin/smz-pack (and installs
# nothing: a missing library stops it with a line naming `make deps`); `make
# test` installs what the tests need from Debian, builds and runs every test;
# `make demo` packs samples/ and serves it.  See README.md and docs/HACKING.md.
PREFIX  ?= /usr/local
DESTDIR ?=
CC      ?= cc
BUILD   ?= build
BIN     ?= bin
PKGS    := libzstd libarchive sqlite3 libsodium libxml-2.0 libcmark libmagic uchardet icu-i18n icu-uc
# Needed at build time only, by a generator (GEN below); no program links it.
GEN_PKGS := opencc
# libcurl: smz pull's HTTP client (reader/http.c), loaded by reader/lazy.c
# on first use; no other program and no test binary links it.  make dist's
# static programs are built without it (reader/http.c says so).
CURL_PKGS := libcurl
WARN    := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wswitch-enum -Wvla
CFLAGS  ?= -O2 -g
ALL_CFLAGS = -std=c11 -D_DEFAULT_SOURCE -D_GNU_SOURCE $(WARN) $(CFLAGS) -Iinclude \
             $(shell pkg-config --cflags $(PKGS) 2>/dev/null) -pthread -MMD -MP
# lib/'s private headers are seen only by the library, the server (an
# internal layer over it) and the tests: packer/, reader/ and common/ build
# with -Iinclude alone, so they can use nothing but the public contract.
PRIV_INC := -Ilib
$(BUILD)/lib/%.o $(BUILD)/server/%.o $(BUILD)/tests/%: ALL_CFLAGS += $(PRIV_INC)
LIBS    = $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lcivetweb -lpthread -lm
LDFLAGS ?= -Wl,--as-needed -Wl,-O1
# bin/smz starts in about a millisecond: the libraries every command needs are
# linked in from Debian's static archives (when installed), and libarchive,
# libxml2, CivetWeb, ICU, libcurl and cmark are loaded by reader/lazy.c on first use.
SMZ_STATIC := $(foreach l,zstd sqlite3 sodium,$(if $(filter /%,$(shell $(CC) -print-file-name=lib$(l).a)),$(l)))
SMZ_LIBS    = -Wl,-Bstatic $(SMZ_STATIC:%=-l%) -Wl,-Bdynamic \
              $(filter-out $(SMZ_STATIC:%=-l%),$(shell pkg-config --libs libzstd sqlite3 libsodium 2>/dev/null)) \
              -ldl -lpthread -lm
# make dist (scripts/dist.sh) builds with STATIC=1: every library linked in
# from static archives (Debian's, and CivetWeb and musl's iconv built from
# Debian's sources: DIST_LIBS), reader/lazy.c compiled empty (SMZ_STATIC).
# libxml2 2.9 decides whether the program has threads by weak references to
# pthread functions: in a static link those no other code uses stay null, and
# it then keeps one global state (its last error, ...) for every thread, so
# two threads parsing at once (search snippets, smz serve) corrupted the heap
# (tests/dist: a double free under qemu arm64, 3 runs in 4).  -u links them in.
LIBXML_PTHREAD = $(foreach f,once getspecific setspecific key_create key_delete mutex_init \
    mutex_destroy mutex_lock mutex_unlock cond_init cond_destroy cond_wait cond_signal equal self,\
    -Wl,-u,pthread_$(f))
ifeq ($(STATIC),1)
LIBS     = $(LIBXML_PTHREAD) $(shell pkg-config --static --libs $(PKGS) 2>/dev/null) $(DIST_LIBS) -lstdc++ -lpthread -lm
SMZ_LIBS = $(LIBS)
ALL_CFLAGS += -DSMZ_STATIC $(DIST_CFLAGS)
endif
soname = $(shell objdump -p $$($(CC) -print-file-name=lib$(1).so) 2>/dev/null | awk '$$1 == "SONAME" {print $$2}')
$(BUILD)/reader/lazy.o: ALL_CFLAGS += -DSMZ_SONAME_ARCHIVE='"$(call soname,archive)"' \
    -DSMZ_SONAME_XML2='"$(call soname,xml2)"' -DSMZ_SONAME_CIVETWEB='"$(call soname,civetweb)"' \
    -DSMZ_SONAME_ICU='"$(call soname,icui18n)"' -DSMZ_SONAME_CURL='"$(call soname,curl)"' \
    -DSMZ_SONAME_CMARK='"$(call soname,cmark)"'
$(BUILD)/reader/lazy.o $(BUILD)/reader/http.o: ALL_CFLAGS += $(shell pkg-config --cflags $(CURL_PKGS) 2>/dev/null)

LIB_SRC    := $(sort $(wildcard lib/*.c lib/*/*.c))
PACK_SRC   := $(sort $(wildcard packer/*.c common/*.c))
READER_SRC := $(sort $(wildcard reader/*.c server/*.c common/*.c))
UNIT_SRC   := $(sort $(wildcard tests/unit/test_*.c))
FUZZ_SRC   := $(sort $(wildcard tests/fuzz/fuzz_*.c))
SRV_SRC    := $(sort $(wildcard server/*.c))

# The browser reader (web/, `make wasm`; the rules are below), linked into
# both programs.  Its build folder is shared by every BUILD (asan, ubsan).
WASM       ?= build-wasm
WASM_DEPS  ?= $(WASM)/deps
READER_HTML := $(WASM)/smz-reader.html
HTML_BLOB  := $(BUILD)/common/reader_html_blob.o

LIB_OBJ    := $(LIB_SRC:%.c=$(BUILD)/%.o)
PACK_OBJ   := $(PACK_SRC:%.c=$(BUILD)/%.o) $(HTML_BLOB)
READER_OBJ := $(READER_SRC:%.c=$(BUILD)/%.o) $(HTML_BLOB)
UNIT_BIN   := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)
REPLAY_BIN := $(FUZZ_SRC:tests/fuzz/fuzz_%.c=$(BUILD)/tests/test_fuzz_%)
# Test tools (tests/cli/sweep.sh, failures.sh, the tests that plant damage):
# the damage sweep, the cluster checks rewriter and the allocation-failure
# shim (LD_PRELOAD; built without sanitizers).
TOOL_BIN   := $(BUILD)/tests/tools/sweep $(BUILD)/tests/tools/rechecks $(BUILD)/tests/tools/failmalloc.so
LIBSMZ     := $(BUILD)/libsmz.a
# The server's objects as a library too, for the fuzz target of its parsers.
LIBSRV     := $(BUILD)/libsmzsrv.a

.PHONY: all pot deps deps-test deps-lint deps-soak deps-bench deps-dist dist test-dist deps-test-dist test-fat32 deps-fat32 deps-wasm wasm wasm-deps wasm-deps-test \
    wasm-core test check check-quick lint demo asan ubsan fuzz sweep failures soak bench install clean
all: $(BIN)/smz $(BIN)/smz-pack $(UNIT_BIN) $(REPLAY_BIN) $(TOOL_BIN) $(READER_HTML) $(WASM)/deps_smoke.js

# --version: the version, and the commit the programs are built from
# (common/version.c; "unknown" outside a git checkout of this tree).  The
# stamp changes only when the commit does, so that only version.o is rebuilt.
SMZ_VERSION := 0.1.0
SMZ_COMMIT   = $(shell [ "$$(git rev-parse --show-toplevel 2>/dev/null)" = "$(CURDIR)" ] && \
                 git rev-parse --short HEAD 2>/dev/null || echo unknown)
$(BUILD)/commit.stamp: FORCE
	@mkdir -p $(@D)
	@echo '$(SMZ_COMMIT)' > $@.new; cmp -s $@.new $@ && rm -f $@.new || mv $@.new $@
$(BUILD)/common/version.o: $(BUILD)/commit.stamp
$(BUILD)/common/version.o: ALL_CFLAGS += -DSMZ_VERSION='"$(SMZ_VERSION)"' \
    -DSMZ_COMMIT="\"$$(cat $(BUILD)/commit.stamp)\""
.PHONY: FORCE
FORCE:

# The message catalogues (issue 21, include/smz/i18n.h): po/LANG.po, compiled
# by msgfmt into $(BUILD)/locale/C/LC_MESSAGES/samizdat-LANG.mo (one text
# domain per language; never committed).  The programs find them there when
# run from the tree, in PREFIX/share/samizdat/locale when installed.
# po/samizdat.pot is xgettext's template of every string marked in the code
# (`make pot` remakes it; tests/cli/i18n_catalogs.sh checks it is current and
# every catalogue complete).
PO_LANGS := $(patsubst po/%.po,%,$(wildcard po/*.po))
LOCALEDIR := $(BUILD)/locale
MO := $(PO_LANGS:%=$(LOCALEDIR)/C/LC_MESSAGES/samizdat-%.mo)
all: $(MO)
$(LOCALEDIR)/C/LC_MESSAGES/samizdat-%.mo: po/%.po | $(BUILD)/.libs-ok
	@mkdir -p $(@D)
	msgfmt --check -o $@ $<
POT_SRC = $(sort $(wildcard server/*.c lib/article/*.c lib/pack/index_page.c reader/*.c packer/*.c common/*.c zimtool/*.c) web/wasm_api.c)
XGETTEXT_FLAGS := --from-code=UTF-8 --language=C --no-wrap --sort-by-file --add-comments=TRANSLATORS: \
    --keyword= --keyword=_ --keyword=N_:1,2 --keyword=smz_tr:2 --keyword=smz_ntr:2,3 --keyword=SMZ_N_ \
    --keyword=TR:2 --keyword=NTR:2,3 --keyword=tr_html:3 --keyword=plain_tr:3 --keyword=CT:2 --keyword=C_:1c,2 --keyword=NC_:1c,2 --package-name=samizdat --msgid-bugs-address=samizdat
# The library's messages in the language its handle carries (smz_reader_open_lang,
# smz_reader_set_lang): the format strings of its reporting functions.
LIB_POT_SRC := lib/reader.c lib/split.c lib/format.c lib/search/search.c lib/search/fuzzy.c lib/search/query.c \
    lib/pack/metadata.c lib/pack/source.c lib/pack/order.c lib/pack/entry.c lib/pack/zim_input.c lib/pack/archive_input.c \
    lib/writer.c lib/upgrade.c lib/entries.c lib/parts.c lib/delta.c lib/delta_list.c lib/zim/export.c lib/pack/reindex.c \
    lib/sign/archive.c lib/sign/keys.c lib/sign/minisign.c lib/sign/util.c lib/util/file.c
LIB_KEYWORDS := --keyword=fail:3 --keyword=failf:3 --keyword=warn:2 --keyword=smz__reader_fail:3 --keyword=smz__errf_lang:5 \
    --keyword=smz__packer_fail:3 --keyword=smz__packer_warn:2 --keyword=smz_writer_set_error:3 --keyword=qfail:5 \
    --keyword=problem:3 --keyword=warnf:2 --keyword=smz__sign_fail:3 --keyword=afail:5 --keyword=setmsg:3 \
    --keyword=lfail:5 --keyword=FAIL:3 --keyword=emsg:2 --keyword=smz__format_lang:4 --keyword=sqlfail:3 \
    --keyword=smz__reader_sqlfail:3
# smz_strerror's messages (lib/error.c, every string in it) too: the
# command line prints them.  And the browser reader's page's own words
# (web/app.js: N_ and _) and its worker's sentences (web/worker.js: N_;
# web/httpfs.js uses worker.js's).
XGETTEXT_JS_FLAGS := --from-code=UTF-8 --language=JavaScript --no-wrap --keyword= --keyword=N_ --keyword=_
pot:
	LC_ALL=C.UTF-8 xgettext $(XGETTEXT_FLAGS) -o po/samizdat.pot $(POT_SRC)
	LC_ALL=C.UTF-8 xgettext $(XGETTEXT_FLAGS) --extract-all -j -o po/samizdat.pot lib/error.c
	LC_ALL=C.UTF-8 xgettext $(XGETTEXT_FLAGS) $(LIB_KEYWORDS) -j -o po/samizdat.pot $(LIB_POT_SRC)
	LC_ALL=C.UTF-8 xgettext $(XGETTEXT_JS_FLAGS) -j -o po/samizdat.pot web/app.js web/worker.js
# The catalogues of the build folder, for programs run from the tree; not in
# make dist's programs, whose bytes must not depend on where they were built
# (they find catalogues as installed, or by SMZ_LOCALEDIR).
ifeq ($(STATIC),1)
$(BUILD)/common/i18n.o: ALL_CFLAGS += -DSMZ_BUILD_LOCALEDIR='""'
else
$(BUILD)/common/i18n.o: ALL_CFLAGS += -DSMZ_BUILD_LOCALEDIR='"$(abspath $(LOCALEDIR))"'
endif

# Installs missing Debian packages (scripts/deps.sh GROUP); the stamp keeps it
# from running on every make.  Plain `make` installs nothing.
deps: $(BUILD)/.deps-build
deps-test: $(BUILD)/.deps-test
deps-lint: $(BUILD)/.deps-lint
deps-soak: $(BUILD)/.deps-soak
deps-bench: $(BUILD)/.deps-bench
deps-dist: $(BUILD)/.deps-dist
$(BUILD)/.deps-%: scripts/deps.sh
	@mkdir -p $(BUILD) && scripts/deps.sh $* && touch $@

# Before the first object: are the libraries there?  When the goals on the
# command line install packages, this waits for that install (one apt-get at
# a time, even under -j); plain `make` only checks, and stops with one line.
DEPS_GOALS_bench := bench
DEPS_GOALS_soak  := soak
DEPS_GOALS_test  := test check check-quick asan ubsan fuzz sweep failures
DEPS_GOALS_build := demo deps
DEPS_GOALS_dist  := dist test-dist
DEPS_GROUP := $(firstword $(foreach g,bench soak test dist build,$(if $(filter $(DEPS_GOALS_$(g)),$(MAKECMDGOALS)),$(g))))
$(BUILD)/.libs-ok: | $(if $(DEPS_GROUP),$(BUILD)/.deps-$(DEPS_GROUP))
	@mkdir -p $(BUILD); missing=""; \
	for p in $(PKGS) $(GEN_PKGS) $(ZIM_READ_PKGS) $(CURL_PKGS); do pkg-config --exists $$p 2>/dev/null || missing="$$missing $$p"; done; \
	echo '#include <civetweb.h>' | $(CC) -E -x c - >/dev/null 2>&1 || missing="$$missing civetweb"; \
	for t in emcc node npm python3 dpkg-source msgfmt xgettext; do command -v $$t >/dev/null || missing="$$missing $$t"; done; \
	if [ -n "$$missing" ]; then echo "missing libraries:$$missing; run 'make deps' (or: scripts/deps.sh build)" >&2; \
	    exit 1; fi; touch $@

$(BUILD)/%.o: %.c | $(BUILD)/.libs-ok
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -c $< -o $@

# Generated sources, shared by every BUILD (asan, ubsan) as the WebAssembly
# build folder is, so that a sanitizer build does not remake the module:
# the table that folds simplified and traditional Chinese together
# (lib/search/hanfold.c includes it), written by scripts/hanfold_gen.c from
# OpenCC's conversions (reading and writing UTF-8 with lib/text/utf8.c).
# Only the generator links OpenCC; it fails, and the
# build with it, when OpenCC's data is missing.
GEN ?= build-gen
HANFOLD_INC := $(GEN)/hanfold_table.inc
$(GEN)/hanfold_gen: scripts/hanfold_gen.c lib/text/utf8.c lib/util/strbuf.c | $(BUILD)/.libs-ok
	@mkdir -p $(@D)
	$(CC) -std=c11 -D_DEFAULT_SOURCE $(WARN) -O2 -Iinclude -Ilib $(shell pkg-config --cflags opencc 2>/dev/null) \
	    -DOPENCC_VERSION='"$(shell pkg-config --modversion opencc 2>/dev/null)"' -o $@ $^ \
	    $(shell pkg-config --libs opencc 2>/dev/null)
$(HANFOLD_INC): $(GEN)/hanfold_gen
	$(GEN)/hanfold_gen > $@.tmp || { rm -f $@.tmp; exit 1; }
	mv $@.tmp $@
$(BUILD)/lib/search/hanfold.o $(WASM)/obj/lib/search/hanfold.o: $(HANFOLD_INC)
$(BUILD)/lib/search/hanfold.o: ALL_CFLAGS += -I$(GEN)
$(WASM)/obj/lib/search/hanfold.o: WASM_CFLAGS += -I$(GEN)

$(LIBSMZ): $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(LIBSRV): $(SRV_SRC:%.c=$(BUILD)/%.o)
	@rm -f $@
	ar rcs $@ $^

# smz-reader.html's bytes and its build hash (the module's, as its About
# shows it), as symbols for common/reader_html.c.
$(HTML_BLOB): $(READER_HTML) Makefile
	@mkdir -p $(@D)
	{ echo '.section .rodata'; \
	  echo '.global reader_html_start_, reader_html_end_, reader_html_hash_'; \
	  echo 'reader_html_start_:'; echo '.incbin "$(READER_HTML)"'; echo 'reader_html_end_:'; \
	  echo "reader_html_hash_: .asciz \"$$(sha256sum $(WASM)/smz-core.js | cut -c1-16)\""; \
	  echo '.section .note.GNU-stack,"",@progbits'; } > $(@:.o=.S)
	$(CC) -c -o $@ $(@:.o=.S)

$(BIN)/smz: $(READER_OBJ) $(LIBSMZ)
	@mkdir -p $(BIN)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $(READER_OBJ) $(LIBSMZ) $(SMZ_LIBS)

$(BIN)/smz-pack: $(PACK_OBJ) $(LIBSMZ)
	@mkdir -p $(BIN)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $(PACK_OBJ) $(LIBSMZ) $(LIBS)

# ZIM export (issue 24): bin/smz-zim, which `smz extract --format zim` runs,
# is the one program linked with libzim (C++, Debian libzim-dev 8.1): smz and
# its server stay C.  lib/zim/zim_write.cpp is the project's C++ (the C
# interface lib/zim/zim_write.h); lib/zim/export.c is in libsmz.a.  It
# exports its uuid_generate for Xapian (zimtool/main.c says why).
CXX ?= g++
ZIM_WRITE_OBJS := $(BUILD)/lib/zim/zim_write.o
ZIM_TOOL_OBJS  := $(BUILD)/zimtool/main.o $(BUILD)/common/i18n.o
$(BUILD)/lib/zim/zim_write.o: lib/zim/zim_write.cpp lib/zim/zim_write.h include/smz/error.h | $(BUILD)/.libs-ok
	@pkg-config --exists libzim || { echo "missing library: libzim; run 'make deps' (or: scripts/deps.sh build)" >&2; exit 1; }
	@mkdir -p $(@D)
	$(CXX) -std=c++17 -Wall -Wextra -Werror $(CFLAGS) -Iinclude $(shell pkg-config --cflags libzim 2>/dev/null) -c $< -o $@
$(BIN)/smz-zim: $(ZIM_TOOL_OBJS) $(ZIM_WRITE_OBJS) $(LIBSMZ)
	@mkdir -p $(BIN)
	$(CXX) $(CFLAGS) $(LDFLAGS) -pthread -Wl,--export-dynamic-symbol=uuid_generate -o $@ $(ZIM_TOOL_OBJS) $(ZIM_WRITE_OBJS) $(LIBSMZ) $(LIBS) \
	    $(shell pkg-config --libs libzim 2>/dev/null)
ifneq ($(STATIC),1)
all: $(BIN)/smz-zim
endif

# The ZIM source of smz-pack (issue 24, import): lib/zim/zim_read.cpp, the
# project's one C++ file, is libzim behind the C interface of
# lib/zim/zim_read.h.  It is not in libsmz.a: only smz-pack and the tests
# that import ZIMs (test_fuzz_zim) link it and libzim.  make dist's static
# programs are built without it (Debian has no static libzim): their
# lib/pack/zim_input.c, compiled with SMZ_STATIC, says so.
ZIM_READ_PKGS := libzim
, := ,
ifneq ($(STATIC),1)
ZIM_READ_OBJS := $(BUILD)/lib/zim/zim_read.o
ZIM_READ_LIBS  = $(shell pkg-config --libs libzim 2>/dev/null) -lstdc++
endif
ZIM_CXX ?= $(if $(findstring clang,$(CC)),clang++,g++)
# clang's UBSan checks of C++ calls (vptr, function) need its C++ runtime,
# which the C link of make fuzz does not bring: left out for this one file.
ZIM_READ_CXXFLAGS = -std=c++17 -Wall -Wextra -Werror $(CFLAGS) -Iinclude -Ilib -MMD -MP \
    $(if $(and $(findstring undefined,$(CFLAGS)),$(findstring clang,$(ZIM_CXX))),-fno-sanitize=vptr$(,)function) \
    $(shell pkg-config --cflags libzim 2>/dev/null) -DSMZ_LIBZIM_VERSION='"$(shell pkg-config --modversion libzim 2>/dev/null)"'
$(BUILD)/lib/zim/%.o: lib/zim/%.cpp | $(BUILD)/.libs-ok
	@mkdir -p $(dir $@)
	$(ZIM_CXX) $(ZIM_READ_CXXFLAGS) -c $< -o $@
$(BIN)/smz-pack: $(ZIM_READ_OBJS)
$(BIN)/smz-pack: PACK_OBJ += $(ZIM_READ_OBJS)
$(BIN)/smz-pack: LIBS += $(ZIM_READ_LIBS)
$(BUILD)/tests/test_fuzz_zim: $(ZIM_READ_OBJS)
$(BUILD)/tests/test_fuzz_zim: LIBS += $(ZIM_READ_OBJS) $(ZIM_READ_LIBS)
-include $(ZIM_READ_OBJS:.o=.d)

# Unit tests link the server's objects too (test_gate), and with the fuzz
# replays the helpers they share (tests/unit/testutil.c).
TESTUTIL := tests/unit/testutil.c
$(BUILD)/tests/%: tests/unit/%.c $(TESTUTIL) $(LIBSRV) $(LIBSMZ)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $< $(TESTUTIL) $(LIBSRV) $(LIBSMZ) $(LIBS)

# web/ (the WebAssembly module's C side: its API and the in-memory
# connection that stands in for CivetWeb) builds natively too, for
# test_web, which links it without CivetWeb: the server's answers come out
# of mg_mem.c's mg_write, not a socket.
WEB_SRC := $(sort $(wildcard web/*.c))
WEB_OBJ := $(WEB_SRC:%.c=$(BUILD)/%.o)
$(BUILD)/tests/test_web: tests/unit/test_web.c $(TESTUTIL) $(WEB_OBJ) $(LIBSRV) $(LIBSMZ)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $< $(TESTUTIL) $(WEB_OBJ) $(LIBSRV) $(LIBSMZ) $(filter-out -lcivetweb,$(LIBS))

$(BUILD)/tests/tools/%: tests/tools/%.c $(LIBSMZ)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $< $(LIBSMZ) $(LIBS)

$(BUILD)/tests/tools/failmalloc.so: tests/tools/failmalloc.c
	@mkdir -p $(dir $@)
	$(CC) -std=c11 -D_GNU_SOURCE $(WARN) -O2 -g -fPIC -shared -o $@ $< -ldl

# Each fuzz target also builds with a plain main() that replays its corpus.
$(BUILD)/tests/test_fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/replay.c $(TESTUTIL) $(LIBSRV) $(LIBSMZ)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $< tests/fuzz/replay.c $(TESTUTIL) $(LIBSRV) $(LIBSMZ) $(LIBS)

# fuzz_request exercises server/http.c alone: it links the HTTP layer and
# the server layers below it (gate, guard), not libsmzsrv.a, so
# that http.c cannot come to depend on what sits above it unnoticed.
REQUEST_OBJ := $(addprefix $(BUILD)/server/,http.o gate.o guard.o)
$(BUILD)/tests/test_fuzz_request: tests/fuzz/fuzz_request.c tests/fuzz/replay.c $(REQUEST_OBJ) $(LIBSMZ)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $< tests/fuzz/replay.c $(REQUEST_OBJ) $(LIBSMZ) $(LIBS)

# The WebAssembly module (issue 18): lib/'s reader, search and signature
# code, the server's handler stack (server/ but CivetWeb's start-up in
# server.c) and web/*.c, compiled by Debian's emcc into one Emscripten module,
# build-wasm/smz-core.js (MODULARIZE, SINGLE_FILE: the .wasm inlined), that
# runs in a Web Worker (and under node, for tests/wasm/core_smoke.js).
# SQLite, zstd, libsodium and libxml2 come built for WebAssembly from
# WASM_DEPS (headers in include/, static libraries in lib/).  Of lib/, only
# what the server and the reader pull in (the members a native link of
# test_web takes from libsmz.a): no packer, no writer, no Markdown.
# emcc needs NODE_PATH for its own JavaScript tools.
EMCC       ?= emcc
EMAR       ?= emar
WASM_ENV   := NODE_PATH=/usr/share/nodejs
WASM_LIB_SRC := lib/arrival.c lib/cache.c lib/delta_list.c lib/entries.c lib/error.c lib/format.c lib/reader.c lib/split.c \
    $(addprefix lib/sign/,archive.c keys.c minisign.c util.c) \
    $(addprefix lib/search/,fuzzy.c hanfold.c match.c packed.c query.c rank.c register.c search.c titlematch.c \
        tokenizer.c) \
    lib/i18n/i18n.c $(addprefix lib/text/,ascii.c charset.c date.c entry_text.c escape.c html.c json.c lang.c size.c url.c utf8.c) \
    lib/util/file.c lib/util/strbuf.c lib/util/vfs.c
WASM_SRC   := $(WASM_LIB_SRC) $(filter-out server/server.c,$(SRV_SRC)) $(WEB_SRC)
WASM_OBJ   := $(WASM_SRC:%.c=$(WASM)/obj/%.o)
WASM_CFLAGS = -std=c11 -D_DEFAULT_SOURCE -D_GNU_SOURCE $(WARN) -Oz -Iinclude -Ilib -I$(WASM)/include \
    -I$(WASM_DEPS)/include -I$(WASM_DEPS)/include/libxml2 -MMD -MP
WASM_EXPORTS := _smzw_open,_smzw_errmsg,_smzw_warnings,_smzw_request,_smzw_response,_smzw_language
WASM_EXPORTS := $(WASM_EXPORTS),_smzw_version,_malloc,_free
WASM_LDFLAGS := -Oz -sMODULARIZE=1 -sEXPORT_NAME=createSmz -sSINGLE_FILE=1 -sENVIRONMENT=worker,node \
    -sALLOW_MEMORY_GROWTH=1 -sEXPORTED_FUNCTIONS=[$(WASM_EXPORTS)] \
    -sEXPORTED_RUNTIME_METHODS=[FS,cwrap,ccall,UTF8ToString,HEAPU8] -lworkerfs.js -lnodefs.js
WASM_LIBS   = $(WASM_DEPS)/lib/libsqlite3.a $(WASM_DEPS)/lib/libzstd.a $(WASM_DEPS)/lib/libsodium.a \
    $(WASM_DEPS)/lib/libxml2.a

wasm-core: $(WASM)/smz-core.js

# civetweb.h (declarations only) for web/mg_mem.c: Debian's, copied at build
# time, never committed.
$(WASM)/include/civetweb.h: /usr/include/civetweb.h
	@mkdir -p $(dir $@)
	cp $< $@

# xxhash.h (xxHash as a header alone, for the cluster checks of lib/format.c):
# Debian's, copied the same way.
$(WASM)/include/xxhash.h: /usr/include/xxhash.h
	@mkdir -p $(dir $@)
	cp $< $@

$(WASM)/obj/%.o: %.c $(WASM)/include/civetweb.h $(WASM)/include/xxhash.h | $(WASM_DEPS)/.done
	@mkdir -p $(dir $@)
	$(WASM_ENV) $(EMCC) $(WASM_CFLAGS) -c $< -o $@

# The message catalogues, po/*.po as msgfmt compiles them, embedded in the
# module's file system at /locale (web/wasm_api.c binds them): the browser
# reader speaks the languages smz serve speaks, from the same catalogues.
# Only the messages of the sources the module is built from (and of the
# page's scripts), found by the locations the catalogues keep: the others
# (smz-pack's, updates', upgrades') would be over half the 4 MB page.
WASM_MO := $(PO_LANGS:%=$(WASM)/locale/C/LC_MESSAGES/samizdat-%.mo)
$(WASM)/locale/C/LC_MESSAGES/samizdat-%.mo: po/%.po | $(BUILD)/.libs-ok
	@mkdir -p $(@D)
	msggrep $(addprefix -N ,$(WASM_SRC) web/app.js web/worker.js) -o $@.po $<
	msgfmt --check -o $@ $@.po
	rm -f $@.po

$(WASM)/smz-core.js: $(WASM_OBJ) $(WASM_LIBS) $(WASM_MO)
	$(WASM_ENV) $(EMCC) $(WASM_LDFLAGS) -o $@ $(WASM_OBJ) $(WASM_LIBS) \
	    --embed-file $(WASM)/locale/C/LC_MESSAGES@/locale/C/LC_MESSAGES

# libFuzzer with clang: FUZZ_SECONDS per target; new interesting inputs are
# kept in tests/fuzz/corpus/NAME (commit them: make test replays them).
FUZZ_SECONDS ?= 60
fuzz: deps-test
	$(MAKE) BUILD=build-fuzz BIN=build-fuzz/bin CC=clang \
	    CFLAGS="-O1 -g -fsanitize=fuzzer-no-link,address,undefined" $(LIBSMZ:$(BUILD)/%=build-fuzz/%) \
	    $(LIBSRV:$(BUILD)/%=build-fuzz/%) $(ZIM_READ_OBJS:$(BUILD)/%=build-fuzz/%)
	@: >build-fuzz/summary.txt; for f in $(FUZZ_SRC); do n=$$(basename $$f .c | sed 's/^fuzz_//'); \
	    clang $(ALL_CFLAGS:-MMD=) $(PRIV_INC) -O1 -g -fsanitize=fuzzer,address,undefined -o build-fuzz/fuzz_$$n $$f $(TESTUTIL) \
	        build-fuzz/libsmzsrv.a build-fuzz/libsmz.a $(LIBS) \
	        $$([ $$n = zim ] && echo "$(ZIM_READ_OBJS:$(BUILD)/%=build-fuzz/%) $(ZIM_READ_LIBS)") || exit 1; \
	    mkdir -p tests/fuzz/corpus/$$n; \
	    build-fuzz/fuzz_$$n -max_total_time=$(FUZZ_SECONDS) -max_len=262144 -timeout=10 \
	        -rss_limit_mb=2048 tests/fuzz/corpus/$$n 2>build-fuzz/fuzz_$$n.log || \
	        { tail -60 build-fuzz/fuzz_$$n.log; exit 1; }; \
	    echo "fuzz_$$n: $$(grep -o 'Done [0-9]* runs in [0-9]* second(s)' build-fuzz/fuzz_$$n.log | tail -1)," \
	        "$$(grep -o 'cov: [0-9]*' build-fuzz/fuzz_$$n.log | tail -1), corpus now $$(ls tests/fuzz/corpus/$$n | wc -l) inputs," \
	        "no crash" | tee -a build-fuzz/summary.txt; done

test: deps-test all
	tests/run.sh $(T)
check: test

# For everyday work (about a minute): the unit tests, the fuzz corpus
# replays (both build/tests/test_*), the damaged and hostile archives.
QUICK := test_ corrupt hostile_archive
check-quick: deps-test all
	tests/run.sh $(QUICK)

# clang-format (.clang-format), shellcheck (.shellcheckrc), no sprintf/strcpy:
# scripts/lint.sh, one "ok"/"not ok" line per check.
lint: deps-lint
	scripts/lint.sh

# The sample collection: its metadata is samples/samizdat.json, its front
# page the generated index of its articles.  DEMO_PORT picks another port.
DEMO_PORT ?= 8080
demo: deps all
	bin/smz-pack samples -o samples.smz --quiet --with-reader
	bin/smz info samples.smz
	@echo "without a server: open smz-reader.html in a browser and pick samples.smz"
	@echo "the collection's front page: http://127.0.0.1:$(DEMO_PORT)/content/samples/ (Ctrl-C stops)"
	bin/smz serve samples.smz --address 127.0.0.1 --port $(DEMO_PORT)

# Sanitizer builds live in their own build folders and run the whole suite.
ASAN_MAKE = $(MAKE) BUILD=build-asan BIN=build-asan/bin LDFLAGS="-fsanitize=address,undefined" \
    CFLAGS="-O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all"
# The reader's browser tests drive JavaScript and WebAssembly, which the
# sanitizers do not see: make test runs them, the sanitizer passes do not
# (web_core runs the module's C natively under them).
BROWSER_TESTS := reader_browser reader_corrupt reader_firefox reader_url reader_split
ASAN_ENV  = SMZ_BUILD=build-asan ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
    SMZ_SKIP_TESTS="$(BROWSER_TESTS)"
asan: deps-test
	$(ASAN_MAKE) all
	$(ASAN_ENV) tests/run.sh $(T)
ubsan: deps-test
	$(MAKE) BUILD=build-ubsan BIN=build-ubsan/bin CFLAGS="-O1 -g -fsanitize=undefined -fno-sanitize-recover=all" LDFLAGS="-fsanitize=undefined" all
	SMZ_BUILD=build-ubsan UBSAN_OPTIONS=print_stacktrace=1 SMZ_SKIP_TESTS="$(BROWSER_TESTS)" tests/run.sh $(T)

# The full damage sweep (tests/tools/sweep.c) under ASan: every page boundary,
# every byte of the first 64 KiB, SWEEP_FLIPS random bit flips.  make test
# runs a bounded one (tests/cli/sweep.sh).
SWEEP_FLIPS ?= 100000
SWEEP_SEED  ?= 1
sweep: deps-test
	$(ASAN_MAKE) all
	build-asan/bin/smz-pack samples -o build-asan/sweep.smz --quiet
	$(ASAN_ENV) build-asan/tests/tools/sweep build-asan/sweep.smz build-asan/sweep-work.smz \
	    --bytes 65536 --flips $(SWEEP_FLIPS) --seed $(SWEEP_SEED)

# Every allocation of smz info, cat, search, check, patch and smz-pack failing in turn
# (tests/tools/failures.py with the LD_PRELOAD shim), under ASan so that
# leaks on the error paths are reported too.  make test runs every 41st
# (tests/cli/failures.sh).
failures: deps-test
	$(ASAN_MAKE) all
	$(ASAN_ENV) python3 tests/tools/failures.py build-asan/bin/smz build-asan/bin/smz-pack \
	    build-asan/tests/tools/failmalloc.so build-asan/failures --stride 1 --jobs 2

# One smz serve of three archives (the PostgreSQL manual, the Python 3.11
# documentation, samples/) for SOAK_MINUTES under wrk -t2 -c64 from 127.0.0.1
# (tests/tools/soak.lua: 80% pages, 10% searches, 10% suggestions); every
# answer must be 2xx, and RSS, sampled every 5 s into build/soak-rss.tsv, must
# stay flat.  Report: build/soak-report.md (tests/tools/soak.py).  The archives
# are packed into $(BUILD)/soak/ when missing.  Not in make test.
SOAK_MINUTES ?= 10
SOAK_DIR     := $(BUILD)/soak
soak: deps-soak $(BIN)/smz $(BIN)/smz-pack $(SOAK_DIR)/pgdoc.smz $(SOAK_DIR)/pydoc.smz $(SOAK_DIR)/samples.smz
	python3 tests/tools/soak.py --smz $(BIN)/smz --lua tests/tools/soak.lua --queries bench/queries \
	    --archive pgdoc=$(SOAK_DIR)/pgdoc.smz --archive pydoc=$(SOAK_DIR)/pydoc.smz \
	    --archive samples=$(SOAK_DIR)/samples.smz --minutes $(SOAK_MINUTES) \
	    --tsv $(BUILD)/soak-rss.tsv --report $(BUILD)/soak-report.md
# Packed only when missing (order-only prerequisites): a rebuilt packer or a
# changed source does not repack them; remove $(SOAK_DIR) for fresh ones.
# pydoc takes about 40 s (its two symlinks out of the tree, jquery.js and
# underscore.js, are skipped with a warning).
$(SOAK_DIR)/pgdoc.smz: | deps-soak $(BIN)/smz-pack
	@mkdir -p $(@D)
	$(BIN)/smz-pack /usr/share/doc/postgresql-doc-15/html -o $@ --title "PostgreSQL 15 manual" --language eng \
	    --name pgdoc --main-page index.html --quiet
$(SOAK_DIR)/pydoc.smz: | deps-soak $(BIN)/smz-pack
	@mkdir -p $(@D)
	$(BIN)/smz-pack /usr/share/doc/python3.11/html -o $@ --title "Python 3.11 documentation" --language eng \
	    --name pydoc --main-page index.html --quiet
$(SOAK_DIR)/samples.smz: | $(BIN)/smz-pack
	@mkdir -p $(@D)
	$(BIN)/smz-pack samples -o $@ --title "Samizdat samples" --language eng --name samples --quiet

# The WebAssembly build's third-party libraries (issue 18): SQLite, zstd,
# libsodium and libxml2, fetched pinned and hash-checked, built by Debian's
# emcc into $(WASM_DEPS)/{lib,include} (scripts/wasm-deps.sh; downloads are
# kept in $(WASM)/dl).  The stamp lists the libraries.
deps-wasm: $(BUILD)/.deps-wasm
wasm-deps: $(WASM_DEPS)/.done
$(WASM_LIBS): $(WASM_DEPS)/.done ;
$(WASM_DEPS)/.done: scripts/wasm-deps.sh $(wildcard scripts/wasm-patches/*.patch) | $(BUILD)/.libs-ok
	$(WASM_ENV) scripts/wasm-deps.sh $(WASM_DEPS)

# Each library used as lib/ uses it, checked against known answers under
# Node (tests/cli/wasm_deps.sh runs it).
$(WASM)/deps_smoke.js: tests/wasm/deps_smoke.c $(WASM_DEPS)/.done
	$(WASM_ENV) $(EMCC) -Oz -std=c11 $(WARN) -I$(WASM_DEPS)/include -o $@ $< -L$(WASM_DEPS)/lib \
	    -lsqlite3 -lzstd -lsodium -lxml2 -sENVIRONMENT=node -sSINGLE_FILE=1 -sALLOW_MEMORY_GROWTH=1 \
	    -sEXIT_RUNTIME=1
wasm-deps-test: $(WASM)/deps_smoke.js
	node $(WASM)/deps_smoke.js

bench: deps-bench $(BIN)/smz $(BIN)/smz-pack $(LIBSMZ)
	bench/run.sh

# The browser reader (issue 18): web/'s page, worker and stylesheet and the
# module (make wasm-core: build-wasm/smz-core.js) inlined into one HTML file,
# build-wasm/smz-reader.html, by scripts/web-build.py (byte-identical for
# the same input).  Its browser tests are tests/cli/reader_*.sh.
wasm: $(READER_HTML)
$(READER_HTML): $(WASM)/smz-core.js scripts/web-build.py server/assets.c \
    $(wildcard web/*.html web/*.js web/*.css)
	python3 scripts/web-build.py --module $(WASM)/smz-core.js --out $@

# Static smz and smz-pack for linux-amd64 and linux-arm64 in $(DIST)/, with
# SHA256SUMS (scripts/dist.sh; its work folder is build-dist/).  The browser
# reader and the generated table are made here first, by this build.
DIST        ?= dist
DIST_ARCHES ?= amd64 arm64
dist: deps-dist $(READER_HTML) $(HANFOLD_INC)
	scripts/dist.sh $(DIST) $(DIST_ARCHES)

# The static programs at work: tests/dist/smoke.sh for amd64, and for arm64
# under qemu-user-static (tests/dist/run.sh; .ci/run runs it).
test-dist: deps-test-dist all dist
	tests/dist/run.sh $(DIST)
deps-test-dist: $(BUILD)/.deps-test-dist

# A split archive over 4 GiB on a real FAT32 file system (an image made by
# mkfs.vfat, written and read with mtools): tests/fat32/run.sh.  Several
# minutes and 10 GB of disk (skipped, saying so, without them); not in make
# test.
test-fat32: deps-fat32 all
	tests/fat32/run.sh $(BIN)
deps-fat32: $(BUILD)/.deps-fat32

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1
	install -m 755 bin/smz bin/smz-pack bin/smz-zim $(DESTDIR)$(PREFIX)/bin/
	install -m 644 man/smz.1 man/smz-pack.1 $(DESTDIR)$(PREFIX)/share/man/man1/
	install -d $(DESTDIR)$(PREFIX)/share/samizdat/locale/C/LC_MESSAGES
	install -m 644 $(MO) $(DESTDIR)$(PREFIX)/share/samizdat/locale/C/LC_MESSAGES/

clean:
	rm -rf build build-asan build-ubsan build-fuzz build-gen build-dist dist bin samples.smz smz-reader.html \
	    $(WASM)/obj $(WASM)/deps $(WASM)/include $(WASM)/locale $(WASM)/*.js $(WASM)/*.html

-include $(LIB_OBJ:.o=.d) $(PACK_OBJ:.o=.d) $(READER_OBJ:.o=.d) $(WEB_OBJ:.o=.d) $(WASM_OBJ:.o=.d)
