/*
 * embedded.c — look-up over the generated table of embedded data files.
 */
#include "workloads/embedded.h"

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
