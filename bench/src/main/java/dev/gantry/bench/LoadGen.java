package dev.gantry.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;

/**
 * Open-loop HTTP load generator. Requests are scheduled at a fixed arrival rate; each one's latency
 * is measured from its <em>intended</em> send time, so time spent waiting for a connection, in the
 * client queue or behind a stalled generator counts (no coordinated omission). Latencies go into
 * HdrHistograms in microseconds.
 *
 * <p>A pacer thread computes the schedule and hands due requests in batches to a few event-loop
 * workers; each worker owns its own HTTP/1.1 keep-alive pool and its own histograms, so the hot
 * path has no locks and no shared mutable state besides the in-flight counter.
 */
public final class LoadGen {

  static final long MAX_TRACKABLE_US = TimeUnit.HOURS.toMicros(1);
  static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  // ------------------------------------------------------------------ configuration

  record Config(
      URI url,
      HttpMethod method,
      Buffer body,
      MultiMap headers,
      boolean stream,
      int connections,
      int maxInFlight,
      int threads,
      long timeoutMs) {}

  // ------------------------------------------------------------------ per-phase statistics

  /** Statistics for one phase on one worker; touched only on that worker's event loop. */
  static final class Stats {
    final Histogram latency = new Histogram(MAX_TRACKABLE_US, 3);
    final Histogram ttfb = new Histogram(MAX_TRACKABLE_US, 3);
    final Histogram ttlb = new Histogram(MAX_TRACKABLE_US, 3);
    final Histogram sendLag = new Histogram(MAX_TRACKABLE_US, 3);
    long sent;
    long ok;
    long errors;
    long outstanding;
    final Map<String, Long> errorKinds = new TreeMap<>();
    final Map<String, String> errorSamples = new TreeMap<>();

    void error(String kind) {
      error(kind, null);
    }

    void error(String kind, Throwable cause) {
      errors++;
      errorKinds.merge(kind, 1L, Long::sum);
      if (cause != null && !errorSamples.containsKey(kind)) {
        errorSamples.put(kind, cause.getClass().getName() + ": " + cause.getMessage());
      }
    }

    /** A snapshot taken on the owning event loop, so late completions cannot change it. */
    Stats snapshot() {
      Stats s = new Stats();
      s.latency.add(latency);
      s.ttfb.add(ttfb);
      s.ttlb.add(ttlb);
      s.sendLag.add(sendLag);
      s.sent = sent;
      s.ok = ok;
      s.errors = errors;
      s.outstanding = outstanding;
      s.errorKinds.putAll(errorKinds);
      s.errorSamples.putAll(errorSamples);
      return s;
    }

    void merge(Stats o) {
      latency.add(o.latency);
      ttfb.add(o.ttfb);
      ttlb.add(o.ttlb);
      sendLag.add(o.sendLag);
      sent += o.sent;
      ok += o.ok;
      errors += o.errors;
      outstanding += o.outstanding;
      o.errorKinds.forEach((k, v) -> errorKinds.merge(k, v, Long::sum));
      o.errorSamples.forEach(errorSamples::putIfAbsent);
    }
  }

  static long us(long nanos) {
    long v = nanos / 1000;
    return v < 0 ? 0 : Math.min(v, MAX_TRACKABLE_US);
  }

  // ------------------------------------------------------------------ worker (one per event loop)

  static final class Worker extends VerticleBase {
    private final Config cfg;
    private final AtomicInteger inFlight;
    private final int poolSize;
    private final List<Worker> registry;
    private HttpClientAgent client;
    private RequestOptions options;

    Worker(Config cfg, AtomicInteger inFlight, int poolSize, List<Worker> registry) {
      this.cfg = cfg;
      this.inFlight = inFlight;
      this.poolSize = poolSize;
      this.registry = registry;
    }

