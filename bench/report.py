#!/usr/bin/env python3
"""Turns one bench run (a folder of LoadGen JSON files) into bench/results/<date>.md, .json, .png.

Every gateway figure is reported as "gateway minus direct-to-mock" from the same run, percentile
by percentile; absolute figures are in the JSON."""
import glob, json, os, platform, re, subprocess, sys

PCTS = [("p50", "p50"), ("p90", "p90"), ("p99", "p99"), ("p999", "p99.9")]
NAMES = {"gantry": "Gantry", "gantry-ollama": "Gantry (OpenAI→Ollama translation)",
         "gantry-governed": "Gantry with a virtual key: rate limits + budget + spend (priced model)", "litellm": "LiteLLM",
         "portkey": "Portkey", "bifrost": "Bifrost", "direct": "direct to mock"}


def load(work):
    runs = {}
    for path in glob.glob(os.path.join(work, "*--*.json")):
        target, scenario = os.path.basename(path)[:-5].split("--", 1)
        with open(path) as f:
            data = json.load(f)
        data.pop("latency_hdr", None)
        runs.setdefault(target, {})[scenario] = data
    return runs


def machine():
    cpu = "unknown"
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = ""
    try:
        kb = int(re.search(r"MemTotal:\s+(\d+)", open("/proc/meminfo").read()).group(1))
        mem = f"{kb / 1024 / 1024:.0f} GiB"
    except Exception:
        pass
    java = subprocess.run(["java", "-version"], capture_output=True, text=True).stderr.splitlines()
    return {"cpu": cpu, "cores": os.cpu_count(), "memory": mem, "kernel": platform.release(),
            "java": java[0] if java else "?"}


def fmt(x):
    return "–" if x is None else f"{x:.3f}"


def added(runs, target, scenario, key, pct):
    try:
        return runs[target][scenario][key][pct] - runs["direct"][scenario][key][pct]
    except (KeyError, TypeError):
        return None


def gateways(runs):
    order = ["gantry", "gantry-governed", "litellm", "portkey", "bifrost", "gantry-ollama"]
    return [t for t in order if t in runs]


def errors_of(run):
    if not run:
        return "–"
    return f"{run.get('errors', 0)}/{run.get('sent', 0)}"


