"""Prints the metadata (namespace M) of a ZIM file as KEY<TAB>VALUE lines
(binary values as their length and SHA-256), read straight from the file as
the ZIM format describes it (https://wiki.openzim.org/wiki/ZIM_file_format):
zim-tools 3.1's zimdump lists only the content namespace, so
tests/cli/zim_export.sh reads the metadata here.  zstd clusters are decoded
by the zstd program.  Usage: zim_meta.py FILE.zim"""
import hashlib
import struct
import subprocess
import sys


def main(path):
    data = open(path, "rb").read()
    (magic, _major, _minor, _uuid, n_entries, n_clusters, path_ptr, title_ptr, cluster_ptr,
     mime_pos, _main, _layout, checksum_pos) = struct.unpack_from("<IHH16sIIQQQQIIQ", data, 0)
    assert magic == 0x044D495A, "not a ZIM file"
    clusters = list(struct.unpack_from("<%dQ" % n_clusters, data, cluster_ptr))
    bounds = sorted(set(clusters + [path_ptr, title_ptr, cluster_ptr, mime_pos, checksum_pos, len(data)]))
    cache = {}

    def blob(c, b):
        if c not in cache:
            start = clusters[c]
            end = min(x for x in bounds if x > start)
            info = data[start]
            raw = data[start + 1:end]
            if info & 0x0F == 5:
                raw = subprocess.run(["zstd", "-dcq"], input=raw, stdout=subprocess.PIPE, check=True).stdout
            elif info & 0x0F != 1:
                raise SystemExit("cluster %d: compression %d not read here" % (c, info & 0x0F))
            size = 8 if info & 0x10 else 4
            first = struct.unpack_from("<Q" if size == 8 else "<I", raw, 0)[0]
            offs = struct.unpack_from("<%d%s" % (first // size, "Q" if size == 8 else "I"), raw, 0)
            cache[c] = (raw, offs)
        raw, offs = cache[c]
        return raw[offs[b]:offs[b + 1]]

    for i in range(n_entries):
        pos = struct.unpack_from("<Q", data, path_ptr + 8 * i)[0]
        mime, _plen, ns = struct.unpack_from("<HBc", data, pos)
        if ns != b"M" or mime == 0xFFFF:
            continue
        c, b = struct.unpack_from("<II", data, pos + 8)
        key = data[pos + 16:data.index(b"\0", pos + 16)].decode()
        value = blob(c, b)
        try:
            text = value.decode("utf-8")
            if "\0" in text or key.startswith("Illustration"):
                raise ValueError
            print("%s\t%s" % (key, text.replace("\n", "\\n")))
        except ValueError:
            print("%s\t%d bytes sha256 %s" % (key, len(value), hashlib.sha256(value).hexdigest()))


if __name__ == "__main__":
    main(sys.argv[1])
