/*
 * test_kbench.c — unit tests of the kernel timing module's library parts:
 * order statistics, the CSV record (format, quoting, parse round trip,
 * errors) and the GEMM shape grid.  The backends themselves are exercised by
 * tests/kbench_e2e.sh, which runs the program.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "sim/kbench/kbench.h"
#include "sim/kbench/kbench_csv.h"
#include "sim/kbench/kbench_grid.h"
#include "sim/kbench/kbench_stats.h"
#include "tests/unit/assert_close.h"

/* ---- statistics --------------------------------------------------------- */

static void test_stats_even_count(void **state)
{
    (void)state;
    double x[10] = {10, 3, 7, 1, 9, 2, 8, 4, 6, 5};
    kbench_stats_t st;

    assert_int_equal(kbench_stats_compute(x, 10, &st), SIM_OK);
    assert_close(st.median, 5.5, 1e-15);
    assert_close(st.p10, 1.9, 1e-15); /* type 7: 1 + 0.9 * (2 - 1) */
    assert_close(st.p90, 9.1, 1e-15);
    assert_close(st.min, 1.0, 0);
    assert_close(st.max, 10.0, 0);
    assert_close(st.mean, 5.5, 1e-15);
    for (int i = 1; i < 10; i++) /* sorted in place */
        assert_true(x[i - 1] <= x[i]);
}

static void test_stats_odd_and_single(void **state)
{
    (void)state;
    double x[5] = {0.004, 0.001, 0.100, 0.002, 0.003};
    double one[1] = {2.5e-6};
    kbench_stats_t st;

    assert_int_equal(kbench_stats_compute(x, 5, &st), SIM_OK);
    assert_close(st.median, 0.003, 1e-15); /* the outlier does not move it */
    assert_close(st.mean, 0.022, 1e-12);
    assert_close(st.p90, 0.004 + 0.6 * (0.100 - 0.004), 1e-12);
    assert_int_equal(kbench_stats_compute(one, 1, &st), SIM_OK);
    assert_close(st.median, 2.5e-6, 0);
    assert_close(st.p10, 2.5e-6, 0);
    assert_close(st.p90, 2.5e-6, 0);
}

static void test_stats_errors(void **state)
{
    (void)state;
    double x[3] = {1.0, NAN, 2.0};
    kbench_stats_t st;

    assert_int_equal(kbench_stats_compute(x, 0, &st), SIM_ERR_RANGE);
    assert_int_equal(kbench_stats_compute(x, 3, &st), SIM_ERR_RANGE);
}

/* ---- CSV --------------------------------------------------------------- */

static kbench_row_t sample_row(void)
{
    kbench_device_t dev = {"NVIDIA H100 80GB HBM3", "9.0", 1980.0, 132};
    kbench_case_t c = {KBENCH_GEMM, KBENCH_BF16, 4096, 4096, 4096};
    double times[4] = {2.0e-4, 1.0e-4, 1.5e-4, 1.0e-4};
    kbench_sample_t s = {times, 4, 3, 0, 0};
    kbench_row_t row;

    s.flops = kbench_gemm_flops(c.m, c.n, c.k);
    s.bytes = kbench_gemm_bytes(c.dtype, c.m, c.n, c.k);
    assert_int_equal(kbench_row_fill(&row, "cuda", &dev, &c, &s,
                                     "2025-01-02T03:04:05Z"),
                     SIM_OK);
    return row;
}

static void test_row_fill_rates(void **state)
{
    (void)state;
    kbench_row_t r = sample_row();

    assert_string_equal(r.kernel, "gemm");
    assert_string_equal(r.dtype, "bf16");
    assert_close(r.time_s, 1.25e-4, 1e-15); /* median of 1, 1, 1.5, 2 (e-4) */
    assert_close(r.tflops, 2.0 * 4096.0 * 4096 * 4096 / 1.25e-4 / 1e12, 1e-12);
    assert_close(r.bytes, 3.0 * 4096 * 4096 * 2, 0);
    assert_close(r.gbps, r.bytes / 1.25e-4 / 1e9, 1e-12);
    assert_close(r.time_min_s, 1.0e-4, 0);
    assert_close(r.time_max_s, 2.0e-4, 0);
    assert_int_equal(r.reps, 4);
    assert_int_equal(r.inner, 3);
    assert_int_equal(r.units, 132);
}