    @Override
    public Future<?> start() {
      boolean ssl = "https".equalsIgnoreCase(cfg.url.getScheme());
      int port = cfg.url.getPort() > 0 ? cfg.url.getPort() : (ssl ? 443 : 80);
      HttpClientOptions co = new HttpClientOptions()
          .setProtocolVersion(HttpVersion.HTTP_1_1)
          .setKeepAlive(true)
          .setPipelining(false)
          .setTcpNoDelay(true)
          .setDecompressionSupported(false)
          .setKeepAliveTimeout(0)
          .setConnectTimeout((int) Math.min(Integer.MAX_VALUE, cfg.timeoutMs));
      if (ssl) {
        co.setSsl(true).setTrustAll(true).setVerifyHost(false);
      }
      PoolOptions po = new PoolOptions().setHttp1MaxSize(poolSize).setMaxWaitQueueSize(-1);
      client = vertx.httpClientBuilder().with(co).with(po).build();
      String uri = cfg.url.getRawPath() == null || cfg.url.getRawPath().isEmpty() ? "/" : cfg.url.getRawPath();
      if (cfg.url.getRawQuery() != null) {
        uri += "?" + cfg.url.getRawQuery();
      }
      options = new RequestOptions()
          .setMethod(cfg.method)
          .setHost(cfg.url.getHost())
          .setPort(port)
          .setSsl(ssl)
          .setURI(uri)
          .setHeaders(cfg.headers)
          .setConnectTimeout(cfg.timeoutMs)
          .setIdleTimeout(cfg.timeoutMs);
      registry.add(this);
      return Future.succeededFuture();
    }

    /** Runs on this worker's event loop: issue {@code n} requests with the given intended times. */
    void issue(long[] intended, int n, Stats warm, Stats measured, long measureStart) {
      for (int i = 0; i < n; i++) {
        long t = intended[i];
        Stats st = t >= measureStart ? measured : warm;
        st.sent++;
        if (inFlight.incrementAndGet() > cfg.maxInFlight) {
          inFlight.decrementAndGet();
          st.error("not_issued");
          continue;
        }
        st.outstanding++;
        st.sendLag.recordValue(us(System.nanoTime() - t));
        Call c = new Call(this, st, t);
        client.request(options).onComplete(c::onRequest);
      }
    }

    Stats snapshot(Stats s) {
      return s.snapshot();
    }

    Context ctx() {
      return context;
    }
  }

  /** One request/response exchange. */
  static final class Call {
    static final int TAIL = 1024;
    final Worker w;
    final Stats st;
    final long intended;
    boolean done;
    boolean first;
    int status;
    byte[] tail;
    int tailLen;

    Call(Worker w, Stats st, long intended) {
      this.w = w;
      this.st = st;
      this.intended = intended;
    }

    void onRequest(AsyncResult<HttpClientRequest> ar) {
      if (ar.failed()) {
        fail(kind(ar.cause()), ar.cause());
        return;
      }
      HttpClientRequest req = ar.result();
      Future<HttpClientResponse> f = w.cfg.body == null ? req.send() : req.send(w.cfg.body);
      f.onComplete(this::onResponse);
    }

    void onResponse(AsyncResult<HttpClientResponse> ar) {
      if (ar.failed()) {
        fail(kind(ar.cause()), ar.cause());
        return;
      }
      HttpClientResponse resp = ar.result();
      status = resp.statusCode();
      resp.handler(this::onData);
      resp.exceptionHandler(t -> fail(kind(t), t));
      resp.endHandler(v -> onEnd());
    }

    void onData(Buffer b) {
      if (!first) {
        first = true;
        if (w.cfg.stream && status == 200) {
          st.ttfb.recordValue(us(System.nanoTime() - intended));
        }
      }
      if (w.cfg.stream) {
        keepTail(b);
      }
    }

    private void keepTail(Buffer b) {
      if (tail == null) {
        tail = new byte[TAIL];
      }
      int len = b.length();
      if (len >= TAIL) {
        b.getBytes(len - TAIL, len, tail, 0);
        tailLen = TAIL;
      } else {
        int keep = Math.min(tailLen, TAIL - len);
        System.arraycopy(tail, tailLen - keep, tail, 0, keep);
        b.getBytes(0, len, tail, keep);
        tailLen = keep + len;
      }
    }

    void onEnd() {
      if (done) {
        return;
      }
      if (status != 200) {
        fail("status_" + status);
        return;
      }
      long now = System.nanoTime();
      if (w.cfg.stream) {
        if (!streamComplete()) {
          fail("incomplete_stream");
          return;
        }
        st.ttlb.recordValue(us(now - intended));
      }
      done = true;
      st.latency.recordValue(us(now - intended));
      st.ok++;
      st.outstanding--;
      w.inFlight.decrementAndGet();
    }

    void fail(String kind) {
      fail(kind, null);
    }

    void fail(String kind, Throwable cause) {
      if (done) {
        return;
      }
      done = true;
      st.error(kind, cause);
      st.outstanding--;
      w.inFlight.decrementAndGet();
    }

