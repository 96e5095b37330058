/* read_split_plan.c - where a block-style ResourceList may be cut
 * (read_split.h).
 *
 * One pass over the starts of lines, never their content: the first
 * non-blank byte of each line and its indentation. The input qualifies
 * when it is one document (a leading `---` aside; no directive) whose root
 * is a block mapping at column 0 with an `items:` key whose value is a
 * block sequence on the following lines. Its items start at the lines
 * whose first byte, at the sequence's column, is a '-' followed by a blank;
 * `items:` ends at the first line left of or at that column that is
 * neither an item, a comment nor blank. What such a line really is (an
 * item, or text inside a quoted scalar or flow collection that crosses
 * it) the parsers find out; read_split.c explains why a wrong guess is
 * always caught.
 */
#include <stdbool.h>
#include <string.h>

#include "read_split.h"

enum scan_state { ROOT, ITEMS_FIRST, ITEMS, TAIL };

/* End of a line's content: a line break (LF, or the CR of a CRLF), or the
 * end of the input. */
static bool at_eol(const char *buf, size_t i, size_t next)
{
    return i >= next || buf[i] == '\n' || buf[i] == '\r';
}

/* A blank (space, tab) or the end of the line follows position i. */
static bool blank_follows(const char *buf, size_t i, size_t next)
{
    return at_eol(buf, i, next) || buf[i] == ' ' || buf[i] == '\t';
}

/* A document marker (`---`, `...`) starts the line at i. */
static bool is_marker(const char *buf, size_t i, size_t next)
{
    return next - i >= 3 &&
           (memcmp(buf + i, "---", 3) == 0 || memcmp(buf + i, "...", 3) == 0) &&
           blank_follows(buf, i + 3, next);
}

/* `kind:` at i: *rlist says whether its value is ResourceList (plain or
 * quoted, nothing but a comment after it). */
static bool is_kind_key(const char *buf, size_t i, size_t next, bool *rlist)
{
    if (next - i < 5 || memcmp(buf + i, "kind:", 5) != 0 || !blank_follows(buf, i + 5, next))
        return false;
    size_t j = i + 5;
    while (j < next && (buf[j] == ' ' || buf[j] == '\t'))
        j++;
    char q = j < next && (buf[j] == '"' || buf[j] == '\'') ? buf[j++] : 0;
    *rlist = next - j >= 12 && memcmp(buf + j, "ResourceList", 12) == 0;
    j += 12;
    if (*rlist && q)
        *rlist = j < next && buf[j++] == q;
    if (*rlist) {
        while (j < next && (buf[j] == ' ' || buf[j] == '\t'))
            j++;
        *rlist = at_eol(buf, j, next) || buf[j] == '#';
    }
    return true;
}

/* `items:` at i, with nothing but a comment after it on its line. */
static bool is_items_key(const char *buf, size_t i, size_t next, bool *other_value)
{
    *other_value = false;
    if (next - i < 6 || memcmp(buf + i, "items:", 6) != 0)
        return false;
    size_t j = i + 6;
    if (!blank_follows(buf, j, next))
        return false; /* `items:x` is another key */
    while (j < next && (buf[j] == ' ' || buf[j] == '\t'))
        j++;
    *other_value = !at_eol(buf, j, next) && buf[j] != '#';
    return true;
}

const char *kf_split_plan_make(const char *buf, size_t len, size_t at, bool list,
                               kf_split_plan *p)
{
    bool kind_seen = false, rlist = false;
    memset(p, 0, sizeof *p);
    size_t target = at ? at : len / 2;
    enum scan_state state = ROOT;
    bool content_seen = false;
    uint32_t first_entry = 0;
    uint32_t col = 0;
    bool found = false, before = false;
    uint32_t before_at = 0;
    int before_line = 0;
    int line = 0;
    size_t pos = 0;
    while (pos < len) {
        const char *nl = memchr(buf + pos, '\n', len - pos);
        size_t next = nl ? (size_t)(nl - buf) + 1 : len;
        size_t i = pos;
        if (pos == 0 && len >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0)
            i = 3;
        size_t ind0 = i;
        while (i < next && buf[i] == ' ')
            i++;
        uint32_t indent = (uint32_t)(i - ind0);
        bool blank = at_eol(buf, i, next) || buf[i] == '#';
        if (indent == 0 && !blank) {
            if (buf[i] == '%')
                return "a directive";
            if (is_marker(buf, i, next)) {
                if (content_seen || state != ROOT || memcmp(buf + i, "---", 3) != 0)
                    return "more than one document, or a document end marker";
                size_t j = i + 3;
                while (j < next && (buf[j] == ' ' || buf[j] == '\t'))
                    j++;
                if (!at_eol(buf, j, next) && buf[j] != '#')
                    return "content on the line of the document start";
                blank = true;
            }
        }
        switch (state) {
        case ROOT:
            if (blank)
                break;
            if (indent > 0 && !content_seen)
                return "the root is not a block mapping at column 0";
            if (indent == 0 && (buf[i] == '{' || buf[i] == '[' || buf[i] == '-' ||
                                buf[i] == '\t'))
                return "the root is not a block mapping at column 0";
            content_seen = true;
            bool other_value, is_rlist;
            if (indent == 0 && is_kind_key(buf, i, next, &is_rlist)) {
                kind_seen = true;
                rlist = is_rlist;
            }
            if (indent == 0 && is_items_key(buf, i, next, &other_value)) {
                if (other_value)
                    return "items is not a block sequence on the lines after its key";
                state = ITEMS_FIRST;
            }
            break;
        case ITEMS_FIRST:
            if (blank)
                break;
            if (buf[i] != '-' || !blank_follows(buf, i + 1, next))
                return "items is not a block sequence on the lines after its key";
            col = indent;
            first_entry = (uint32_t)pos;
            state = ITEMS;
            break;
        case ITEMS:
            if (blank || indent > col)
                break;
            if (buf[i] == '\t')
                return "a tab at the start of a line of the items";
            if (indent == col && buf[i] == '-' && blank_follows(buf, i + 1, next)) {
                if (found || pos == first_entry)
                    break;
                if (pos >= target) {
                    found = true;
                    p->split = (uint32_t)pos;
                    p->split_line = line;
                } else {
                    before = true;
                    before_at = (uint32_t)pos;
                    before_line = line;
                }
                break;
            }
            p->tail = (uint32_t)pos;
            p->tail_line = line;
            state = TAIL;
            break;
        case TAIL: {
            bool is_rlist;
            if (indent == 0 && !blank && is_kind_key(buf, i, next, &is_rlist)) {
                kind_seen = true;
                rlist = is_rlist;
            }
            break;
        }
        }
        pos = next;
        line++;
    }
    if (state == ROOT || state == ITEMS_FIRST)
        return "no block sequence under an items key at column 0";
    /* A stream's List is read again on its own (read_list.c), and cut
     * then: cutting it as the input would be work thrown away. */
    if (!list && (!kind_seen || !rlist))
        return "not a ResourceList with kind: at column 0";
    if (state == ITEMS) {
        p->tail = (uint32_t)len;
        p->tail_line = line;
    }
    if (!found) {
        if (at || !before)
            return at ? "no item starts at or after the byte asked for"
                      : "only one item";
        p->split = before_at;
        p->split_line = before_line;
    }
    if (p->split >= p->tail)
        return "no item starts at or after the byte asked for";
    p->col = col;
    return NULL;
}
