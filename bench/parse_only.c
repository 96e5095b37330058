/* parse_only.c - the benchmark's baseline: read stdin and run libfyaml's
 * event parser over it, with the configuration kleym-fn uses, and nothing
 * else. kleym-fn can not be faster than this; bench.py reports the ratio. */
#include <libfyaml.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(void)
{
    size_t cap = 1 << 16, len = 0, got;
    char *buf = malloc(cap);
    if (!buf)
        return 1;
    while ((got = fread(buf + len, 1, cap - len, stdin)) > 0) {
        len += got;
        if (len == cap) {
            char *p = realloc(buf, cap *= 2);
            if (!p) {
                free(buf);
                return 1;
            }
            buf = p;
        }
    }
    struct fy_parse_cfg cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.flags = FYPCF_QUIET | FYPCF_JSON_NONE;
    struct fy_parser *parser = fy_parser_create(&cfg);
    if (!parser || fy_parser_set_string(parser, buf, len) != 0) {
        free(buf);
        return 1;
    }
    size_t events = 0;
    struct fy_event *e;
    while ((e = fy_parser_parse(parser)) != NULL) {
        events++;
        fy_parser_event_free(parser, e);
    }
    int bad = fy_parser_get_stream_error(parser);
    fy_parser_destroy(parser);
    free(buf);
    fprintf(stderr, "parse_only: %zu events\n", events);
    return bad ? 1 : 0;
}
