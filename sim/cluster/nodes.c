/*
 * nodes.c — the cluster's node table: per-GPU free shares, CPU and memory,
 * buckets of nodes by fully-free GPU count, up/down state, the FGD
 * fragmentation measure and the invariant checker (cluster_int.h).
 *
 * Assumes: at most 64 GPUs per node (a GPU set is one uint64_t mask).
 */
#include <stdlib.h>
#include <string.h>

#include "sim/cluster/cluster_int.h"

scl_req_t scl_req_of(const wl_jobtrace_job_t *j)
{
    scl_req_t r;
    r.num_gpu = j->num_gpu;
    r.milli = j->num_gpu > 0 ? (j->gpu_milli > 0 ? j->gpu_milli : SCL_MILLI) : 0;
    r.cpu = j->cpu_milli;
    r.mem = j->mem_mib;
    r.mask = j->model_mask;
    return r;
}

int64_t scl_req_milli(const scl_req_t *r)
{
    return (int64_t)r->num_gpu * r->milli;
}

int32_t scl_req_nodes(const scl_state_t *st, const scl_req_t *r)
{
    if (r->num_gpu <= st->max_gpn)
        return 1;
    return (r->num_gpu + st->max_gpn - 1) / st->max_gpn;
}

int32_t scl_pieces_max(const scl_state_t *st, const wl_jobtrace_t *t, size_t n)
{
    int32_t k = 1;
    if (st->max_gpn < 1)
        return k;
    for (size_t i = 0; i < n && i < t->njobs; i++) {
        scl_req_t r = scl_req_of(&t->jobs[i]);
        int32_t m = scl_req_nodes(st, &r);
        if (m > k)
            k = m;
    }
    return k;
}

static sim_err_t bucket_push(scl_state_t *st, int32_t c, int32_t n)
{
    if (st->blen[c] == st->bcap[c]) {
        int32_t cap = st->bcap[c] ? 2 * st->bcap[c] : 16;
        int32_t *b = realloc(st->bucket[c], (size_t)cap * sizeof *b);
        if (b == NULL)
            return SIM_ERR_NOMEM;
        st->bucket[c] = b;
        st->bcap[c] = cap;
    }
    st->node[n].bpos = st->blen[c];
    st->bucket[c][st->blen[c]++] = n;
    return SIM_OK;
}

/* Buckets are preallocated for every node at init, so these never fail. */
static void bucket_add(scl_state_t *st, int32_t n)
{
    scl_node_t *nd = &st->node[n];
    int32_t c = nd->nfull;
    nd->bpos = st->blen[c];
    st->bucket[c][st->blen[c]++] = n;
    if (nd->ngpu > 0 && nd->nfull == nd->ngpu)
        st->seg_full[nd->seg]++;
}

static void bucket_remove(scl_state_t *st, int32_t n)
{
    scl_node_t *nd = &st->node[n];
    int32_t c = nd->nfull, pos = nd->bpos;
    int32_t last = st->bucket[c][--st->blen[c]];
    st->bucket[c][pos] = last;
    st->node[last].bpos = pos;
    nd->bpos = -1;
    if (nd->ngpu > 0 && nd->nfull == nd->ngpu)
        st->seg_full[nd->seg]--;
}

static sim_err_t add_class(scl_state_t *st, int *cap, const wl_jobtrace_job_t *j,
                           double *cpu_sum, double *mem_sum, int64_t **cnt)
{
    scl_req_t r = scl_req_of(j);
    for (int i = 0; i < st->ncls; i++)
        if (st->cls[i].num_gpu == r.num_gpu && st->cls[i].milli == r.milli) {
            cpu_sum[i] += (double)r.cpu;
            mem_sum[i] += (double)r.mem;
            (*cnt)[i]++;
            return SIM_OK;
        }
    if (st->ncls == *cap)
        return SIM_ERR_RANGE;
    scl_class_t *c = &st->cls[st->ncls];
    c->num_gpu = r.num_gpu;
    c->milli = r.milli;
    cpu_sum[st->ncls] = (double)r.cpu;
    mem_sum[st->ncls] = (double)r.mem;
    (*cnt)[st->ncls] = 1;
    st->ncls++;
    return SIM_OK;
}