    /** Last non-empty line is {@code data: [DONE]} (SSE) or an object with {@code "done":true} (NDJSON). */
    boolean streamComplete() {
      if (tail == null) {
        return false;
      }
      int end = tailLen;
      while (end > 0 && (tail[end - 1] == '\n' || tail[end - 1] == '\r' || tail[end - 1] == ' ')) {
        end--;
      }
      int start = end;
      while (start > 0 && tail[start - 1] != '\n') {
        start--;
      }
      String line = new String(tail, start, end - start, StandardCharsets.UTF_8);
      if (line.equals("data: [DONE]") || line.equals("data:[DONE]")) {
        return true;
      }
      return line.contains("\"done\":true") || line.contains("\"done\": true");
    }

    static String kind(Throwable t) {
      String cls = t.getClass().getSimpleName();
      String msg = t.getMessage() == null ? "" : t.getMessage().toLowerCase(Locale.ROOT);
      if (t instanceof java.net.ConnectException || msg.contains("connection refused")) {
        return "connect_refused";
      }
      if (cls.contains("Timeout") || msg.contains("timeout") || msg.contains("timed out")) {
        return msg.contains("connect") ? "connect_timeout" : "timeout";
      }
      if (cls.contains("Closed") || msg.contains("closed")) {
        return "closed";
      }
      if (msg.contains("reset")) {
        return "reset";
      }
      return cls.isEmpty() ? "exception" : cls;
    }
  }

  // ------------------------------------------------------------------ the generator

  private final Config cfg;
  private final Vertx vertx;
  private final List<Worker> workers = new CopyOnWriteArrayList<>();
  private final AtomicInteger inFlight = new AtomicInteger();

