/* Loads libarchive, libxml2, CivetWeb, ICU, libcurl and cmark when a command first calls them,
 * not when smz starts.  `smz cat` needs none of them, but loading and
 * relocating them (libxml2 brings ICU and libstdc++; Debian links them with
 * BIND_NOW) cost more than the rest of its work: about 3 ms of 4 before the
 * first line of main.  Each function smz uses is defined here under its
 * own name with the prototype from the library's header (the compiler checks
 * that they agree) and calls the real one through dlsym; bin/smz is linked
 * without these libraries (Makefile), smz-pack and the tests with them.
 * ICU (numbers, dates and language names in the server's pages, lib/i18n)
 * names its functions with its version (unum_open is unum_open_72): the
 * header's macros rename our definitions the same way, and the name looked
 * up is the renamed one.  libcurl (smz pull) has two variadic functions,
 * curl_easy_setopt and curl_easy_getinfo: their definitions here take the
 * one argument by the type the option's number says (as libcurl itself
 * does) and pass it on.
 * A library that cannot be loaded ends the process with a message: it is a
 * dependency of the package, so that only happens on a broken installation.
 *
 * The static programs of `make dist` (SMZ_STATIC, scripts/dist.sh) link the
 * libraries in and load nothing: there this file is empty, and the
 * callers reach the real functions directly. */
#ifndef SMZ_STATIC
#include <archive.h>
#include <archive_entry.h>
#include <civetweb.h>
#include <cmark.h>
/* Our definitions of curl_easy_setopt/getinfo would be renamed by its
 * type-checking macros. */
#define CURL_DISABLE_TYPECHECK
#include <curl/curl.h>
#include <dlfcn.h>
#include <libxml/HTMLparser.h>
#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/threads.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <unicode/udat.h>
#include <unicode/udatpg.h>
#include <unicode/uloc.h>
#include <unicode/unum.h>
#include <unicode/ustring.h>

/* The libraries' sonames, from the build machine's development links. */
#ifndef SMZ_SONAME_ARCHIVE
#error "SMZ_SONAME_ARCHIVE is set by the Makefile"
#endif

typedef struct lazy_lib {
    const char *soname;
    pthread_once_t once;
    void *handle;
} lazy_lib;

static lazy_lib lib_archive = {SMZ_SONAME_ARCHIVE, PTHREAD_ONCE_INIT, NULL};
static lazy_lib lib_xml = {SMZ_SONAME_XML2, PTHREAD_ONCE_INIT, NULL};
static lazy_lib lib_civetweb = {SMZ_SONAME_CIVETWEB, PTHREAD_ONCE_INIT, NULL};
static lazy_lib lib_curl = {SMZ_SONAME_CURL, PTHREAD_ONCE_INIT, NULL};
/* libicui18n; dlsym on its handle finds libicuuc's functions too (its
 * dependency). */
static lazy_lib lib_icu = {SMZ_SONAME_ICU, PTHREAD_ONCE_INIT, NULL};
static lazy_lib lib_cmark = {SMZ_SONAME_CMARK, PTHREAD_ONCE_INIT, NULL};

static void load_archive(void)
{
    lib_archive.handle = dlopen(lib_archive.soname, RTLD_NOW | RTLD_LOCAL);
}

static void load_xml(void)
{
    lib_xml.handle = dlopen(lib_xml.soname, RTLD_NOW | RTLD_LOCAL);
    /* libxml2's first-time set-up is not thread-safe: run it once, here. */
    void (*init)(void) = lib_xml.handle ? (void (*)(void))dlsym(lib_xml.handle, "xmlInitParser") : NULL;
    if (init)
        init();
}

static void load_civetweb(void)
{
    lib_civetweb.handle = dlopen(lib_civetweb.soname, RTLD_NOW | RTLD_LOCAL);
}

static void load_curl(void)
{
    lib_curl.handle = dlopen(lib_curl.soname, RTLD_NOW | RTLD_LOCAL);
}

static void load_cmark(void)
{
    lib_cmark.handle = dlopen(lib_cmark.soname, RTLD_NOW | RTLD_LOCAL);
}