/* Task classes: distinct (num_gpu, milli) of the jobs, popularity by count,
 * CPU and memory the members' mean.  At most 256 classes are kept (the
 * first seen); jobs of further classes count toward none.  Synthetic and
 * real traces have far fewer (openb: 25). */
static sim_err_t build_classes(scl_state_t *st, const sim_cluster_config_t *cfg)
{
    int cap = 256;
    double *cpu = calloc((size_t)cap, sizeof *cpu), *mem = calloc((size_t)cap, sizeof *mem);
    int64_t *cnt = calloc((size_t)cap, sizeof *cnt);
    st->cls = calloc((size_t)cap, sizeof *st->cls);
    sim_err_t err = SIM_OK;
    if (cpu == NULL || mem == NULL || cnt == NULL || st->cls == NULL) {
        err = SIM_ERR_NOMEM;
        goto fail;
    }
    size_t n = cfg->trace->njobs, counted = 0;
    if (cfg->mode == SIM_CLUSTER_REPLAY && cfg->max_jobs > 0 && (size_t)cfg->max_jobs < n)
        n = (size_t)cfg->max_jobs;
    for (size_t i = 0; i < n; i++)
        if (add_class(st, &cap, &cfg->trace->jobs[i], cpu, mem, &cnt) == SIM_OK)
            counted++;
    for (int i = 0; i < st->ncls; i++) {
        st->cls[i].p = (double)cnt[i] / (double)(counted ? counted : 1);
        st->cls[i].cpu = (int64_t)(cpu[i] / (double)cnt[i]);
        st->cls[i].mem = (int64_t)(mem[i] / (double)cnt[i]);
        if (st->cls[i].milli > 0 && st->cls[i].milli < SCL_MILLI)
            st->any_share = true;
    }
fail:
    free(cpu);
    free(mem);
    free(cnt);
    return err;
}