  LoadGen(Config cfg) {
    this.cfg = cfg;
    this.vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(cfg.threads));
    int per = Math.max(1, (cfg.connections + cfg.threads - 1) / cfg.threads);
    vertx.deployVerticle(() -> new Worker(cfg, inFlight, per, workers),
        new DeploymentOptions().setInstances(cfg.threads)).await();
  }

  void close() {
    vertx.close().await();
  }

  /** One open-loop run: {@code warmupS} seconds discarded, then {@code durationS} measured. */
  ObjectNode run(double rate, double warmupS, double durationS) throws Exception {
    int k = workers.size();
    Stats[] warm = new Stats[k];
    Stats[] meas = new Stats[k];
    for (int i = 0; i < k; i++) {
      warm[i] = new Stats();
      meas[i] = new Stats();
    }
    long nWarm = Math.round(rate * warmupS);
    long nMeas = Math.max(1, Math.round(rate * durationS));
    long total = nWarm + nMeas;
    double period = 1e9 / rate;
    long start = System.nanoTime() + 20_000_000L;
    long measureStart = start + (long) (nWarm * period);

    // Pacer: wake at the next due time, hand every due request to the workers round-robin.
    final int maxBatch = 4096;
    long i = 0;
    long[][] batch = new long[k][];
    int[] counts = new int[k];
    long maxPacerLagNs = 0;
    while (i < total) {
      long due = start + (long) (i * period);
      long now = System.nanoTime();
      if (due > now) {
        LockSupport.parkNanos(due - now);
        continue;
      }
      maxPacerLagNs = Math.max(maxPacerLagNs, now - due);
      for (int w = 0; w < k; w++) {
        batch[w] = null;
        counts[w] = 0;
      }
      int taken = 0;
      while (i < total && taken < maxBatch) {
        long t = start + (long) (i * period);
        if (t > now) {
          break;
        }
        int w = (int) (i % k);
        if (batch[w] == null) {
          batch[w] = new long[Math.min(maxBatch, 64)];
        } else if (counts[w] == batch[w].length) {
          batch[w] = java.util.Arrays.copyOf(batch[w], batch[w].length * 2);
        }
        batch[w][counts[w]++] = t;
        i++;
        taken++;
      }
      for (int w = 0; w < k; w++) {
        if (counts[w] > 0) {
          Worker wk = workers.get(w);
          long[] times = batch[w];
          int n = counts[w];
          Stats ws = warm[w];
          Stats ms = meas[w];
          wk.ctx().runOnContext(v -> wk.issue(times, n, ws, ms, measureStart));
        }
      }
    }
    long endIntended = start + (long) (total * period);

    // Drain: wait until nothing is in flight (bounded by the request timeout). Runs are sequential,
    // so zero in flight means every request of this run has been accounted for.
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(cfg.timeoutMs + 2000);
    while (inFlight.get() > 0 && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    Stats all = new Stats();
    for (int w = 0; w < k; w++) {
      all.merge(onWorker(w, meas[w]));
    }
    if (all.outstanding > 0) {
      all.errors += all.outstanding;
      all.errorKinds.merge("unfinished", all.outstanding, Long::sum);
    }
    double measuredS = (endIntended - measureStart) / 1e9;
    return report(rate, warmupS, durationS, measuredS, all, maxPacerLagNs);
  }

  private Stats onWorker(int w, Stats s) throws Exception {
    CompletableFuture<Stats> f = new CompletableFuture<>();
    Worker wk = workers.get(w);
    wk.ctx().runOnContext(v -> f.complete(wk.snapshot(s)));
    return f.get(30, TimeUnit.SECONDS);
  }

  private ObjectNode report(double rate, double warmupS, double durationS, double measuredS, Stats s,
      long maxPacerLagNs) {
    ObjectNode o = JSON.createObjectNode();
    o.put("url", cfg.url.toString());
    o.put("rate", rate);
    o.put("duration", durationS);
    o.put("warmup", warmupS);
    o.put("connections", cfg.connections);
    o.put("stream", cfg.stream);
    o.put("sent", s.sent);
    o.put("ok", s.ok);
    o.put("errors", s.errors);
    ObjectNode kinds = o.putObject("error_kinds");
    s.errorKinds.forEach(kinds::put);
    if (!s.errorSamples.isEmpty()) {
      ObjectNode samples = o.putObject("error_samples");
      s.errorSamples.forEach(samples::put);
    }
    o.put("error_rate", s.sent == 0 ? 0.0 : round((double) s.errors / s.sent, 6));
    o.put("achieved_rps", round(s.ok / measuredS, 1));
    o.set("latency_ms", summary(s.latency));
    if (cfg.stream) {
      o.set("ttfb_ms", summary(s.ttfb));
      o.set("ttlb_ms", summary(s.ttlb));
    }
    o.set("send_lag_ms", summary(s.sendLag));
    o.put("pacer_max_lag_ms", round(maxPacerLagNs / 1e6, 3));
    o.put("latency_hdr", encode(s.latency));
    return o;
  }

  static ObjectNode summary(Histogram h) {
    ObjectNode o = JSON.createObjectNode();
    o.put("count", h.getTotalCount());
    o.put("p50", ms(h.getValueAtPercentile(50)));
    o.put("p90", ms(h.getValueAtPercentile(90)));
    o.put("p99", ms(h.getValueAtPercentile(99)));
    o.put("p999", ms(h.getValueAtPercentile(99.9)));
    o.put("max", ms(h.getMaxValue()));
    o.put("mean", h.getTotalCount() == 0 ? 0.0 : round(h.getMean() / 1000.0, 3));
    return o;
  }

  /** The full latency histogram (microseconds), HdrHistogram compressed encoding, base64. */
  static String encode(Histogram h) {
    ByteBuffer bb = ByteBuffer.allocate(h.getNeededByteBufferCapacity());
    int n = h.encodeIntoCompressedByteBuffer(bb);
    return Base64.getEncoder().encodeToString(java.util.Arrays.copyOf(bb.array(), n));
  }

  static double ms(long us) {
    return round(us / 1000.0, 3);
  }

  static double round(double v, int places) {
    double f = Math.pow(10, places);
    return Math.round(v * f) / f;
  }

  static String line(ObjectNode r) {
    StringBuilder b = new StringBuilder();
    b.append(String.format(Locale.ROOT, "rate=%.0f/s dur=%.0fs sent=%d ok=%d err=%d achieved=%.1f/s",
        r.get("rate").asDouble(), r.get("duration").asDouble(), r.get("sent").asLong(), r.get("ok").asLong(),
        r.get("errors").asLong(), r.get("achieved_rps").asDouble()));
    if (r.get("errors").asLong() > 0) {
      b.append(' ').append(r.get("error_kinds").toString());
    }
    b.append(pct(" latency", r.get("latency_ms")));
    if (r.has("ttfb_ms")) {
      b.append(pct(" ttfb", r.get("ttfb_ms")));
    }
    double lag = r.get("send_lag_ms").get("p99").asDouble();
    b.append(String.format(Locale.ROOT, " send-lag p99=%.3fms", lag));
    if (lag > 5) {
      b.append(" [generator lagging: CPU-starved? its delay is counted in latency]");
    }
    return b.toString();
  }

  private static String pct(String name, com.fasterxml.jackson.databind.JsonNode h) {
    return String.format(Locale.ROOT, "%s p50=%.3f p90=%.3f p99=%.3f p999=%.3f max=%.3f ms", name,
        h.get("p50").asDouble(), h.get("p90").asDouble(), h.get("p99").asDouble(), h.get("p999").asDouble(),
        h.get("max").asDouble());
  }

  // ------------------------------------------------------------------ --find-max

  ObjectNode findMax(double startRate, double warmupS, double durationS, double p99BoundMs,
      double maxErrorRate, double precision, double maxRate, int maxSteps, double prewarmS) throws Exception {
    ArrayNode steps = JSON.createArrayNode();
    if (prewarmS > 0) {
      // JIT-warm the generator and the target once, at half the start rate, so the first step is fair.
      ObjectNode w = run(startRate / 2, 0, prewarmS);
      System.out.println("PREWARM " + line(w));
    }
    double good = 0;
    double bad = Double.POSITIVE_INFINITY;
    ObjectNode best = null;
    double rate = startRate;
    int n = 0;
    while (n < maxSteps) {
      ObjectNode r = run(rate, warmupS, durationS);
      n++;
      double p99 = r.get("latency_ms").get("p99").asDouble();
      double errRate = r.get("error_rate").asDouble();
      boolean pass = errRate < maxErrorRate && p99 <= p99BoundMs && r.get("ok").asLong() > 0;
      ObjectNode step = steps.addObject();
      step.put("rate", rate);
      step.put("sent", r.get("sent").asLong());
      step.put("ok", r.get("ok").asLong());
      step.put("errors", r.get("errors").asLong());
      step.put("error_rate", errRate);
      step.put("achieved_rps", r.get("achieved_rps").asDouble());
      step.put("p50_ms", r.get("latency_ms").get("p50").asDouble());
      step.put("p99_ms", p99);
      step.put("p999_ms", r.get("latency_ms").get("p999").asDouble());
      if (r.has("ttfb_ms")) {
        step.put("ttfb_p99_ms", r.get("ttfb_ms").get("p99").asDouble());
      }
      step.put("send_lag_p99_ms", r.get("send_lag_ms").get("p99").asDouble());
      step.put("pass", pass);
      System.out.println((pass ? "PASS " : "FAIL ") + line(r));
      System.out.flush();
      if (pass) {
        good = rate;
        best = r;
      } else {
        bad = rate;
      }
      double next;
      if (Double.isInfinite(bad)) {
        next = rate * 2;
        if (next > maxRate) {
          break;
        }
      } else {
        if (bad - good <= Math.max(precision * Math.max(good, 1), 1)) {
          break;
        }
        next = Math.floor((good + bad) / 2);
        if (next <= good || next >= bad) {
          break;
        }
      }
      rate = next;
      Thread.sleep(1000); // let the target settle between steps
    }
    ObjectNode o = JSON.createObjectNode();
    o.put("url", cfg.url.toString());
    o.put("stream", cfg.stream);
    o.put("max_sustained_rps", good);
    o.put("p99_bound_ms", p99BoundMs);
    o.put("max_error_rate", maxErrorRate);
    o.put("step_duration", durationS);
    o.put("step_warmup", warmupS);
    o.set("steps", steps);
    if (best != null) {
      o.set("best", best);
    }
    return o;
  }

  // ------------------------------------------------------------------ main

  private static final String USAGE = """
      usage: java -jar gantry-bench.jar --url URL [options]
        --url URL              target (http or https; https trusts any certificate)
        --rate R               arrival rate, requests/s (default 1000; --find-max: start rate)
        --duration S           measured seconds (default 30; --find-max: per step, default 5)
        --warmup S             seconds run first and discarded (default 5; --find-max: per step, default 2)
        --body JSON | --body-file F   request body (POST); without one: GET
        --method M             override the HTTP method
        --header 'k: v'        extra request header (repeatable); Content-Type defaults to application/json
        --stream               streamed responses: record TTFB/TTLB and require data: [DONE] / "done":true at the end
        --connections C        HTTP/1.1 keep-alive connections in total (default 256)
        --max-in-flight M      cap on outstanding requests; beyond it requests count as not_issued errors (default 16384)
        --threads T            generator event loops (default min(4, cores))
        --timeout-ms T         connect/pool-wait and idle timeout per request (default 30000)
        --json-out F           write the JSON result there (default: print it to stdout)
        --find-max             step the rate up (doubling, then bisecting) and report the highest passing rate
        --p99-bound-ms B       --find-max: p99 bound (default 100)
        --max-error-rate E     --find-max: error ratio bound (default 0.001)
        --precision P          --find-max: stop bisecting when the gap is below P x rate (default 0.05)
        --max-rate R           --find-max: do not go above (default 1000000)
        --max-steps N          --find-max: at most N runs (default 20)
        --prewarm S            --find-max: one discarded run at half the start rate first (default 5)
      """;

  public static void main(String[] argv) {
    try {
      start(argv);
    } catch (Throwable t) {
      System.err.println("loadgen: " + t);
      System.exit(1);
    }
    System.exit(0);
  }

  private static void start(String[] argv) throws Exception {
    Args a;
    try {
      a = Args.parse(argv,
          Set.of("url", "rate", "duration", "warmup", "body", "body-file", "method", "header", "connections",
              "max-in-flight", "threads", "timeout-ms", "json-out", "p99-bound-ms", "max-error-rate", "precision",
              "max-rate", "max-steps", "prewarm"),
          Set.of("stream", "find-max", "help"));
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.err.print(USAGE);
      System.exit(2);
      return;
    }
    if (a.flag("help") || !a.has("url")) {
      System.out.print(USAGE);
      System.exit(a.flag("help") ? 0 : 2);
      return;
    }
    Buffer body = null;
    if (a.has("body-file")) {
      body = Buffer.buffer(Files.readAllBytes(Path.of(a.str("body-file", null))));
    } else if (a.has("body")) {
      body = Buffer.buffer(a.str("body", null).getBytes(StandardCharsets.UTF_8));
    }
    MultiMap headers = MultiMap.caseInsensitiveMultiMap();
    for (String h : a.all("header")) {
      int c = h.indexOf(':');
      if (c <= 0) {
        throw new IllegalArgumentException("bad --header (want 'name: value'): " + h);
      }
      headers.add(h.substring(0, c).trim(), h.substring(c + 1).trim());
    }
    if (body != null && !headers.contains("content-type")) {
      headers.add("content-type", "application/json");
    }
    HttpMethod method = a.has("method") ? HttpMethod.valueOf(a.str("method", "GET").toUpperCase(Locale.ROOT))
        : (body == null ? HttpMethod.GET : HttpMethod.POST);
    int threads = a.integer("threads", Math.min(4, Runtime.getRuntime().availableProcessors()));
    Config cfg = new Config(URI.create(a.str("url", null)), method, body, headers, a.flag("stream"),
        Math.max(1, a.integer("connections", 256)), Math.max(1, a.integer("max-in-flight", 16384)),
        Math.max(1, threads), a.integer("timeout-ms", 30_000));

    boolean findMax = a.flag("find-max");
    double rate = a.dbl("rate", 1000);
    double duration = a.dbl("duration", findMax ? 5 : 30);
    double warmup = a.dbl("warmup", findMax ? 2 : 5);
    if (rate <= 0 || duration <= 0 || warmup < 0) {
      throw new IllegalArgumentException("need --rate > 0, --duration > 0, --warmup >= 0");
    }
    LoadGen gen = new LoadGen(cfg);
    ObjectNode result;
    try {
      if (findMax) {
        result = gen.findMax(rate, warmup, duration, a.dbl("p99-bound-ms", 100), a.dbl("max-error-rate", 0.001),
            a.dbl("precision", 0.05), a.dbl("max-rate", 1_000_000), a.integer("max-steps", 20),
            a.dbl("prewarm", 5));
        System.out.printf(Locale.ROOT, "max sustained rate: %.0f req/s (p99 <= %.1f ms, errors < %.2f%%)%n",
            result.get("max_sustained_rps").asDouble(), result.get("p99_bound_ms").asDouble(),
            result.get("max_error_rate").asDouble() * 100);
      } else {
        result = gen.run(rate, warmup, duration);
        System.out.println(line(result));
      }
    } finally {
      gen.close();
    }
    String json = JSON.writeValueAsString(result);
    if (a.has("json-out")) {
      writeJson(Path.of(a.str("json-out", null)), json);
    } else {
      System.out.println(json);
    }
  }

  private static void writeJson(Path p, String json) throws IOException {
    if (p.getParent() != null) {
      Files.createDirectories(p.getParent());
    }
    Files.writeString(p, json + "\n");
  }
}