static void load_icu(void)
{
    lib_icu.handle = dlopen(lib_icu.soname, RTLD_NOW | RTLD_LOCAL);
}

static void *lazy_sym(lazy_lib *lib, void (*load)(void), const char *name)
{
    pthread_once(&lib->once, load);
    void *p = lib->handle ? dlsym(lib->handle, name) : NULL;
    if (!p) {
        const char *why = dlerror();
        fprintf(stderr, "smz: cannot use %s from %s: %s\n", name, lib->soname, why ? why : "not found");
        exit(1);
    }
    return p;
}

/* NAME as a string after its macros (ICU's version suffix) are applied. */
#define LAZY_STR_(x) #x
#define LAZY_STR(x) LAZY_STR_(x)
/* The first caller loads the library under pthread_once; each function's
 * address is then looked up once and kept in fn_. */
#define LAZY_RESOLVE(lib, name)                                                                         \
    static _Atomic(fn_t) fn_;                                                                           \
    fn_t real_ = atomic_load_explicit(&fn_, memory_order_acquire);                                      \
    if (!real_) {                                                                                       \
        real_ = (fn_t)lazy_sym(&lib_##lib, load_##lib, LAZY_STR(name));                                 \
        atomic_store_explicit(&fn_, real_, memory_order_release);                                       \
    }
#define LAZY_FN(lib, ret, name, params, args)                                                           \
    ret name params                                                                                     \
    {                                                                                                   \
        typedef ret(*fn_t) params;                                                                      \
        LAZY_RESOLVE(lib, name)                                                                         \
        return real_ args;                                                                              \
    }
#define LAZY_VOID(lib, name, params, args)                                                              \
    void name params                                                                                    \
    {                                                                                                   \
        typedef void(*fn_t) params;                                                                     \
        LAZY_RESOLVE(lib, name)                                                                         \
        real_ args;                                                                                     \
    }

/* libarchive: smz extract --format. */
LAZY_FN(archive, struct archive_entry *, archive_entry_clear, (struct archive_entry * e), (e))
LAZY_VOID(archive, archive_entry_free, (struct archive_entry * e), (e))
LAZY_FN(archive, struct archive_entry *, archive_entry_new, (void), ())
LAZY_FN(archive, const char *, archive_entry_pathname, (struct archive_entry * e), (e))
LAZY_VOID(archive, archive_entry_set_filetype, (struct archive_entry * e, unsigned int t), (e, t))
LAZY_VOID(archive, archive_entry_set_mtime, (struct archive_entry * e, time_t t, long ns), (e, t, ns))
LAZY_VOID(archive, archive_entry_set_pathname_utf8, (struct archive_entry * e, const char *p), (e, p))
LAZY_VOID(archive, archive_entry_set_perm, (struct archive_entry * e, __LA_MODE_T m), (e, m))
LAZY_VOID(archive, archive_entry_set_size, (struct archive_entry * e, la_int64_t n), (e, n))
LAZY_VOID(archive, archive_entry_set_symlink_utf8, (struct archive_entry * e, const char *p), (e, p))
LAZY_VOID(archive, archive_entry_set_hardlink_utf8, (struct archive_entry * e, const char *p), (e, p))
LAZY_FN(archive, const char *, archive_error_string, (struct archive * a), (a))
LAZY_FN(archive, int, archive_write_add_filter_gzip, (struct archive * a), (a))
LAZY_FN(archive, int, archive_write_add_filter_zstd, (struct archive * a), (a))
LAZY_FN(archive, int, archive_write_close, (struct archive * a), (a))
LAZY_FN(archive, la_ssize_t, archive_write_data, (struct archive * a, const void *b, size_t n),
        (a, b, n))
LAZY_FN(archive, struct archive *, archive_write_disk_new, (void), ())
LAZY_FN(archive, int, archive_write_disk_set_options, (struct archive * a, int f), (a, f))
LAZY_FN(archive, int, archive_write_finish_entry, (struct archive * a), (a))
LAZY_FN(archive, int, archive_write_free, (struct archive * a), (a))
LAZY_FN(archive, int, archive_write_header, (struct archive * a, struct archive_entry *e), (a, e))
LAZY_FN(archive, struct archive *, archive_write_new, (void), ())
LAZY_FN(archive, int, archive_write_open_filename, (struct archive * a, const char *p), (a, p))
LAZY_FN(archive, int, archive_write_set_format_pax_restricted, (struct archive * a), (a))
LAZY_FN(archive, int, archive_write_set_format_zip, (struct archive * a), (a))
LAZY_FN(archive, const char *, archive_version_string, (void), ())

/* libxml2: page text for search, suggestions, check and serve. */
LAZY_FN(xml, xmlGenericErrorFunc *, __xmlGenericError, (void), ())
LAZY_FN(xml, void **, __xmlGenericErrorContext, (void), ())
LAZY_FN(xml, xmlStructuredErrorFunc *, __xmlStructuredError, (void), ())
LAZY_FN(xml, void **, __xmlStructuredErrorContext, (void), ())
LAZY_FN(xml, int, htmlCtxtUseOptions, (htmlParserCtxtPtr c, int o), (c, o))
LAZY_VOID(xml, htmlFreeParserCtxt, (htmlParserCtxtPtr c), (c))
LAZY_FN(xml, int, htmlParseDocument, (htmlParserCtxtPtr c), (c))
LAZY_FN(xml, xmlParserCtxtPtr, xmlCreateMemoryParserCtxt, (const char *b, int n), (b, n))
LAZY_VOID(xml, xmlInitParser, (void), ())
LAZY_FN(xml, int, xmlIsMainThread, (void), ())
LAZY_FN(xml, xmlGlobalStatePtr, xmlGetGlobalState, (void), ())
LAZY_VOID(xml, xmlStopParser, (xmlParserCtxtPtr c), (c))
LAZY_VOID(xml, xmlSetGenericErrorFunc, (void *c, xmlGenericErrorFunc h), (c, h))
LAZY_VOID(xml, xmlSetStructuredErrorFunc, (void *c, xmlStructuredErrorFunc h), (c, h))
LAZY_FN(xml, const char **, __xmlParserVersion, (void), ()) /* xmlParserVersion: smz --version */
/* The OPDS catalogs of smz pull. */
LAZY_FN(xml, xmlDocPtr, xmlReadMemory, (const char *b, int n, const char *url, const char *enc, int o),
        (b, n, url, enc, o))
LAZY_VOID(xml, xmlFreeDoc, (xmlDocPtr d), (d))
LAZY_FN(xml, xmlNodePtr, xmlDocGetRootElement, (const xmlDoc *d), (d))

/* cmark: an article's page rendered again from its Markdown original
 * (smz patch, lib/delta_pages.c). */
/* cmark.h declares it without a prototype. */
cmark_mem *cmark_get_default_mem_allocator(void);
LAZY_FN(cmark, cmark_mem *, cmark_get_default_mem_allocator, (void), ())
LAZY_VOID(cmark, cmark_iter_free, (cmark_iter * i), (i))
LAZY_FN(cmark, cmark_node *, cmark_iter_get_node, (cmark_iter * i), (i))
LAZY_FN(cmark, cmark_iter *, cmark_iter_new, (cmark_node * n), (n))
LAZY_FN(cmark, cmark_event_type, cmark_iter_next, (cmark_iter * i), (i))
LAZY_FN(cmark, int, cmark_node_append_child, (cmark_node * n, cmark_node *c), (n, c))
LAZY_FN(cmark, cmark_node *, cmark_node_first_child, (cmark_node * n), (n))
LAZY_VOID(cmark, cmark_node_free, (cmark_node * n), (n))
LAZY_FN(cmark, const char *, cmark_node_get_literal, (cmark_node * n), (n))
LAZY_FN(cmark, const char *, cmark_node_get_title, (cmark_node * n), (n))
LAZY_FN(cmark, cmark_node_type, cmark_node_get_type, (cmark_node * n), (n))
LAZY_FN(cmark, const char *, cmark_node_get_url, (cmark_node * n), (n))
LAZY_FN(cmark, int, cmark_node_insert_before, (cmark_node * n, cmark_node *s), (n, s))
LAZY_FN(cmark, cmark_node *, cmark_node_new, (cmark_node_type t), (t))
LAZY_FN(cmark, cmark_node *, cmark_node_next, (cmark_node * n), (n))
LAZY_FN(cmark, int, cmark_node_set_literal, (cmark_node * n, const char *s), (n, s))
LAZY_FN(cmark, int, cmark_node_set_title, (cmark_node * n, const char *s), (n, s))
LAZY_FN(cmark, int, cmark_node_set_url, (cmark_node * n, const char *s), (n, s))
LAZY_VOID(cmark, cmark_node_unlink, (cmark_node * n), (n))
LAZY_FN(cmark, cmark_node *, cmark_parse_document, (const char *b, size_t n, int o), (b, n, o))
LAZY_FN(cmark, char *, cmark_render_html, (cmark_node * n, int o), (n, o))

/* libcurl: smz pull. */
LAZY_FN(curl, CURL *, curl_easy_init, (void), ())
LAZY_VOID(curl, curl_easy_cleanup, (CURL * c), (c))
LAZY_FN(curl, CURLcode, curl_easy_perform, (CURL * c), (c))
LAZY_FN(curl, const char *, curl_easy_strerror, (CURLcode e), (e))
LAZY_FN(curl, CURLU *, curl_url, (void), ())
LAZY_VOID(curl, curl_url_cleanup, (CURLU * u), (u))
LAZY_FN(curl, CURLUcode, curl_url_set, (CURLU * u, CURLUPart p, const char *s, unsigned int f),
        (u, p, s, f))
LAZY_FN(curl, CURLUcode, curl_url_get, (CURLU * u, CURLUPart p, char **s, unsigned int f), (u, p, s, f))
LAZY_VOID(curl, curl_free, (void *p), (p))
LAZY_FN(curl, struct curl_slist *, curl_slist_append, (struct curl_slist * l, const char *s), (l, s))
LAZY_VOID(curl, curl_slist_free_all, (struct curl_slist * l), (l))

CURLcode curl_easy_setopt(CURL *c, CURLoption o, ...)
{
    typedef CURLcode (*fn_t)(CURL *, CURLoption, ...);
    LAZY_RESOLVE(curl, curl_easy_setopt)
    va_list ap;
    va_start(ap, o);
    CURLcode rc;
    if (o < CURLOPTTYPE_OBJECTPOINT)
        rc = real_(c, o, va_arg(ap, long));
    else if (o < CURLOPTTYPE_FUNCTIONPOINT)
        rc = real_(c, o, va_arg(ap, void *));
    else if (o < CURLOPTTYPE_OFF_T)
        rc = real_(c, o, va_arg(ap, void (*)(void)));
    else if (o < CURLOPTTYPE_BLOB)
        rc = real_(c, o, va_arg(ap, curl_off_t));
    else
        rc = real_(c, o, va_arg(ap, void *));
    va_end(ap);
    return rc;
}

/* Every CURLINFO_ takes a pointer. */
CURLcode curl_easy_getinfo(CURL *c, CURLINFO i, ...)
{
    typedef CURLcode (*fn_t)(CURL *, CURLINFO, ...);
    LAZY_RESOLVE(curl, curl_easy_getinfo)
    va_list ap;
    va_start(ap, i);
    CURLcode rc = real_(c, i, va_arg(ap, void *));
    va_end(ap);
    return rc;
}

/* CivetWeb: smz serve. */
LAZY_FN(civetweb, unsigned, mg_check_feature, (unsigned f), (f))
LAZY_VOID(civetweb, mg_disable_connection_keep_alive, (struct mg_connection * c), (c))
LAZY_FN(civetweb, unsigned, mg_exit_library, (void), ())
LAZY_FN(civetweb, const char *, mg_get_response_code_text, (const struct mg_connection *c, int s),
        (c, s))
LAZY_FN(civetweb, struct mg_context *, mg_get_context, (const struct mg_connection *c), (c))
LAZY_FN(civetweb, const char *, mg_get_header, (const struct mg_connection *c, const char *n), (c, n))
LAZY_FN(civetweb, const struct mg_request_info *, mg_get_request_info, (const struct mg_connection *c),
        (c))
LAZY_FN(civetweb, int, mg_get_server_ports,
        (const struct mg_context *c, int n, struct mg_server_port *p), (c, n, p))
LAZY_FN(civetweb, void *, mg_get_thread_pointer, (const struct mg_connection *c), (c))
LAZY_FN(civetweb, void *, mg_get_user_data, (const struct mg_context *c), (c))
LAZY_FN(civetweb, int, mg_get_var2,
        (const char *d, size_t dn, const char *v, char *dst, size_t dstn, size_t occ),
        (d, dn, v, dst, dstn, occ))
LAZY_FN(civetweb, unsigned, mg_init_library, (unsigned f), (f))
LAZY_VOID(civetweb, mg_set_request_handler,
          (struct mg_context * c, const char *u, mg_request_handler h, void *d), (c, u, h, d))
LAZY_FN(civetweb, struct mg_context *, mg_start,
        (const struct mg_callbacks *cb, void *u, const char **o), (cb, u, o))
LAZY_VOID(civetweb, mg_stop, (struct mg_context * c), (c))
LAZY_FN(civetweb, int, mg_write, (struct mg_connection * c, const void *b, size_t n), (c, b, n))
LAZY_FN(civetweb, const char *, mg_version, (void), ())

/* ICU: the server's numbers, dates and language names (lib/i18n/i18n.c). */
LAZY_FN(icu, UNumberFormat *, unum_open,
        (UNumberFormatStyle s, const UChar *p, int32_t n, const char *l, UParseError *e, UErrorCode *st),
        (s, p, n, l, e, st))
LAZY_VOID(icu, unum_close, (UNumberFormat * f), (f))
LAZY_FN(icu, int32_t, unum_formatInt64,
        (const UNumberFormat *f, int64_t v, UChar *r, int32_t n, UFieldPosition *p, UErrorCode *st),
        (f, v, r, n, p, st))
LAZY_FN(icu, int32_t, unum_formatDouble,
        (const UNumberFormat *f, double v, UChar *r, int32_t n, UFieldPosition *p, UErrorCode *st),
        (f, v, r, n, p, st))
LAZY_VOID(icu, unum_setAttribute, (UNumberFormat * f, UNumberFormatAttribute a, int32_t v), (f, a, v))
LAZY_FN(icu, UDateFormat *, udat_open,
        (UDateFormatStyle t, UDateFormatStyle d, const char *l, const UChar *z, int32_t zn,
         const UChar *p, int32_t pn, UErrorCode *st),
        (t, d, l, z, zn, p, pn, st))
LAZY_VOID(icu, udat_close, (UDateFormat * f), (f))
LAZY_FN(icu, int32_t, udat_format,
        (const UDateFormat *f, UDate d, UChar *r, int32_t n, UFieldPosition *p, UErrorCode *st),
        (f, d, r, n, p, st))
LAZY_FN(icu, UDateTimePatternGenerator *, udatpg_open, (const char *l, UErrorCode *st), (l, st))
LAZY_VOID(icu, udatpg_close, (UDateTimePatternGenerator * g), (g))
LAZY_FN(icu, int32_t, udatpg_getBestPattern,
        (UDateTimePatternGenerator * g, const UChar *s, int32_t sn, UChar *p, int32_t pn,
         UErrorCode *st),
        (g, s, sn, p, pn, st))
LAZY_FN(icu, char *, u_strToUTF8,
        (char *d, int32_t dn, int32_t *n, const UChar *s, int32_t sn, UErrorCode *st),
        (d, dn, n, s, sn, st))
LAZY_FN(icu, int32_t, uloc_getDisplayLanguage,
        (const char *l, const char *in, UChar *r, int32_t n, UErrorCode *st), (l, in, r, n, st))
#else
/* ISO C wants a declaration in every translation unit. */
typedef int smz_lazy_static_;
#endif /* SMZ_STATIC */
