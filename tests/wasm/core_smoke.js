// The WebAssembly module (build-wasm/smz-core.js) under node: it mounts a
// real archive with NODEFS, opens it and answers requests, and each answer
// is the one smz serve gave over HTTP (tests/cli/web_core.sh saved them with
// curl), byte for byte but what differs between any two starts (the Date,
// the bar's token and the ETags it keys, the OPDS feed's time): the same
// masking as tests/unit/test_web.c.
//
// usage: node core_smoke.js MODULE.js ARCHIVE REQUESTS.tsv WANTDIR
// (REQUESTS.tsv: `test_web list` output).  Prints "ok - " / "not ok - ".
'use strict';
const fs = require('fs');
const path = require('path');

const [modPath, archive, requests, wantDir] = process.argv.slice(2);
let failures = 0;
function check(cond, msg) {
  console.log((cond ? 'ok - ' : 'not ok - ') + msg);
  if (!cond) failures++;
}

// The raw answer with the Date line dropped, ETag values made "X" (a
// download's is the file's time: to the nanosecond natively, to the
// millisecond on NODEFS), bar=TOKEN and <updated> times made X's.
function masked(buf) {
  const s = Buffer.from(buf).toString('latin1');
  const end = s.indexOf('\r\n\r\n');
  if (end < 0) return s;
  const head = s.slice(0, end + 2).split('\r\n').filter((l) => !l.startsWith('Date: '))
    .map((l) => (l.startsWith('ETag: ') ? 'ETag: X' : l)).join('\r\n');
  const body = s.slice(end + 2)
    .replace(/bar=[0-9a-f]{32}/g, 'bar=' + 'X'.repeat(32))
    .replace(/<updated>.{19}Z/g, '<updated>' + 'X'.repeat(20));
  return head + body;
}

const createSmz = require(path.resolve(modPath));
createSmz().then((M) => {
  const FS = M.FS;
  const NODEFS = M.NODEFS || (FS.filesystems && FS.filesystems.NODEFS);
  check(typeof NODEFS === 'object', 'the module has NODEFS');
  FS.mkdir('/arch');
  FS.mount(NODEFS, { root: path.dirname(path.resolve(archive)) }, '/arch');
  const open = M.cwrap('smzw_open', 'number', ['string', 'string', 'number']);
  const errmsg = M.cwrap('smzw_errmsg', 'string', []);
  const request = M.cwrap('smzw_request', 'number', ['string', 'string', 'string']);
  const response = M.cwrap('smzw_response', 'number', []);
  const version = M.cwrap('smzw_version', 'string', []);
  const language = M.cwrap('smzw_language', 'string', ['string', 'string']);
  const tw = language('zh-TW,zh;q=0.9,en;q=0.8', 'Library\nSearch');
  check(tw === 'zh-Hant ltr\n書庫\n搜尋', 'smzw_language: zh-TW is Traditional Chinese, its words the catalogue\'s: ' +
    JSON.stringify(tw));
  check(language('fa-IR', '').startsWith('fa rtl'), 'smzw_language: fa-IR is Persian, right to left');
  check(language('de,ja', '') === 'en ltr', 'smzw_language: none of ours is English');
  check(version().length > 0, 'smzw_version: ' + version());
  check(open('/arch/no-such.smz', '', 1) === -1 && /no-such\.smz/.test(errmsg()),
    'a missing archive: ' + errmsg());
  const rc = open('/arch/' + path.basename(archive), '', 1);
  check(rc === 0, 'smzw_open on NODEFS: ' + errmsg());
  let n = 0;
  for (const line of fs.readFileSync(requests, 'utf8').split('\n')) {
    if (!line) continue;
    const [name, method, target, range, how] = line.split('\t');
    language(how === 'accept' ? 'zh-TW,zh;q=0.9,en;q=0.8' : '', '');
    const len = request(method, target, range);
    const got = len >= 0 ? M.HEAPU8.slice(response(), response() + len) : new Uint8Array(0);
    const want = fs.readFileSync(path.join(wantDir, name + '.http'));
    const what = `${name}: ${method} ${target}${range ? ' Range: ' + range : ''}`;
    if (how === 'status') {
      const line1 = (b) => Buffer.from(b).toString('latin1').split('\r\n')[0];
      check(line1(got) === line1(want), `${what}: ${line1(got)}, as smz serve`);
    } else {
      const g = masked(got), w = masked(want);
      let d = 0;
      while (d < g.length && d < w.length && g[d] === w[d]) d++;
      check(g === w, `${what}: ${g.length} bytes, the same as smz serve's` +
        (g === w ? '' : ` (first difference at ${d}: [${g.slice(d, d + 60)}] vs [${w.slice(d, d + 60)}])`));
    }
    n++;
  }
  check(n >= 20, `${n} requests compared`);
  process.exit(failures ? 1 : 0);
}, (e) => {
  check(false, 'the module loads: ' + e);
  process.exit(1);
});
