package org.groupcache4j.docs;

import com.sun.net.httpserver.HttpServer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * One page's shell examples, run in order in one bash process, as a reader pastes them into one
 * terminal: variables, the working directory and background jobs carry from block to block.
 *
 * <p>The working directory is a new temporary directory that looks like the repository's root:
 * its directories and the launcher are links to the repository's, its top-level YAML files
 * (config.example.yaml) copies with the page's ports replaced ({@link Ports}), so files the
 * examples write stay out of the repository. The launcher runs the jar this build made
 * ({@code GROUPCACHE4J_JAR}), with options that make JVMs start faster
 * ({@code GROUPCACHE4J_JAVA_OPTS}, unless a command sets its own) and without the launcher's
 * class-data archive ({@code GROUPCACHE4J_CDS=off}).
 *
 * <p>Each block is rewritten ({@link ShellRewrites}), written to a file and {@code source}d with
 * its output (stdout and stderr together) in a file; a command of it that fails (an {@code ERR}
 * trap: a non-zero status that no {@code if}, {@code &&} or {@code ||} tests) fails the block,
 * unless the block is marked {@code <!-- exit: N -->}, in which case its last command must end
 * with status N. A node started in the foreground is waited for until its client API (or, without
 * one, its peer port) answers. {@code http://backend:8080} stands for the reader's HTTP service:
 * the session serves one there (scores of Tom, Jack and Sam under {@code /scores/}, small pages
 * under {@code /pages/}). At the end, every process the page started and left running is stopped.
 */
final class ShellSession implements AutoCloseable {
  /** JVM options of the nodes the examples start: a quicker start, nothing a reader would notice. */
  static final String FAST_JVM = "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xshare:auto";
  /** How long a block may take: generous, for loaded machines (the demo, three JVMs and a walk-through, is the longest). */
  private static final Duration BLOCK_LIMIT = Duration.ofSeconds(300);
  /** How long a node started in the foreground may take to answer, as the process tests allow. */
  private static final Duration READY_LIMIT = Duration.ofSeconds(180);
  private static final Pattern API_FLAG = Pattern.compile("--api[ =](\\S+)");
  private static final Pattern SELF_FLAG = Pattern.compile("--self[ =](\\S+)");
  private static final Pattern CONFIG_FLAG = Pattern.compile("--config[ =](\\S+)");

  /** The outcome of one block. */
  record Result(String text, int status, String output, String failure) {}

  private final Page page;
  private final Path dir;
  private final Path docs;
  private final Ports ports = new Ports();
  private final Process bash;
  private final Writer in;
  private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
  private final StringBuilder bashErr = new StringBuilder();
  private final List<Integer> foreground = new ArrayList<>();
  private final HttpServer backend;
  private final HttpClient http;
  private boolean keep; // a block failed: the directory stays, for a look at what it holds
  private int blockCount;
  private int serverCount;
  private final int[] backgroundCount = {0};

  ShellSession(Page page, Path root, Path jar) throws IOException {
    this.page = page;
    this.dir = Files.createTempDirectory("docs-" + page.name().replaceAll("\\W", "_") + "-");
    this.docs = Files.createDirectories(dir.resolve(".docs"));
    for (Page.Item item : page.items()) {
      if (item instanceof Page.BlockItem b && (b.block().lang().equals("bash") && b.block().runnable()
          || b.block().has("file"))) {
        ports.collect(ShellRewrites.commands(b.block().text(), b.block().has("exit")).text());
      }
    }
    try (Stream<Path> top = Files.list(root)) {
      for (Path p : top.toList()) {
        String name = p.getFileName().toString();
        if (name.startsWith(".") || name.equals("target")) {
          continue;
        }
        if (Files.isRegularFile(p) && (name.endsWith(".yaml") || name.endsWith(".yml"))) {
          String text = Files.readString(p);
          ports.collect(text);
          Files.writeString(dir.resolve(name), ports.rewrite(text));
        } else {
          Files.createSymbolicLink(dir.resolve(name), p);
        }
      }
    }
    this.backend = needsBackend() ? backend() : null;
    this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).sslContext(trustAll()).build();
    ProcessBuilder pb = new ProcessBuilder("bash", "--noprofile", "--norc").directory(dir.toFile());
    Map<String, String> env = pb.environment();
    env.put("GROUPCACHE4J_JAR", jar.toString());
    env.put("GROUPCACHE4J_JAVA_OPTS", FAST_JVM);
    // No class-data archive: the launcher would make one before the first serve (seconds, and two
    // lines of its own in the output of a block that sets GROUPCACHE4J_JAVA_OPTS), in the user's
    // home; its own test is LauncherArchiveIT.
    env.put("GROUPCACHE4J_CDS", "off");
    env.put("LC_ALL", "C.UTF-8");
    env.put("TERM", "dumb");
    env.remove("JAVA_TOOL_OPTIONS");
    bash = pb.start();
    in = new OutputStreamWriter(bash.getOutputStream(), StandardCharsets.UTF_8);
    Thread out = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(bash.getInputStream(), StandardCharsets.UTF_8))) {
        for (String l; (l = r.readLine()) != null; ) {
          lines.add(l);
        }
      } catch (IOException e) {
        // the shell ended
      }
    }, "docs-shell-out");
    out.setDaemon(true);
    out.start();
    Thread err = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(bash.getErrorStream(), StandardCharsets.UTF_8))) {
        for (String l; (l = r.readLine()) != null; ) {
          synchronized (bashErr) {
            bashErr.append(l).append('\n');
          }
        }
      } catch (IOException e) {
        // the shell ended
      }
    }, "docs-shell-err");
    err.setDaemon(true);
    err.start();
    // Job control: background jobs get their own process group and keep SIGINT (a reader's Ctrl-C).
    send("set -m -E -o pipefail\n"
        + "__docs_failed() { printf '%s\\t%s\\n' \"$1\" \"$2\" >> '" + docs.resolve("failed") + "'; }\n"
        + "trap '__docs_failed $? \"$BASH_COMMAND\"' ERR\n");
  }

  Path dir() {
    return dir;
  }

  /** What a block of the page shows as output, with the page's ports and backend as they are in this run. */
  String expected(String text) {
    return backend(ports.rewrite(text));
  }

  /** Writes a {@code <!-- file: NAME -->} block to NAME, with the page's ports and backend replaced. */
  void writeFile(Page.Block b) throws IOException {
    Path f = dir.resolve(b.marker("file"));
    Files.createDirectories(f.getParent());
    Files.writeString(f, backend(ports.rewrite(b.text())));
  }

  /** Runs one bash block. */
  Result run(Page.Block b) throws Exception {
    ShellRewrites.Commands c = ShellRewrites.commands(b.text(), b.has("exit"));
    if (!c.problems().isEmpty()) {
      return new Result(b.text(), -1, "", String.join("\n", c.problems()));
    }
    int id = ++blockCount;
    int server = c.foregroundServer() ? ++serverCount : 0;
    String text = ShellRewrites.processes(backend(ports.rewrite(c.text())), c.foregroundServer(), server, backgroundCount,
        "'" + docs + "'");
    Path script = docs.resolve("block-" + id + ".sh");
    Files.writeString(script, text);
    Path output = docs.resolve("out-" + id);
    Files.deleteIfExists(docs.resolve("failed"));
    send("source '" + script + "' > '" + output + "' 2>&1 < /dev/null; echo \"__DOCS_DONE__ " + id + " $?\"\n");
    int status = awaitDone(Integer.toString(id));
    String printed = Files.exists(output) ? Files.readString(output) : "";
    if (status == Integer.MIN_VALUE) {
      return new Result(text, status, printed, "did not end within " + BLOCK_LIMIT.toSeconds() + " s" + bashStderr());
    }
    String failure = null;
    if (b.has("exit")) {
      int want = Integer.parseInt(b.marker("exit"));
      if (status != want) {
        failure = "ended with status " + status + ", the page says " + want;
      }
    } else {
      Path failed = docs.resolve("failed");
      if (Files.exists(failed) && !Files.readString(failed).isBlank()) {
        String first = Files.readString(failed).lines().findFirst().orElse("");
        String[] parts = first.split("\t", 2);
        failure = "a command failed with status " + parts[0] + ": " + (parts.length > 1 ? parts[1] : "");
      } else if (status != 0) {
        failure = "ended with status " + status;
      }
    }
    if (failure == null && c.foregroundServer()) {
      foreground.add(server);
      failure = awaitReady(server, text);
    }
    return new Result(text, status, printed, failure);
  }

  /** A reader's Ctrl-C: SIGINT to the nodes started in the foreground so far; each must stop with status 0. */
  String ctrlC() throws Exception {
    List<String> problems = new ArrayList<>();
    for (int server : foreground) {
      String pid = Files.readString(docs.resolve("server-" + server + ".pid")).strip();
      send("kill -INT " + pid + "; wait " + pid + "; echo \"__DOCS_DONE__ ctrl-c-" + server + " $?\"\n");
      int status = awaitDone("ctrl-c-" + server);
      if (status != 0) {
        problems.add("the node of server-" + server + ".log ended with status " + status + " after Ctrl-C (SIGINT), "
            + "not 0:\n" + tail(docs.resolve("server-" + server + ".log")));
      }
    }
    foreground.clear();
    return problems.isEmpty() ? null : String.join("\n", problems);
  }

  @Override
  public void close() throws Exception {
    try {
      if (bash.isAlive()) {
        send("kill $(jobs -p) 2>/dev/null; wait; exit 0\n");
        if (!bash.waitFor(30, TimeUnit.SECONDS)) {
          bash.descendants().forEach(ProcessHandle::destroyForcibly);
          bash.destroyForcibly();
        }
      }
    } finally {
      for (String pid : pids()) {
        ProcessHandle.of(Long.parseLong(pid)).ifPresent(ProcessHandle::destroyForcibly);
      }
      if (backend != null) {
        backend.stop(0);
      }
      if (!keep) {
        try (Stream<Path> files = Files.walk(dir)) {
          files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
      }
    }
  }

  /** Keeps the session's directory after {@link #close()}, for a look at a failure. */
  void keep() {
    keep = true;
  }

  /** The log files of the processes this page started, each with its last lines: for a failure's report. */
  String logs() {
    StringBuilder s = new StringBuilder();
    try (Stream<Path> files = Files.list(docs)) {
      for (Path f : files.filter(p -> p.getFileName().toString().endsWith(".log")).sorted().toList()) {
        s.append("--- ").append(f.getFileName()).append(" (last lines)\n").append(tail(f));
      }
    } catch (IOException e) {
      s.append("(cannot list ").append(docs).append(": ").append(e).append(")\n");
    }
    return s.toString();
  }

  Map<String, String> ports() {
    return ports.all();
  }

  private List<String> pids() throws IOException {
    List<String> pids = new ArrayList<>();
    Path bg = docs.resolve("bg.pids");
    if (Files.exists(bg)) {
      pids.addAll(Files.readAllLines(bg).stream().filter(l -> !l.isBlank()).map(String::strip).toList());
    }
    for (int s = 1; s <= serverCount; s++) {
      Path p = docs.resolve("server-" + s + ".pid");
      if (Files.exists(p)) {
        pids.add(Files.readString(p).strip());
      }
    }
    return pids;
  }

  private void send(String text) throws IOException {
    in.write(text);
    in.flush();
  }

  /** The status the shell reported for {@code id}, or {@link Integer#MIN_VALUE} past the limit. */
  private int awaitDone(String id) throws InterruptedException {
    long deadline = System.nanoTime() + BLOCK_LIMIT.toNanos();
    for (long left; (left = deadline - System.nanoTime()) > 0; ) {
      String l = lines.poll(left, TimeUnit.NANOSECONDS);
      if (l == null) {
        break;
      }
      if (l.startsWith("__DOCS_DONE__ " + id + " ")) {
        return Integer.parseInt(l.substring(l.lastIndexOf(' ') + 1));
      }
    }
    return Integer.MIN_VALUE;
  }

  /**
   * Waits until the node started by {@code text} answers: {@code GET /livez} of its client API
   * ({@code --api}, or {@code api:} of its {@code --config} file), else a connection to its peer
   * port. Null when it does, else why not, with its log.
   */
  private String awaitReady(int server, String text) throws Exception {
    Path pidFile = docs.resolve("server-" + server + ".pid");
    long pid = Long.parseLong(Files.readString(pidFile).strip());
    Path log = docs.resolve("server-" + server + ".log");
    String api = first(API_FLAG, text);
    String self = first(SELF_FLAG, text);
    boolean apiTls = text.contains("--api-tls");
    String config = first(CONFIG_FLAG, text);
    if (config != null) {
      String yaml = Files.readString(dir.resolve(config));
      api = api != null ? api : first(Pattern.compile("(?m)^api:\\s*(\\S+)"), yaml);
      self = self != null ? self : first(Pattern.compile("(?m)^self:\\s*(\\S+)"), yaml);
      apiTls = apiTls || yaml.matches("(?s).*(?m)^api-tls:\\s*true.*");
    }
    long deadline = System.nanoTime() + READY_LIMIT.toNanos();
    while (System.nanoTime() < deadline) {
      if (ProcessHandle.of(pid).map(h -> !h.isAlive()).orElse(true)) {
        return "the node ended before it answered; its log:\n" + tail(log);
      }
      if (api != null ? answersLivez(api.split(",")[0], apiTls) : connects(URI.create(self))) {
        return null;
      }
      Thread.sleep(100);
    }
    return "the node did not answer within " + READY_LIMIT.toSeconds() + " s; its log:\n" + tail(log);
  }

  private boolean answersLivez(String hostPort, boolean tls) {
    int colon = hostPort.lastIndexOf(':');
    String host = hostPort.substring(0, colon);
    if (host.isEmpty() || host.equals("0.0.0.0") || host.equals("[::]")) {
      host = "127.0.0.1";
    }
    URI uri = URI.create((tls ? "https://" : "http://") + host + ":" + hostPort.substring(colon + 1) + "/livez");
    try {
      HttpResponse<Void> r = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(2)).build(),
          HttpResponse.BodyHandlers.discarding());
      return r.statusCode() == 200;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private static boolean connects(URI peer) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(peer.getHost(), peer.getPort()), 1000);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static String first(Pattern p, String text) {
    Matcher m = p.matcher(text);
    return m.find() ? m.group(1).replaceAll("^['\"]|['\"]$", "") : null;
  }

  private String bashStderr() {
    synchronized (bashErr) {
      return bashErr.length() == 0 ? "" : "\nshell's own stderr:\n" + bashErr;
    }
  }

  static String tail(Path file) {
    try {
      List<String> all = Files.readAllLines(file);
      return String.join("\n", all.subList(Math.max(0, all.size() - 40), all.size())) + "\n";
    } catch (IOException e) {
      return "(no " + file.getFileName() + ")\n";
    }
  }

  private boolean needsBackend() {
    return page.blocks().stream().anyMatch(b -> b.text().contains("backend:8080"));
  }

  private String backend(String text) {
    return backend == null ? text : text.replace("backend:8080", "127.0.0.1:" + backend.getAddress().getPort());
  }

  /** The reader's HTTP service: scores and pages, 404 for anything else. */
  private static HttpServer backend() throws IOException {
    Map<String, String> scores = Map.of("Tom", "630", "Jack", "589", "Sam", "567");
    HttpServer s = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    s.createContext("/", exchange -> {
      String path = exchange.getRequestURI().getPath();
      String body = null;
      if (path.startsWith("/scores/")) {
        body = scores.get(path.substring("/scores/".length()));
      } else if (path.startsWith("/pages/") && path.length() > "/pages/".length()) {
        body = "<p>page " + path.substring("/pages/".length()) + "</p>";
      }
      byte[] bytes = (body == null ? "not found\n" : body).getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(body == null ? 404 : 200, bytes.length);
      exchange.getResponseBody().write(bytes);
      exchange.close();
    });
    s.setExecutor(java.util.concurrent.Executors.newFixedThreadPool(4, r -> {
      Thread t = new Thread(r, "docs-backend");
      t.setDaemon(true);
      return t;
    }));
    s.start();
    return s;
  }

  /** The nodes' certificates in the examples are made by the examples; readiness checks need not trust them. */
  private static SSLContext trustAll() {
    try {
      SSLContext c = SSLContext.getInstance("TLS");
      c.init(null, new TrustManager[] {new X509TrustManager() {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {}

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {}

        @Override
        public X509Certificate[] getAcceptedIssuers() {
          return new X509Certificate[0];
        }
      }}, new SecureRandom());
      return c;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
