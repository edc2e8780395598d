/*
 * embedded.c — look-up over the generated table of embedded data files.
 */
#include "workloads/embedded.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

const wl_embedded_file_t *wl_embedded_find(const char *name)
{
    if (name == NULL)
        return NULL;
    for (const wl_embedded_file_t *f = wl_embedded_files; f->name != NULL; f++)
        if (strcmp(f->name, name) == 0)
            return f;
    return NULL;
}

const wl_embedded_file_t *wl_embedded_profile(const char *name, size_t len, char *path,
                                              size_t cap)
{
    char up[64];
    size_t n = 0;
    while (len > 0 && isspace((unsigned char)*name)) {
        name++;
        len--;
    }
    while (len > 0 && isspace((unsigned char)name[len - 1]))
        len--;
    if (len == 0 || len >= sizeof up)
        return NULL;
    for (; n < len; n++)
        up[n] = (char)toupper((unsigned char)name[n]);
    up[n] = '\0';
    snprintf(path, cap, "workloads/profiles/%s.profile", up);
    return wl_embedded_find(path);
}
