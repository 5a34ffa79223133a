#!/usr/bin/env python3
"""Start-up time of a gateway process: time from spawn to GET /health/live answering 200, and to
the first chat completion served. Runs the command several times, each on a fresh port
(passed as GANTRY_PORT), and reports min/median/max in milliseconds."""
import argparse, http.client, json, os, socket, statistics, subprocess, sys, time

def free_port():
    s = socket.socket(); s.bind(("127.0.0.1", 0)); p = s.getsockname()[1]; s.close(); return p

def poll(port, method, path, body, headers, deadline):
    while time.monotonic() < deadline:
        try:
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            c.request(method, path, body=body, headers=headers)
            r = c.getresponse(); r.read(); c.close()
            if r.status == 200:
                return time.monotonic()
        except OSError:
            pass
        time.sleep(0.002)
    raise TimeoutError(f"{path} not 200 before the deadline")

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--json-out", required=True)
    ap.add_argument("--key", default=os.environ.get("GANTRY_MASTER_KEY", "sk-gantry-bench-master-key-0123456789"))
    ap.add_argument("--model", default="bench-model")
    ap.add_argument("cmd", nargs=argparse.REMAINDER)
    a = ap.parse_args()
    cmd = a.cmd[1:] if a.cmd and a.cmd[0] == "--" else a.cmd
    live, first = [], []
    body = json.dumps({"model": a.model, "messages": [{"role": "user", "content": "hi"}]})
    headers = {"content-type": "application/json", "authorization": "Bearer " + a.key}
    for _ in range(a.runs):
        port = free_port()
        env = dict(os.environ, GANTRY_PORT=str(port))
        t0 = time.monotonic()
        p = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            t_live = poll(port, "GET", "/health/live", None, {}, t0 + 60)
            t_first = poll(port, "POST", "/v1/chat/completions", body, headers, t0 + 60)
            live.append((t_live - t0) * 1000); first.append((t_first - t0) * 1000)
        finally:
            p.terminate()
            try:
                p.wait(20)
            except subprocess.TimeoutExpired:
                p.kill()
    stats = lambda xs: {"min": round(min(xs), 1), "median": round(statistics.median(xs), 1), "max": round(max(xs), 1)}
    out = {"runs": a.runs, "live_ms": stats(live), "first_request_ms": stats(first)}
    json.dump(out, open(a.json_out, "w"))
    print(json.dumps(out))

if __name__ == "__main__":
    main()