static void test_row_fill_rejects_zero_time(void **state)
{
    (void)state;
    kbench_device_t dev = {"cpu", "x86_64", 0, 1};
    kbench_case_t c = {KBENCH_LAUNCH, KBENCH_FP32, 0, 0, 0};
    double times[2] = {0.0, 0.0};
    kbench_sample_t s = {times, 2, 1, 0, 0};
    kbench_row_t row;

    assert_int_equal(kbench_row_fill(&row, "cpu", &dev, &c, &s, NULL),
                     SIM_ERR_RANGE);
    s.reps = 0;
    assert_int_equal(kbench_row_fill(&row, "cpu", &dev, &c, &s, NULL),
                     SIM_ERR_RANGE);
}

static void test_csv_format_exact(void **state)
{
    (void)state;
    kbench_row_t r = sample_row();
    char buf[512];
    const char *want =
        "cuda,NVIDIA H100 80GB HBM3,gemm,bf16,4096,4096,4096,100663296,4,"
        "0.000125,1099.51,805.306,0.0001,0.0002,0.0001,0.000185,3,132,1980,"
        "9.0,2025-01-02T03:04:05Z\n";
    size_t need = kbench_csv_format_row(&r, buf, sizeof buf);

    assert_string_equal(buf, want);
    assert_int_equal(need, strlen(want));
}

static void test_csv_quoting_and_truncation(void **state)
{
    (void)state;
    kbench_row_t r = sample_row();
    char buf[512], tiny[8];

    snprintf(r.device, sizeof r.device, "Xeon, \"Gold\" 6430");
    kbench_csv_format_row(&r, buf, sizeof buf);
    assert_non_null(strstr(buf, "cuda,\"Xeon, \"\"Gold\"\" 6430\",gemm,"));

    size_t need = kbench_csv_format_row(&r, tiny, sizeof tiny);
    assert_int_equal(need, strlen(buf));
    assert_int_equal(strlen(tiny), sizeof tiny - 1);
    assert_memory_equal(tiny, buf, sizeof tiny - 1);
}

static void test_csv_header(void **state)
{
    (void)state;
    sim_diag_t d = SIM_DIAG_INIT;

    assert_int_equal(strncmp(KBENCH_CSV_HEADER,
                             "backend,device,kernel,dtype,m,n,k,bytes,reps,"
                             "time_s,tflops,gbps,",
                             strlen(KBENCH_CSV_BASE_HEADER) + 1),
                     0);
    assert_int_equal(kbench_csv_check_header(KBENCH_CSV_HEADER "\n", "a.csv", &d),
                     SIM_OK);
    assert_int_equal(kbench_csv_check_header(KBENCH_CSV_BASE_HEADER ",source",
                                             "a.csv", &d),
                     SIM_OK);
    assert_int_equal(kbench_csv_check_header("backend,device,kernel", "a.csv", &d),
                     SIM_ERR_INPUT);
    assert_int_equal(d.line, 1);
    sim_diag_clear(&d);
    assert_int_equal(kbench_csv_check_header(KBENCH_CSV_BASE_HEADER "x", "a.csv", &d),
                     SIM_ERR_INPUT);
}

static void test_csv_round_trip(void **state)
{
    (void)state;
    kbench_row_t r = sample_row(), back;
    char buf[512];
    sim_diag_t d = SIM_DIAG_INIT;

    snprintf(r.device, sizeof r.device, "A \"quoted\", name");
    kbench_csv_format_row(&r, buf, sizeof buf);
    assert_int_equal(kbench_csv_parse_row(buf, &back, "x.csv", 2, &d), SIM_OK);
    assert_string_equal(back.device, "A \"quoted\", name");
    assert_string_equal(back.backend, "cuda");
    assert_int_equal(back.m, 4096);
    assert_int_equal(back.reps, 4);
    assert_close(back.bytes, r.bytes, 0);
    assert_close(back.time_s, r.time_s, 1e-9);
    assert_close(back.tflops, r.tflops, 1e-5); /* %.6g */
    assert_close(back.gbps, r.gbps, 1e-5);
}