def write_markdown(runs, work, out, facts):
    rates = sorted({int(s.split("-")[1]) for t in runs.values() for s in t if s.startswith("latency-")})
    stream_scen = next((s for s in runs.get("direct", {}) if s.startswith("stream-")), None)
    lines = [f"# Gantry benchmark, {os.path.basename(out)}", "",
             f"Machine: {facts['cpu']}, {facts['cores']} cores, {facts['memory']}, Linux {facts['kernel']}, {facts['java']}. "
             "Mock, gateway and load generator share these cores; compare ratios from one run, not across runs.", "",
             "Method: open-loop load (fixed arrival rate, latency from each request's intended send time, HdrHistogram), "
             "the same mock upstream, load and client for every target, one target after the other. "
             "**Added** = gateway percentile minus direct-to-mock percentile, same run. Times in ms.", ""]
    for r in rates:
        scen = f"latency-{r}"
        lines += [f"## Added latency, non-streaming, {r} req/s", "",
                  "| target | p50 | p90 | p99 | p99.9 | errors |", "| --- | --- | --- | --- | --- | --- |"]
        d = runs.get("direct", {}).get(scen)
        if d:
            lines.append("| direct to mock (absolute) | " + " | ".join(fmt(d["latency_ms"][p]) for p, _ in PCTS) + f" | {errors_of(d)} |")
        for t in gateways(runs):
            if scen in runs[t]:
                lines.append(f"| {NAMES.get(t, t)} | " + " | ".join(fmt(added(runs, t, scen, 'latency_ms', p)) for p, _ in PCTS)
                             + f" | {errors_of(runs[t][scen])} |")
        lines.append("")
    if stream_scen:
        lines += [f"## Streaming (20 chunks), {stream_scen.split('-')[1]} req/s: added time to first and last byte", "",
                  "| target | TTFB p50 | TTFB p99 | TTLB p50 | TTLB p99 | errors |", "| --- | --- | --- | --- | --- | --- |"]
        d = runs["direct"][stream_scen]
        lines.append("| direct to mock (absolute) | " + " | ".join(fmt(d[k][p]) for k in ("ttfb_ms", "ttlb_ms") for p in ("p50", "p99"))
                     + f" | {errors_of(d)} |")
        for t in gateways(runs):
            if stream_scen in runs[t]:
                lines.append(f"| {NAMES.get(t, t)} | " + " | ".join(fmt(added(runs, t, stream_scen, k, p))
                             for k in ("ttfb_ms", "ttlb_ms") for p in ("p50", "p99")) + f" | {errors_of(runs[t][stream_scen])} |")
        lines.append("")
    lines += ["## Maximum sustained throughput (non-streaming; errors < 0.1 %, p99 within the bound)", "",
              "| target | req/s | p99 bound (ms) |", "| --- | --- | --- |"]
    for t in ["direct"] + gateways(runs):
        m = runs.get(t, {}).get("max")
        if m:
            lines.append(f"| {NAMES.get(t, t)} | {m.get('max_sustained_rps', 0):.0f} | {m.get('p99_bound_ms')} |")
    lines += [""]
    mem = runs.get("gantry", {}).get("memory")
    lines += ["## Gantry memory and start-up", ""]
    if mem:
        lines += [f"- RSS idle after the latency runs: {mem['idle_rss_kb'] / 1024:.0f} MB",
                  f"- RSS with {mem.get('open_client_connections', '?')} slow streams open at once: {mem['streams_rss_kb'] / 1024:.0f} MB",
                  f"- Leak check: RSS {mem['leak_rss_before_kb'] / 1024:.0f} MB before and {mem['leak_rss_after_kb'] / 1024:.0f} MB after "
                  f"{mem['leak_requests']:,} more requests"]
        slow = runs.get("gantry", {}).get("slow-streams")
        if slow:
            lines.append(f"- Slow streams completed: {slow.get('ok')}/{slow.get('sent')}")
        leak = runs.get("gantry", {}).get("leak")
        if leak:
            lines.append(f"- Leak run: {leak.get('ok'):,}/{leak.get('sent'):,} ok at {leak.get('achieved_rps', 0):.0f} req/s, "
                         f"p99 {fmt(leak['latency_ms']['p99'])} ms")
    st = runs.get("gantry", {}).get("startup")
    if st:
        lines.append(f"- Start-up ({st['runs']} runs, median [min–max]): /health/live after {st['live_ms']['median']:.0f} ms "
                     f"[{st['live_ms']['min']:.0f}–{st['live_ms']['max']:.0f}], first served request after "
                     f"{st['first_request_ms']['median']:.0f} ms [{st['first_request_ms']['min']:.0f}–{st['first_request_ms']['max']:.0f}]")
    for t in gateways(runs):
        pm = runs[t].get("memory")
        if t not in ("gantry", "gantry-ollama") and pm:
            lines.append(f"- {NAMES.get(t, t)} RSS after its runs (all processes): {pm['rss_kb'] / 1024:.0f} MB")
    lines.append("")
    peers_file = os.path.join(work, "peers.txt")
    if os.path.exists(peers_file) and os.path.getsize(peers_file) > 0:
        lines += ["## Peers in this run", "", "| peer | status |", "| --- | --- |"]
        for line in open(peers_file):
            parts = line.rstrip("\n").split("\t")
            lines.append(f"| {parts[0]} | {' '.join(parts[1:])} |")
        lines.append("")
    else:
        lines += ["Peers were not run (`bench/run --peers` runs them).", ""]
    if os.path.exists(out + ".png"):
        lines += [f"![added latency and throughput]({os.path.basename(out)}.png)", ""]
    with open(out + ".md", "w") as f:
        f.write("\n".join(lines))


def plot(runs, out):
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return False
    gws = [t for t in gateways(runs) if t not in ("gantry-ollama", "gantry-governed")]
    rate = 500 if any("latency-500" in runs[t] for t in gws) else None
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(12, 4.5))
    if rate:
        width = 0.8 / max(1, len(gws))
        for i, t in enumerate(gws):
            vals = [max(0.0, added(runs, t, f"latency-{rate}", "latency_ms", p) or 0.0) for p, _ in PCTS]
            xs = [j + i * width for j in range(len(PCTS))]
            ax1.bar(xs, vals, width, label=NAMES.get(t, t))
        ax1.set_xticks([j + width * (len(gws) - 1) / 2 for j in range(len(PCTS))])
        ax1.set_xticklabels([n for _, n in PCTS])
        ax1.set_yscale("log")
        ax1.set_ylabel("added latency, ms (log)")
        ax1.set_title(f"Added latency at {rate} req/s (non-streaming)")
        ax1.legend()
    names, vals = [], []
    for t in ["direct"] + gws:
        m = runs.get(t, {}).get("max")
        if m:
            names.append(NAMES.get(t, t))
            vals.append(m.get("max_sustained_rps", 0))
    ax2.bar(names, vals, color="tab:gray")
    ax2.set_ylabel("req/s")
    ax2.set_title("Max sustained throughput")
    fig.tight_layout()
    fig.savefig(out + ".png", dpi=110)
    return True


def main():
    work, out = sys.argv[1], sys.argv[2]
    runs = load(work)
    facts = machine()
    plot(runs, out)
    write_markdown(runs, work, out, facts)
    with open(out + ".json", "w") as f:
        json.dump({"machine": facts, "runs": runs}, f, indent=1, sort_keys=True)
    print(open(out + ".md").read())


if __name__ == "__main__":
    main()
