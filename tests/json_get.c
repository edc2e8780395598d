/*
 * json_get.c — test helper: read stdin, require exactly one JSON object
 * (and nothing else but whitespace), and print the values of the dotted
 * paths given as arguments, one per line ("a.b.0.c"; numbers with %.17g,
 * strings raw).  Exit 0 on success, 1 if the input is not one JSON object
 * or a path is missing.  Lets the shell tests check --json output without
 * depending on python or jq.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static json_t *walk(json_t *v, const char *path)
{
    char buf[512];
    snprintf(buf, sizeof buf, "%s", path);
    for (char *tok = strtok(buf, "."); tok != NULL && v != NULL; tok = strtok(NULL, ".")) {
        if (json_is_array(v)) {
            char *end;
            long i = strtol(tok, &end, 10);
            v = (*end == '\0' && i >= 0) ? json_array_get(v, (size_t)i) : NULL;
        } else {
            v = json_object_get(v, tok);
        }
    }
    return v;
}

int main(int argc, char **argv)
{
    json_error_t error;
    json_t *root = json_loadf(stdin, 0, &error); /* rejects trailing data */
    if (root == NULL || !json_is_object(root)) {
        fprintf(stderr, "json_get: not exactly one JSON object: %s (line %d)\n",
                root ? "not an object" : error.text, error.line);
        json_decref(root);
        return 1;
    }
    int status = 0;
    for (int i = 1; i < argc; i++) {
        json_t *v = walk(root, argv[i]);
        if (v == NULL) {
            fprintf(stderr, "json_get: no field '%s'\n", argv[i]);
            status = 1;
        } else if (json_is_string(v)) {
            printf("%s\n", json_string_value(v));
        } else if (json_is_integer(v)) {
            printf("%lld\n", (long long)json_integer_value(v));
        } else if (json_is_number(v)) {
            printf("%.17g\n", json_number_value(v));
        } else {
            char *s = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
            printf("%s\n", s ? s : "?");
            free(s);
        }
    }
    json_decref(root);
    return status;
}