sim_err_t scl_state_init(scl_state_t *st, const sim_cluster_config_t *cfg,
                         sim_diag_t *diag)
{
    memset(st, 0, sizeof *st);
    sim_err_t err = SIM_OK;
    const wl_jobtrace_t *t = cfg->trace;
    int64_t nn = cfg->use_trace_nodes ? (int64_t)t->nnodes : cfg->nodes;
    if (nn < 1 || nn > (1 << 24))
        return sim_diag_set(diag, SIM_ERR_RANGE, NULL, 0, "cluster.gpus",
                            "expected 1 to 16M nodes, got %lld", (long long)nn);
    if (cfg->segment_nodes < 1)
        return sim_diag_set(diag, SIM_ERR_RANGE, NULL, 0, "scheduler.segment_nodes",
                            "expected at least 1 node per segment");
    st->nnodes = (int32_t)nn;
    st->placement = cfg->placement;
    st->seg_nodes = cfg->segment_nodes;
    st->nsegs = (int32_t)((nn + cfg->segment_nodes - 1) / cfg->segment_nodes);
    st->node = calloc((size_t)nn, sizeof *st->node);
    st->seg_full = calloc((size_t)st->nsegs, sizeof *st->seg_full);
    if (st->node == NULL || st->seg_full == NULL) {
        err = SIM_ERR_NOMEM;
        goto fail;
    }
    for (int32_t i = 0; i < st->nnodes; i++) {
        scl_node_t *nd = &st->node[i];
        int64_t cpu = cfg->node_cpu_milli, mem = cfg->node_mem_mib;
        if (cfg->use_trace_nodes) {
            nd->ngpu = t->nodes[i].gpus;
            nd->model = t->nodes[i].model;
            cpu = t->nodes[i].cpu_milli;
            mem = t->nodes[i].mem_mib;
        } else {
            nd->ngpu = cfg->gpus_per_node;
            nd->model = -1;
        }
        if (nd->ngpu < 0 || nd->ngpu > 64) {
            err = sim_diag_set(diag, SIM_ERR_RANGE, NULL, 0, "cluster.gpus_per_node",
                               "expected 0 to 64 GPUs per node, got %d", nd->ngpu);
            goto fail;
        }
        nd->cpu_cap = nd->cpu_free = cpu > 0 ? cpu : SCL_UNLIMITED;
        nd->mem_cap = nd->mem_free = mem > 0 ? mem : SCL_UNLIMITED;
        nd->gpu0 = (int32_t)st->ngpus;
        nd->nfull = nd->ngpu;
        nd->seg = i / cfg->segment_nodes;
        nd->up = true;
        st->ngpus += nd->ngpu;
        if (nd->ngpu > st->max_gpn)
            st->max_gpn = nd->ngpu;
    }
    if (st->ngpus == 0) {
        err = sim_diag_set(diag, SIM_ERR_RANGE, NULL, 0, "cluster.gpus",
                           "the cluster has no GPUs");
        goto fail;
    }
    st->up_gpus = st->ngpus;
    st->gfree = malloc((size_t)st->ngpus * sizeof *st->gfree);
    st->bucket = calloc((size_t)st->max_gpn + 1, sizeof *st->bucket);
    st->blen = calloc((size_t)st->max_gpn + 1, sizeof *st->blen);
    st->bcap = calloc((size_t)st->max_gpn + 1, sizeof *st->bcap);
    if (st->gfree == NULL || st->bucket == NULL || st->blen == NULL || st->bcap == NULL) {
        err = SIM_ERR_NOMEM;
        goto fail;
    }
    for (int64_t g = 0; g < st->ngpus; g++)
        st->gfree[g] = SCL_MILLI;
    /* Every bucket gets room for every node, so moving a node between
     * buckets never allocates (nor fails) in the middle of a run. */
    for (int32_t c = 0; c <= st->max_gpn; c++) {
        st->bucket[c] = malloc((size_t)st->nnodes * sizeof **st->bucket);
        if (st->bucket[c] == NULL) {
            err = SIM_ERR_NOMEM;
            goto fail;
        }
        st->bcap[c] = st->nnodes;
    }
    for (int32_t i = 0; i < st->nnodes; i++) {
        if ((err = bucket_push(st, st->node[i].nfull, i)) != SIM_OK)
            goto fail;
        if (st->node[i].ngpu > 0)
            st->seg_full[st->node[i].seg]++;
    }
    if ((err = build_classes(st, cfg)) != SIM_OK)
        goto fail;
    return SIM_OK;
fail:
    scl_state_destroy(st);
    return err;
}

void scl_state_destroy(scl_state_t *st)
{
    if (st->bucket != NULL)
        for (int32_t c = 0; c <= st->max_gpn; c++)
            free(st->bucket[c]);
    free(st->bucket);
    free(st->blen);
    free(st->bcap);
    free(st->gfree);
    free(st->node);
    free(st->seg_full);
    free(st->cls);
    free(st->memo);
    free(st->chk_used);
    free(st->chk_cpu);
    free(st->chk_mem);
    memset(st, 0, sizeof *st);
}

bool scl_ever_fits(const scl_state_t *st, const scl_req_t *r)
{
    int32_t k = scl_req_nodes(st, r), found = 0;
    int32_t need = k > 1 ? st->max_gpn : r->num_gpu;
    for (int32_t i = 0; i < st->nnodes; i++) {
        const scl_node_t *nd = &st->node[i];
        if (r->mask != 0 && (nd->model < 0 || !(r->mask & (1u << nd->model))))
            continue;
        if (nd->ngpu < need || nd->cpu_cap < r->cpu / k || nd->mem_cap < r->mem / k)
            continue;
        if (++found >= k)
            return true;
    }
    return false;
}

/* Update nfull of node n after its GPU g changed from old to new free. */
static void gpu_set(scl_state_t *st, int32_t n, int32_t g, int32_t v)
{
    scl_node_t *nd = &st->node[n];
    int32_t *f = &st->gfree[nd->gpu0 + g];
    int32_t c = nd->nfull + (v == SCL_MILLI) - (*f == SCL_MILLI);
    st->alloc_milli += *f - v;
    if (c != nd->nfull && nd->up) {
        bucket_remove(st, n);
        nd->nfull = c;
        bucket_add(st, n);
    } else {
        nd->nfull = c;
    }
    *f = v;
}

