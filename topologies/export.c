/*
 * export.c — GraphML and DOT writers for a topology (see export.h).
 *
 * Written by hand rather than through igraph's writers so the numbers are
 * locale-proof and no global igraph attribute table is needed.
 */
#include "topologies/export.h"

#include <locale.h>
#include <string.h>

static void vertex_name(const topo_t *t, int32_t v, char *buf, size_t n)
{
    int kind = t->v_kind[v];
    const char *name = kind >= TOPO_V_LEAF ? t->tier_name[t->v_tier[v]]
                                           : topo_vkind_name(kind);
    snprintf(buf, n, "%s%d", name, (int)t->v_index[v]);
}

static void write_graphml(const topo_t *t, FILE *out)
{
    static const char *const keys[][4] = {
        {"v_kind", "node", "kind", "string"},
        {"v_tier", "node", "tier", "int"},
        {"v_index", "node", "index", "int"},
        {"v_pod", "node", "pod", "int"},
        {"v_plane", "node", "plane", "int"},
        {"v_up", "node", "up", "boolean"},
        {"e_kind", "edge", "kind", "string"},
        {"e_bw", "edge", "bandwidth_Bps", "double"},
        {"e_lat", "edge", "latency_s", "double"},
        {"e_up", "edge", "up", "boolean"},
    };
    fprintf(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                 "<graphml xmlns=\"http://graphml.graphdrawing.org/xmlns\">\n");
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
        fprintf(out, "  <key id=\"%s\" for=\"%s\" attr.name=\"%s\" "
                     "attr.type=\"%s\"/>\n",
                keys[i][0], keys[i][1], keys[i][2], keys[i][3]);
    fprintf(out, "  <graph id=\"%s\" edgedefault=\"directed\">\n",
            topo_kind_name(t->kind));
    for (int32_t v = 0; v < t->n_vertices; v++) {
        char name[48];
        vertex_name(t, v, name, sizeof name);
        fprintf(out,
                "    <node id=\"n%d\"><data key=\"v_kind\">%s</data>"
                "<data key=\"v_tier\">%d</data><data key=\"v_index\">%d</data>"
                "<data key=\"v_pod\">%d</data><data key=\"v_plane\">%d</data>"
                "<data key=\"v_up\">%s</data></node>\n",
                (int)v, name, (int)t->v_tier[v], (int)t->v_index[v],
                (int)t->v_pod[v], (int)t->v_plane[v],
                t->v_up[v] ? "true" : "false");
    }
    for (int32_t l = 0; l < t->n_links; l++)
        fprintf(out,
                "    <edge id=\"e%d\" source=\"n%d\" target=\"n%d\">"
                "<data key=\"e_kind\">%s</data><data key=\"e_bw\">%.17g</data>"
                "<data key=\"e_lat\">%.17g</data><data key=\"e_up\">%s</data>"
                "</edge>\n",
                (int)l, (int)t->l_src[l], (int)t->l_dst[l],
                topo_lkind_name(t->l_kind[l]), t->l_bw[l], t->l_lat[l],
                t->l_up[l] ? "true" : "false");
    fprintf(out, "  </graph>\n</graphml>\n");
}

static void write_dot(const topo_t *t, FILE *out)
{
    static const char *const shape[TOPO_V_KIND_COUNT] = {
        [TOPO_V_GPU] = "box",      [TOPO_V_NVSWITCH] = "hexagon",
        [TOPO_V_NIC] = "ellipse",  [TOPO_V_LEAF] = "diamond",
        [TOPO_V_SPINE] = "diamond", [TOPO_V_CORE] = "doublecircle",
    };
    fprintf(out, "graph \"%s\" {\n", topo_kind_name(t->kind));
    for (int32_t v = 0; v < t->n_vertices; v++) {
        char name[48];
        vertex_name(t, v, name, sizeof name);
        fprintf(out, "  n%d [label=\"%s\", shape=%s, tier=%d%s];\n", (int)v,
                name, shape[t->v_kind[v]], (int)t->v_tier[v],
                t->v_up[v] ? "" : ", style=dashed");
    }
    for (int32_t l = 0; l < t->n_links; l += 2)
        fprintf(out, "  n%d -- n%d [label=\"%s %g Gb/s\", link=%d%s];\n",
                (int)t->l_src[l], (int)t->l_dst[l],
                topo_lkind_name(t->l_kind[l]), t->l_bw[l] * 8e-9, (int)l,
                t->l_up[l] && t->l_up[l + 1] ? "" : ", style=dashed");
    fprintf(out, "}\n");
}

sim_err_t topo_export(const topo_t *t, const char *format, FILE *out,
                      sim_diag_t *diag)
{
    bool graphml = format != NULL && strcmp(format, "graphml") == 0;
    bool dot = format != NULL && strcmp(format, "dot") == 0;
    if (!graphml && !dot)
        return sim_diag_set(diag, SIM_ERR_USAGE, NULL, 0, NULL,
                            "unknown export format '%s'; expected graphml "
                            "or dot", format != NULL ? format : "");
    locale_t c = newlocale(LC_ALL_MASK, "C", (locale_t)0);
    locale_t old = c != (locale_t)0 ? uselocale(c) : (locale_t)0;
    if (graphml)
        write_graphml(t, out);
    else
        write_dot(t, out);
    if (c != (locale_t)0) {
        uselocale(old);
        freelocale(c);
    }
    if (fflush(out) != 0 || ferror(out))
        return sim_diag_set(diag, SIM_ERR_IO, NULL, 0, NULL,
                            "writing the %s export failed", format);
    return SIM_OK;
}