static void test_csv_parse_published(void **state)
{
    (void)state;
    kbench_row_t r;
    sim_diag_t d = SIM_DIAG_INIT;
    /* A row of workloads/calibration/h800-deepgemm-fp8.csv: empty reps,
     * extra source column. */
    const char *line =
        "published,H800-SXM5,gemm,fp8_e4m3,64,2112,7168,15867904,,9.4066e-06,"
        "206,1687,\"DeepGEMM README, commit 989c9e3\"\r\n";

    assert_int_equal(kbench_csv_parse_row(line, &r, NULL, 2, &d), SIM_OK);
    assert_int_equal(r.reps, 0);
    assert_close(r.time_s, 9.4066e-06, 0);
    assert_close(r.tflops, 206, 0);

    /* Empty rates are derived from the time. */
    assert_int_equal(kbench_csv_parse_row("x,d,gemm,fp16,2,3,4,10,1,1e-9,,", &r,
                                          NULL, 3, &d),
                     SIM_OK);
    assert_close(r.tflops, 2.0 * 2 * 3 * 4 / 1e-9 / 1e12, 1e-12);
    assert_close(r.gbps, 10.0 / 1e-9 / 1e9, 1e-12);
}

static void test_csv_parse_errors(void **state)
{
    (void)state;
    kbench_row_t r;
    sim_diag_t d = SIM_DIAG_INIT;

    assert_int_equal(kbench_csv_parse_row("cpu,x,gemm,fp32,1,2,3", &r, "f.csv",
                                          7, &d),
                     SIM_ERR_INPUT);
    assert_int_equal(d.line, 7);
    assert_string_equal(d.file, "f.csv");
    assert_string_equal(d.key, "bytes");

    sim_diag_clear(&d);
    assert_int_equal(kbench_csv_parse_row("cpu,x,gemm,fp32,1,2x,3,4,5,1e-3,1,1",
                                          &r, "f.csv", 8, &d),
                     SIM_ERR_INPUT);
    assert_string_equal(d.key, "n");

    sim_diag_clear(&d);
    assert_int_equal(kbench_csv_parse_row("cpu,x,gemm,fp32,1,2,3,4,5,0,1,1", &r,
                                          "f.csv", 9, &d),
                     SIM_ERR_INPUT);
    assert_string_equal(d.key, "time_s");

    sim_diag_clear(&d);
    assert_int_equal(kbench_csv_parse_row("cpu,\"x,gemm,fp32,1,2,3,4,5,1,1,1", &r,
                                          "f.csv", 10, &d),
                     SIM_ERR_INPUT);
}

/* ---- grid and names ----------------------------------------------------- */

static void test_grid_decode_full(void **state)
{
    (void)state;
    kbench_case_list_t l = {0};

    assert_int_equal(kbench_grid_gemm(&l, KBENCH_SHAPES_DECODE, 0, 0,
                                      KBENCH_DTYPE_BIT(KBENCH_BF16)),
                     SIM_OK);
    assert_int_equal(l.n, 9 * 4); /* m = 1..256 (9) x four weight shapes */
    assert_int_equal(l.v[0].m, 1);
    assert_int_equal(l.v[0].n, 4096);
    assert_int_equal(l.v[0].k, 4096);
    assert_int_equal(l.v[8].m, 256);
    assert_int_equal(l.v[9].n, 14336);
    for (size_t i = 0; i < l.n; i++) {
        assert_int_equal(l.v[i].kernel, KBENCH_GEMM);
        assert_int_equal(l.v[i].dtype, KBENCH_BF16);
        assert_true(l.v[i].m >= 1 && l.v[i].m <= 256);
    }
    kbench_cases_destroy(&l);
    assert_null(l.v);
    assert_int_equal(l.n, 0);
}

static void test_grid_train_and_dtype_order(void **state)
{
    (void)state;
    kbench_case_list_t l = {0};
    unsigned mask = KBENCH_DTYPE_BIT(KBENCH_FP8) | KBENCH_DTYPE_BIT(KBENCH_FP32);

    assert_int_equal(kbench_grid_gemm(&l, KBENCH_SHAPES_TRAIN, 0, 0, mask), SIM_OK);
    /* 5 squares + 6 layer shapes x 2 m, minus (8192, 8192, 8192) seen twice */
    assert_int_equal(l.n, 2 * (5 + 12 - 1));
    assert_int_equal(l.v[0].dtype, KBENCH_FP32); /* enum order, not mask order */
    assert_int_equal(l.v[l.n - 1].dtype, KBENCH_FP8);
    for (size_t i = 0; i < l.n; i++)
        assert_true(l.v[i].m >= 1024);
    kbench_cases_destroy(&l);
}