void scl_release(scl_state_t *st, const scl_alloc_t *a, int32_t n)
{
    for (int32_t i = 0; i < n; i++) {
        scl_node_t *nd = &st->node[a[i].node];
        for (int32_t g = 0; g < nd->ngpu; g++)
            if (a[i].mask & (UINT64_C(1) << g))
                gpu_set(st, a[i].node, g, st->gfree[nd->gpu0 + g] + a[i].milli);
        nd->cpu_free += a[i].cpu;
        nd->mem_free += a[i].mem;
    }
}

void scl_retake(scl_state_t *st, const scl_alloc_t *a, int32_t n)
{
    for (int32_t i = 0; i < n; i++) {
        scl_node_t *nd = &st->node[a[i].node];
        for (int32_t g = 0; g < nd->ngpu; g++)
            if (a[i].mask & (UINT64_C(1) << g))
                gpu_set(st, a[i].node, g, st->gfree[nd->gpu0 + g] - a[i].milli);
        nd->cpu_free -= a[i].cpu;
        nd->mem_free -= a[i].mem;
    }
}

void scl_node_set_up(scl_state_t *st, int32_t n, bool up)
{
    scl_node_t *nd = &st->node[n];
    if (nd->up == up)
        return;
    if (up) {
        nd->up = true;
        bucket_add(st, n);
        st->up_gpus += nd->ngpu;
    } else {
        bucket_remove(st, n);
        nd->up = false;
        st->up_gpus -= nd->ngpu;
    }
}

int64_t scl_up_gpus(const scl_state_t *st)
{
    return st->up_gpus;
}

double scl_frag_node(const scl_state_t *st, int32_t n)
{
    const scl_node_t *nd = &st->node[n];
    const int32_t *f = &st->gfree[nd->gpu0];
    int64_t total = 0, partial = 0;
    int32_t maxfree = 0;
    for (int32_t g = 0; g < nd->ngpu; g++) {
        total += f[g];
        if (f[g] < SCL_MILLI)
            partial += f[g];
        if (f[g] > maxfree)
            maxfree = f[g];
    }
    if (total == 0)
        return 0;
    double frag = 0;
    for (int i = 0; i < st->ncls; i++) {
        const scl_class_t *c = &st->cls[i];
        if (c->num_gpu == 0)
            continue;
        int32_t need = c->num_gpu < st->max_gpn ? c->num_gpu : st->max_gpn;
        bool fits = nd->cpu_free >= c->cpu && nd->mem_free >= c->mem &&
                    (c->milli < SCL_MILLI ? maxfree >= c->milli : nd->nfull >= need);
        if (!fits) {
            frag += c->p * (double)total;
        } else if (c->milli >= SCL_MILLI) {
            frag += c->p * (double)partial;
        } else {
            int64_t s = 0;
            for (int32_t g = 0; g < nd->ngpu; g++)
                if (f[g] < c->milli)
                    s += f[g];
            frag += c->p * (double)s;
        }
    }
    return frag;
}

double scl_frag_cluster(const scl_state_t *st, double *free_gpus)
{
    double frag = 0;
    int64_t fr = 0;
    for (int32_t i = 0; i < st->nnodes; i++) {
        if (!st->node[i].up)
            continue;
        frag += scl_frag_node(st, i);
        for (int32_t g = 0; g < st->node[i].ngpu; g++)
            fr += st->gfree[st->node[i].gpu0 + g];
    }
    if (free_gpus != NULL)
        *free_gpus = (double)fr / SCL_MILLI;
    return frag / SCL_MILLI;
}

void scl_check_begin(scl_state_t *st)
{
    if (st->chk_used == NULL) {
        st->chk_used = malloc((size_t)st->ngpus * sizeof *st->chk_used);
        st->chk_cpu = malloc((size_t)st->nnodes * sizeof *st->chk_cpu);
        st->chk_mem = malloc((size_t)st->nnodes * sizeof *st->chk_mem);
    }
    if (st->chk_used == NULL || st->chk_cpu == NULL || st->chk_mem == NULL)
        return; /* scl_check_end reports it */
    memset(st->chk_used, 0, (size_t)st->ngpus * sizeof *st->chk_used);
    memset(st->chk_cpu, 0, (size_t)st->nnodes * sizeof *st->chk_cpu);
    memset(st->chk_mem, 0, (size_t)st->nnodes * sizeof *st->chk_mem);
}

