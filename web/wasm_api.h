/* The WebAssembly module's exported API (wasm_api.c says what each call
 * does); web/worker.js calls these through cwrap, the native unit test
 * (tests/unit/test_web.c) directly. */
#ifndef SMZ_WEB_WASM_API_H
#define SMZ_WEB_WASM_API_H

/* The host name every request of the module names (the server answers
 * only to the names it is given). */
#define SMZW_HOST "reader.smz"

int smzw_open(const char *paths, const char *trust, int scripts);
const char *smzw_errmsg(void);
const char *smzw_warnings(void);
int smzw_request(const char *method, const char *target, const char *range);
const unsigned char *smzw_response(void);
const char *smzw_language(const char *accept, const char *msgids);
const char *smzw_version(void);

#endif
