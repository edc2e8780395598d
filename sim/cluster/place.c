/*
 * place.c — placement policies: which node(s) and GPUs a job gets.
 *
 *  best-fit   least free capacity left, as the sum of the node's free GPU
 *             share and free CPU share after placement (the FGD paper's
 *             Best-fit baseline scores all resource dimensions, §6.1);
 *             a share goes to the tightest GPU that holds it.
 *  worst-fit  the most capacity left; a share to the emptiest GPU.
 *  topo-pack  a gang inside the one segment (NVLink domain / ToR group of
 *             segment_nodes nodes) with the fewest free nodes that still
 *             holds it; single-node jobs as best-fit.
 *  fgd        the node (and GPU) whose F_n(M) grows least (Weng et al.,
 *             ATC'23, Alg. 1); gangs as best-fit (the paper has none).
 *
 * Fast path: with no GPU shares in the workload and best/worst/topo
 * placement, a whole-GPU job takes the first fitting node of the lowest
 * (best) or highest (worst) bucket of fully-free GPU count: O(GPUs per
 * node) instead of O(nodes).  Ties in the scan go to the lowest node index.
 */
#include <stdlib.h>
#include <string.h>

#include "sim/cluster/cluster_int.h"

/* Memo of FGD scores by node state, for one placement decision: nodes in
 * the same state (model, CPU, memory, multiset of free shares) score the
 * same.  Only nodes of at most 8 GPUs are memoised. */
#define MEMO_SIZE 4096
typedef struct scl_memo {
    uint32_t epoch;
    int32_t model, ngpu;
    int64_t cpu, mem;
    int32_t sorted[8];
    double delta;
    int32_t choice_free; /* free share of the chosen GPU (shares) */
    bool fits;
} memo_t;

static bool model_ok(const scl_node_t *nd, uint32_t mask)
{
    return mask == 0 || (nd->model >= 0 && (mask & (1u << nd->model)));
}

/* Does a single-node request fit on node n (need GPUs, cpu, mem)? */
static bool fits(const scl_state_t *st, int32_t n, int32_t need, int32_t milli,
                 int64_t cpu, int64_t mem, uint32_t mask)
{
    const scl_node_t *nd = &st->node[n];
    if (!nd->up || !model_ok(nd, mask) || nd->cpu_free < cpu || nd->mem_free < mem)
        return false;
    if (need == 0)
        return true;
    if (milli >= SCL_MILLI)
        return nd->nfull >= need;
    for (int32_t g = 0; g < nd->ngpu; g++)
        if (st->gfree[nd->gpu0 + g] >= milli)
            return true;
    return false;
}

/* Take need GPUs (lowest fully free ones) or GPU g for a share on node n. */
static scl_alloc_t take(scl_state_t *st, int32_t n, int32_t need, int32_t milli,
                        int32_t share_gpu, int64_t cpu, int64_t mem)
{
    scl_alloc_t a = {n, milli, 0, cpu, mem};
    const scl_node_t *nd = &st->node[n];
    if (need > 0 && milli < SCL_MILLI) {
        a.mask = UINT64_C(1) << share_gpu;
    } else {
        for (int32_t g = 0; g < nd->ngpu && need > 0; g++)
            if (st->gfree[nd->gpu0 + g] == SCL_MILLI) {
                a.mask |= UINT64_C(1) << g;
                need--;
            }
    }
    scl_retake(st, &a, 1);
    return a;
}

/* GPU for a share on node n: tightest (best) or emptiest (worst) fit. */
static int32_t share_gpu(const scl_state_t *st, int32_t n, int32_t milli, bool tightest)
{
    const scl_node_t *nd = &st->node[n];
    int32_t best = -1;
    for (int32_t g = 0; g < nd->ngpu; g++) {
        int32_t f = st->gfree[nd->gpu0 + g];
        if (f < milli)
            continue;
        if (best < 0 || (tightest ? f < st->gfree[nd->gpu0 + best] : f > st->gfree[nd->gpu0 + best]))
            best = g;
    }
    return best;
}