void scl_check_add(scl_state_t *st, const scl_alloc_t *a, int32_t n)
{
    if (st->chk_used == NULL || st->chk_cpu == NULL || st->chk_mem == NULL)
        return;
    for (int32_t i = 0; i < n; i++) {
        const scl_node_t *nd = &st->node[a[i].node];
        for (int32_t g = 0; g < 64; g++)
            if (a[i].mask & (UINT64_C(1) << g)) {
                /* a bit past the node's GPUs is an error: count it on a
                 * sentinel that end() cannot reconcile */
                if (g >= nd->ngpu)
                    st->chk_cpu[a[i].node] = INT64_MIN;
                else
                    st->chk_used[nd->gpu0 + g] += a[i].milli;
            }
        st->chk_cpu[a[i].node] += a[i].cpu;
        st->chk_mem[a[i].node] += a[i].mem;
    }
}

sim_err_t scl_check_end(const scl_state_t *st, sim_diag_t *diag)
{
    if (st->chk_used == NULL || st->chk_cpu == NULL || st->chk_mem == NULL)
        return SIM_ERR_NOMEM;
    int64_t alloc = 0;
    int32_t *seg = calloc((size_t)st->nsegs, sizeof *seg);
    if (seg == NULL)
        return SIM_ERR_NOMEM;
    sim_err_t err = SIM_OK;
    for (int32_t i = 0; i < st->nnodes && err == SIM_OK; i++) {
        const scl_node_t *nd = &st->node[i];
        int32_t full = 0;
        for (int32_t g = 0; g < nd->ngpu; g++) {
            int32_t fr = st->gfree[nd->gpu0 + g], used = st->chk_used[nd->gpu0 + g];
            if (fr < 0 || fr > SCL_MILLI || used + fr != SCL_MILLI) {
                err = sim_diag_set(diag, SIM_ERR_CHECK, NULL, 0, NULL,
                                   "node %d GPU %d: free %d + allocated %d != %d milli",
                                   i, g, fr, used, SCL_MILLI);
                break;
            }
            full += fr == SCL_MILLI;
            alloc += used;
        }
        if (err != SIM_OK)
            break;
        if (full != nd->nfull)
            err = sim_diag_set(diag, SIM_ERR_CHECK, NULL, 0, NULL,
                               "node %d: %d fully free GPUs but nfull %d", i, full, nd->nfull);
        else if (st->chk_cpu[i] < 0 || nd->cpu_free + st->chk_cpu[i] != nd->cpu_cap ||
                 nd->mem_free + st->chk_mem[i] != nd->mem_cap)
            err = sim_diag_set(diag, SIM_ERR_CHECK, NULL, 0, NULL,
                               "node %d: CPU or memory allocations do not add up (or a GPU "
                               "bit beyond the node)", i);
        else if (nd->up != (nd->bpos >= 0) ||
                 (nd->up && (nd->bpos >= st->blen[nd->nfull] ||
                             st->bucket[nd->nfull][nd->bpos] != i)))
            err = sim_diag_set(diag, SIM_ERR_CHECK, NULL, 0, NULL,
                               "node %d: bucket index out of step", i);
        else if (nd->up && nd->ngpu > 0 && nd->nfull == nd->ngpu)
            seg[nd->seg]++;
    }
    for (int32_t s = 0; s < st->nsegs && err == SIM_OK; s++)
        if (seg[s] != st->seg_full[s])
            err = sim_diag_set(diag, SIM_ERR_CHECK, NULL, 0, NULL,
                               "segment %d: %d free nodes counted, %d recorded", s, seg[s],
                               st->seg_full[s]);
    if (err == SIM_OK && alloc != st->alloc_milli)
        err = sim_diag_set(diag, SIM_ERR_CHECK, NULL, 0, NULL,
                           "allocations sum to %lld milli but usage is %lld",
                           (long long)alloc, (long long)st->alloc_milli);
    free(seg);
    return err;
}
