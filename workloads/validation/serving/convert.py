#!/usr/bin/env python3
"""convert.py — build serving.csv (and the vLLM request files) from the
measured runs in the project's research snapshot.  Run once by hand:

    python3 convert.py /path/to/shared/data/profiling > serving.csv

Static-batch rows (PipeWeave e2e/real/e2e_*.jsonl): one row per run name
and GPU; the measured end-to-end time is the median total_latency of the
five repetitions (the first repetition includes warm-up).  prompt_tokens is
total_prefill_tokens / batch_size (rounded), output_tokens is output_len.
vLLM rows (LLMServingSim vllm_requests.jsonl): one row per hardware/model,
with the engine settings from vllm_meta.json and a request file
vllm-<hw>-<model>.csv (arrival_s re-based to the first arrival,
prompt, output); measured TTFT = first_token_ts - queued_ts, TPOT =
(last_token_ts - first_token_ts) / (output - 1), medians over requests.
GPUs outside the catalog carry their own description (peak_bf16_tflops,
hbm_GBps, mem_GB, sm_count, the BF16 GEMM timings gemm_csv their GEMM
curve is fitted on, and for TP > 1 the all-reduce times ar_csv measured on
that machine at several sizes, or else an all-reduce link ar_GBps,
ar_latency_us; sources in SOURCE.md).  ep: the expert-parallel DP ranks
of a MoE run (data_parallel_size when enable_expert_parallel), 1 else."""
import glob, json, os, statistics, sys

root = sys.argv[1]
MODELS = {"Qwen2.5-14B": "qwen2.5-14b", "Qwen3-32B": "qwen3-32b",
          "Llama-3.1-70B": "llama3-70b", "Llama-3.1-8B": "llama3-8b",
          "Qwen3-30B-A3B-Instruct-2507": "qwen3-30b-a3b"}
# Devices outside the catalog: dense BF16 tensor peak (FP32 accumulate),
# memory bandwidth, capacity, SM count, GEMM timings, all-reduce link
# (GB/s, us; 0 = none) and measured all-reduce times; see SOURCE.md.
EXTRA = {"RTX4090": (165.2, 1008, 25.25, 128, "llmservingsim-rtx4090-bf16-gemm.csv", 0, 0, ""),
         "RTXPRO6000": (467.8, 1597.6, 101.97, 188, "llmservingsim-rtxpro6000-bf16-gemm.csv",
                        0, 0, "llmservingsim-rtxpro6000-allreduce-20260908.csv")}
print("kind,name,gpu,model,tp,batch,prompt_tokens,output_tokens,"
      "max_num_seqs,max_batched_tokens,kv_blocks,requests_file,"
      "measured_e2e_s,measured_ttft_p50_s,measured_tpot_p50_s,"
      "peak_bf16_tflops,hbm_GBps,mem_GB,sm_count,gemm_csv,ar_GBps,ar_latency_us,ar_csv,ep")
for path in sorted(glob.glob(os.path.join(root, "pipeweave/e2e/real/e2e_*.jsonl"))):
    base = os.path.basename(path)[4:-6]
    tp, gpu = 1, base
    if base.startswith("tp"):
        tp, gpu = int(base[2:base.index("_")]), base[base.index("_") + 1:]
    if gpu not in ("A100", "H100", "H200", "H800", "H20"):
        continue  # datacenter GPUs of the catalog only (target: 15 %)
    runs = {}
    for line in open(path):
        if line.strip():
            r = json.loads(line)
            runs.setdefault(r["run_name"], []).append(r)
    for name, reps in sorted(runs.items()):
        model = name.rsplit("-", 1)[0]
        if model not in MODELS:
            continue
        r0 = reps[0]
        med = statistics.median(x["total_latency"] for x in reps)
        b = r0["batch_size"]
        print(f"static,{gpu}-tp{tp}-{name},{gpu},{MODELS[model]},{tp},{b},"
              f"{round(r0['total_prefill_tokens'] / b)},{r0['output_len']},"
              f"{b},0,0,,{med:.6f},,,0,0,0,0,,0,0,,1")
for meta in sorted(glob.glob(os.path.join(root, "llmservingsim-vllm-runs/*/*/vllm_meta.json"))):
    d = os.path.dirname(meta)
    hw, model = d.split(os.sep)[-2], d.split(os.sep)[-1]
    if model not in MODELS:
        continue
    m = json.load(open(meta))
    kw = m["engine_kwargs"]
    reqs = [json.loads(l) for l in open(os.path.join(d, "vllm_requests.jsonl")) if l.strip()]
    reqs.sort(key=lambda r: r["arrival_time"])
    t0 = reqs[0]["arrival_time"]
    fname = f"vllm-{hw}-{MODELS[model]}.csv"
    with open(fname, "w") as f:
        f.write("arrival_s,prompt,output\n")
        for r in reqs:
            f.write(f"{r['arrival_time'] - t0:.6f},{r['input_toks']},{r['output_toks']}\n")
    ttft = statistics.median(r["first_token_ts"] - r["queued_ts"] for r in reqs)
    tpot = statistics.median((r["last_token_ts"] - r["first_token_ts"]) / (r["output_toks"] - 1)
                             for r in reqs if r["output_toks"] > 1)
    kv = m.get("kv_cache", {}).get("num_gpu_blocks", 0) if isinstance(m.get("kv_cache"), dict) else 0
    pk, bw, mem, sms, gcsv, arbw, arlat, arcsv = EXTRA[hw]
    ep = kw.get("data_parallel_size", 1) if kw.get("enable_expert_parallel") else 1
    print(f"vllm,{hw}-{MODELS[model]},{hw},{MODELS[model]},{kw['tensor_parallel_size']},0,0,0,"
          f"{kw['max_num_seqs']},{kw['max_num_batched_tokens']},{kv},{fname},,"
          f"{ttft:.6f},{tpot:.6f},{pk},{bw},{mem},{sms},{gcsv},{arbw},{arlat},{arcsv},{ep}")