/* Free capacity left on node n after taking gpu_milli and cpu, as shares. */
static double left_after(const scl_state_t *st, int32_t n, int64_t gpu_milli, int64_t cpu)
{
    const scl_node_t *nd = &st->node[n];
    double s = 0;
    if (nd->ngpu > 0) {
        int64_t fr = 0;
        for (int32_t g = 0; g < nd->ngpu; g++)
            fr += st->gfree[nd->gpu0 + g];
        s += (double)(fr - gpu_milli) / ((double)nd->ngpu * SCL_MILLI);
    }
    if (nd->cpu_cap < SCL_UNLIMITED)
        s += (double)(nd->cpu_free - cpu) / (double)nd->cpu_cap;
    return s;
}

static int cmp_i32(const void *a, const void *b)
{
    int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;
    return (x > y) - (x < y);
}

/* FGD: the least growth of F_n(M) over the GPU choices on node n; the
 * chosen share GPU to *gpu.  Temporarily applies each choice. */
static double fgd_delta(scl_state_t *st, int32_t n, int32_t need, int32_t milli,
                        int64_t cpu, int64_t mem, int32_t *gpu)
{
    scl_node_t *nd = &st->node[n];
    double before = scl_frag_node(st, n), best = 0;
    *gpu = -1;
    if (need > 0 && milli < SCL_MILLI) {
        for (int32_t g = 0; g < nd->ngpu; g++) {
            int32_t f = st->gfree[nd->gpu0 + g];
            if (f < milli)
                continue;
            bool seen = false; /* equal shares give equal scores */
            for (int32_t h = 0; h < g; h++)
                seen |= st->gfree[nd->gpu0 + h] == f;
            if (seen)
                continue;
            scl_alloc_t a = {n, milli, UINT64_C(1) << g, cpu, mem};
            scl_retake(st, &a, 1);
            double d = scl_frag_node(st, n) - before;
            scl_release(st, &a, 1);
            if (*gpu < 0 || d < best) {
                best = d;
                *gpu = g;
            }
        }
        return best;
    }
    scl_alloc_t a = take(st, n, need, milli, 0, cpu, mem);
    best = scl_frag_node(st, n) - before;
    scl_release(st, &a, 1);
    return best;
}

static memo_t *memo_slot(scl_state_t *st, int32_t n, int32_t *sorted)
{
    const scl_node_t *nd = &st->node[n];
    if (nd->ngpu > 8)
        return NULL;
    if (st->memo == NULL && (st->memo = calloc(MEMO_SIZE, sizeof *st->memo)) == NULL)
        return NULL;
    memcpy(sorted, &st->gfree[nd->gpu0], (size_t)nd->ngpu * sizeof *sorted);
    qsort(sorted, (size_t)nd->ngpu, sizeof *sorted, cmp_i32);
    uint64_t h = 1469598103934665603ULL;
#define MIX(v) (h = (h ^ (uint64_t)(v)) * 1099511628211ULL)
    MIX(nd->model);
    MIX(nd->ngpu);
    MIX(nd->cpu_free);
    MIX(nd->mem_free);
    for (int32_t g = 0; g < nd->ngpu; g++)
        MIX(sorted[g]);
#undef MIX
    for (uint32_t probe = 0; probe < 16; probe++) {
        memo_t *m = &st->memo[(h + probe) & (MEMO_SIZE - 1)];
        if (m->epoch != st->memo_epoch)
            return m;
        if (m->model == nd->model && m->ngpu == nd->ngpu && m->cpu == nd->cpu_free &&
            m->mem == nd->mem_free &&
            memcmp(m->sorted, sorted, (size_t)nd->ngpu * sizeof *sorted) == 0)
            return m;
    }
    return NULL; /* crowded: compute without the memo */
}

