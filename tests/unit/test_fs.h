/*
 * test_fs.h — file-system helpers shared by test programs that write
 * scratch directories (reports, charts).  Static functions: include in one
 * translation unit per test program.
 */
#ifndef TESTS_TEST_FS_H
#define TESTS_TEST_FS_H

#include <dirent.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Remove dir and everything below it; errors are ignored (scratch only). */
static void rm_tree(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    struct stat sb;
    char p[1024];

    while (d != NULL && (e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
        if (stat(p, &sb) == 0 && S_ISDIR(sb.st_mode))
            rm_tree(p);
        else
            remove(p);
    }
    if (d != NULL)
        closedir(d);
    rmdir(dir);
}

#endif /* TESTS_TEST_FS_H */
