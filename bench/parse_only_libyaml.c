/* parse_only_libyaml.c - the benchmark's second baseline: read stdin and
 * run libyaml's event parser over it, nothing else. SPEC section 10 sets
 * kleym-fn's wall-time target against this parse; bench.py reports the
 * ratio. libyaml is a benchmark dependency only: kleym-fn reads with
 * libfyaml. */
#include <stdio.h>
#include <stdlib.h>
#include <yaml.h>

int main(void)
{
    size_t cap = 1 << 16, len = 0, got;
    unsigned char *buf = malloc(cap);
    if (!buf)
        return 1;
    while ((got = fread(buf + len, 1, cap - len, stdin)) > 0) {
        len += got;
        if (len == cap) {
            unsigned char *p = realloc(buf, cap *= 2);
            if (!p) {
                free(buf);
                return 1;
            }
            buf = p;
        }
    }
    yaml_parser_t parser;
    if (!yaml_parser_initialize(&parser)) {
        free(buf);
        return 1;
    }
    yaml_parser_set_input_string(&parser, buf, len);
    size_t events = 0;
    int bad = 0, done = 0;
    while (!done) {
        yaml_event_t e;
        if (!yaml_parser_parse(&parser, &e)) {
            bad = 1;
            break;
        }
        done = e.type == YAML_STREAM_END_EVENT;
        events++;
        yaml_event_delete(&e);
    }
    yaml_parser_delete(&parser);
    free(buf);
    fprintf(stderr, "parse_only_libyaml: %zu events\n", events);
    return bad;
}