/* Single-node placement by scan over all nodes. */
static bool place_scan(scl_state_t *st, const scl_req_t *r, scl_alloc_t *out)
{
    int32_t need = r->num_gpu, best_n = -1, best_g = -1;
    double best = 0;
    bool fgd = st->placement == SIM_CLUSTER_FGD, worst = st->placement == SIM_CLUSTER_WORST_FIT;
    if (fgd && ++st->memo_epoch == 0)
        st->memo_epoch = 1;
    for (int32_t n = 0; n < st->nnodes; n++) {
        if (!fits(st, n, need, r->milli, r->cpu, r->mem, r->mask))
            continue;
        double score;
        int32_t g = -1;
        if (fgd) {
            int32_t sorted[8];
            memo_t *m = memo_slot(st, n, sorted);
            if (m != NULL && m->epoch == st->memo_epoch) {
                score = m->delta;
                if (need > 0 && r->milli < SCL_MILLI)
                    for (g = 0; st->gfree[st->node[n].gpu0 + g] != m->choice_free; g++)
                        ;
            } else {
                score = fgd_delta(st, n, need, r->milli, r->cpu, r->mem, &g);
                if (m != NULL) {
                    m->epoch = st->memo_epoch;
                    m->model = st->node[n].model;
                    m->ngpu = st->node[n].ngpu;
                    m->cpu = st->node[n].cpu_free;
                    m->mem = st->node[n].mem_free;
                    memcpy(m->sorted, sorted, sizeof sorted);
                    m->delta = score;
                    m->choice_free = g >= 0 ? st->gfree[st->node[n].gpu0 + g] : 0;
                }
            }
        } else {
            score = left_after(st, n, scl_req_milli(r), r->cpu);
            if (worst)
                score = -score;
            if (need > 0 && r->milli < SCL_MILLI)
                g = share_gpu(st, n, r->milli, !worst);
        }
        if (best_n < 0 || score < best) {
            best = score;
            best_n = n;
            best_g = g;
        }
    }
    if (best_n < 0)
        return false;
    *out = take(st, best_n, need, r->milli, best_g, r->cpu, r->mem);
    return true;
}

/* Single-node whole-GPU placement through the buckets. */
static bool place_bucket(scl_state_t *st, int32_t need, int64_t cpu, int64_t mem,
                         uint32_t mask, int32_t seg, scl_alloc_t *out)
{
    bool worst = st->placement == SIM_CLUSTER_WORST_FIT;
    for (int32_t i = 0; i <= st->max_gpn - need; i++) {
        int32_t c = worst ? st->max_gpn - i : need + i;
        for (int32_t k = 0; k < st->blen[c]; k++) {
            int32_t n = st->bucket[c][k];
            if ((seg < 0 || st->node[n].seg == seg) && fits(st, n, need, SCL_MILLI, cpu, mem, mask)) {
                *out = take(st, n, need, SCL_MILLI, 0, cpu, mem);
                return true;
            }
        }
    }
    return false;
}

/* A gang: k nodes, max_gpn GPUs on each but the last.  topo-pack first
 * tries the segment with the fewest fully free nodes that has enough. */
static bool place_gang(scl_state_t *st, const scl_req_t *r, scl_alloc_t *out,
                       int32_t *nout, bool *cross)
{
    int32_t k = scl_req_nodes(st, r), rest = r->num_gpu - (k - 1) * st->max_gpn;
    int64_t cpu = r->cpu / k, mem = r->mem / k;
    int32_t seg = -1;
    if (st->placement == SIM_CLUSTER_TOPO_PACK) {
        for (int32_t s = 0; s < st->nsegs; s++)
            if (st->seg_full[s] >= k && (seg < 0 || st->seg_full[s] < st->seg_full[seg]))
                seg = s;
    }
    for (int attempt = 0; attempt < 2; attempt++) {
        int32_t got = 0;
        for (; got < k; got++) {
            int32_t need = got == k - 1 ? rest : st->max_gpn;
            if (!place_bucket(st, need, cpu, mem, r->mask, seg, &out[got]))
                break;
        }
        if (got == k) {
            *nout = k;
            *cross = false;
            for (int32_t i = 1; i < k; i++)
                *cross |= st->node[out[i].node].seg != st->node[out[0].node].seg;
            return true;
        }
        scl_release(st, out, got);
        if (seg < 0)
            return false;
        seg = -1; /* no segment holds it: span segments */
    }
    return false;
}

bool scl_place(scl_state_t *st, const scl_req_t *r, scl_alloc_t *out,
               int32_t *n, bool *cross_seg)
{
    *cross_seg = false;
    if (scl_req_nodes(st, r) > 1)
        return place_gang(st, r, out, n, cross_seg);
    *n = 1;
    if (!st->any_share && st->placement != SIM_CLUSTER_FGD && r->num_gpu > 0)
        return place_bucket(st, r->num_gpu, r->cpu, r->mem, r->mask, -1, out);
    return place_scan(st, r, out);
}