static void test_grid_cap_dedupes(void **state)
{
    (void)state;
    kbench_case_list_t l = {0};

    assert_int_equal(kbench_grid_gemm(&l, KBENCH_SHAPES_ALL, 0, 512,
                                      KBENCH_DTYPE_BIT(KBENCH_FP64)),
                     SIM_OK);
    /* decode: m 1..256 with every weight shape clamped to 512 x 512 -> 9;
     * train: everything becomes 512^3 -> 1 */
    assert_int_equal(l.n, 10);
    for (size_t i = 0; i < l.n; i++)
        for (size_t j = i + 1; j < l.n; j++)
            assert_false(l.v[i].m == l.v[j].m && l.v[i].n == l.v[j].n &&
                         l.v[i].k == l.v[j].k);
    assert_int_equal(l.v[9].m, 512);
    kbench_cases_destroy(&l);

    assert_int_equal(kbench_grid_gemm(&l, KBENCH_SHAPES_ALL, 1, 0,
                                      KBENCH_DTYPE_BIT(KBENCH_FP32)),
                     SIM_OK);
    assert_int_equal(l.n, 4); /* quick: 3 decode + 1 square */
    kbench_cases_destroy(&l);
    kbench_cases_destroy(NULL);
}

static void test_gemm_counts(void **state)
{
    (void)state;
    assert_close(kbench_gemm_flops(64, 2112, 7168), 2.0 * 64 * 2112 * 7168, 0);
    /* DeepGEMM's published bytes for 64 x 2112 x 7168 FP8 */
    assert_close(kbench_gemm_bytes(KBENCH_FP8, 64, 2112, 7168), 15867904, 0);
    assert_close(kbench_gemm_bytes(KBENCH_FP32, 2, 3, 4), 4.0 * (8 + 12 + 6), 0);
    assert_close(kbench_gemm_bytes(KBENCH_FP64, 2, 3, 4), 8.0 * (8 + 12 + 6), 0);
}

static void test_names_and_parsing(void **state)
{
    (void)state;
    unsigned mask = 0;
    kbench_shapes_t sh;
    sim_diag_t d = SIM_DIAG_INIT;

    assert_string_equal(kbench_kernel_name(KBENCH_TRIAD), "triad");
    assert_string_equal(kbench_kernel_name(KBENCH_KERNEL__COUNT), "?");
    assert_string_equal(kbench_dtype_name(KBENCH_FP8), "fp8_e4m3");
    assert_int_equal(kbench_dtype_size(KBENCH_TF32), 4);

    assert_int_equal(kbench_dtypes_parse("fp32,tf32,fp16,bf16,fp8", &mask, &d), SIM_OK);
    assert_int_equal(mask, 0x1fu);
    assert_int_equal(kbench_dtypes_parse("fp8_e4m3,fp64", &mask, &d), SIM_OK);
    assert_int_equal(mask, KBENCH_DTYPE_BIT(KBENCH_FP8) | KBENCH_DTYPE_BIT(KBENCH_FP64));
    assert_int_equal(kbench_dtypes_parse("fp32,int8", &mask, &d), SIM_ERR_USAGE);
    assert_string_equal(d.key, "--dtypes");
    assert_non_null(strstr(d.msg, "'int8'"));
    sim_diag_clear(&d);
    assert_int_equal(kbench_dtypes_parse("", &mask, &d), SIM_ERR_USAGE);
    sim_diag_clear(&d);
    assert_int_equal(kbench_dtypes_parse("fp32,", &mask, &d), SIM_ERR_USAGE);

    assert_int_equal(kbench_shapes_parse("train", &sh, NULL), SIM_OK);
    assert_int_equal(sh, KBENCH_SHAPES_TRAIN);
    assert_int_equal(kbench_shapes_parse("all", &sh, NULL), SIM_OK);
    assert_int_equal(sh, KBENCH_SHAPES_ALL);
    assert_int_equal(kbench_shapes_parse("prefill", &sh, NULL), SIM_ERR_USAGE);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_stats_even_count),
        cmocka_unit_test(test_stats_odd_and_single),
        cmocka_unit_test(test_stats_errors),
        cmocka_unit_test(test_row_fill_rates),
        cmocka_unit_test(test_row_fill_rejects_zero_time),
        cmocka_unit_test(test_csv_format_exact),
        cmocka_unit_test(test_csv_quoting_and_truncation),
        cmocka_unit_test(test_csv_header),
        cmocka_unit_test(test_csv_round_trip),
        cmocka_unit_test(test_csv_parse_published),
        cmocka_unit_test(test_csv_parse_errors),
        cmocka_unit_test(test_grid_decode_full),
        cmocka_unit_test(test_grid_train_and_dtype_order),
        cmocka_unit_test(test_grid_cap_dedupes),
        cmocka_unit_test(test_gemm_counts),
        cmocka_unit_test(test_names_and_parsing),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
