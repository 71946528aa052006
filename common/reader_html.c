/* The browser reader's bytes as linked in (see reader_html.h). */
#include "reader_html.h"
#include "smz/util.h"

/* From the generated reader_html_blob.S (the Makefile writes it). */
extern const unsigned char reader_html_start_[], reader_html_end_[];
extern const char reader_html_hash_[];

const unsigned char *reader_html(size_t *len)
{
    *len = (size_t)(reader_html_end_ - reader_html_start_);
    return reader_html_start_;
}

const char *reader_html_hash(void)
{
    return reader_html_hash_;
}

smz_err reader_html_write(const char *path, int replace, char *err, size_t errlen)
{
    size_t len;
    const unsigned char *p = reader_html(&len);
    return smz_file_write(path, p, len, replace ? 0 : SMZ_FILE_EXCL, err, errlen);
}
