/*
 * embedded.h — data files compiled into the program.
 *
 * Catalogs (GPUs, models, prices), shipped scenarios and calibration CSVs
 * live as text files under workloads/; build-aux/embed.sh turns the list in
 * workloads/local.mk (EMBED_FILES) into a table, so the binary needs no
 * data directory at run time.  Each file is NUL-terminated for convenience;
 * size excludes the NUL.
 */
#ifndef WL_EMBEDDED_H
#define WL_EMBEDDED_H

#include <stddef.h>

typedef struct wl_embedded_file {
    const char *name; /* path relative to the source tree, e.g. "workloads/catalog/gpus.ini" */
    const char *data; /* contents, NUL-terminated */
    size_t size;      /* bytes, excluding the terminating NUL */
} wl_embedded_file_t;

/* The table, terminated by an entry whose name is NULL. */
extern const wl_embedded_file_t wl_embedded_files[];

/* The file named name, or NULL.  Cost: linear in the number of files. */
const wl_embedded_file_t *wl_embedded_find(const char *name);

/* The shipped device profile of a device: workloads/profiles/NAME.profile
 * with NAME the first len bytes of name, blanks trimmed, upper-cased; NULL
 * when none is shipped.  The path looked up goes into path (cap bytes). */
const wl_embedded_file_t *wl_embedded_profile(const char *name, size_t len, char *path,
                                              size_t cap);

#endif /* WL_EMBEDDED_H */
