package org.groupcache4j.server.internal.api;

import io.netty.handler.codec.http.HttpMethod;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.groupcache4j.ByteView;
import org.groupcache4j.Group;
import org.groupcache4j.GroupCache;
import org.groupcache4j.GroupCacheException;
import org.groupcache4j.KeyNotFoundException;
import org.groupcache4j.LoadException;
import org.groupcache4j.LoadTimeoutException;
import org.groupcache4j.UnknownGroupException;
import org.groupcache4j.http.internal.http1.Exchange;
import org.groupcache4j.http.internal.http1.RequestTarget;
import org.groupcache4j.http.internal.http1.Response;
import org.groupcache4j.http.internal.http1.Routes;
import org.groupcache4j.internal.ByteViews;
import org.groupcache4j.internal.RateLimitedLog;
import org.groupcache4j.internal.Text;

/**
 * The client API's route table ({@link #routes}) and its endpoints. Values come from
 * {@link Group#getAsync}, which completes at once on a cache hit (the answer is written in the
 * same turn, wrapping the value's bytes without copying) and later, on a loader or peer thread,
 * for a miss.
 */
final class ApiRoutes {
  private static final RateLimitedLog UNEXPECTED = new RateLimitedLog("org.groupcache4j.server.api", Duration.ofSeconds(10));
  static final String HELP = "groupcache4j node: GET, PUT or DELETE /api?key=K or /api/{group}/{key} (PUT: the value as "
      + "the body, ?ttl=30s), POST /api/{group}/_remove with {\"keys\":[...]}, GET /stats, GET /healthz, "
      + "GET /livez, GET /metrics, GET / (dashboard)";
  /** The largest value a PUT takes. */
  static final int MAX_PUT_BODY = 64 << 20;

  private final GroupCache cache;
  private final String defaultGroupName;
  private final ApiServer.KeyPolicy keyPolicy;
  private final Supplier<String> stats;
  private final Supplier<String> healthProblem;
  private final Supplier<String> notServing;
  private volatile Group defaultGroup; // looked up on first use

  private ApiRoutes(GroupCache cache, String defaultGroup, ApiServer.KeyPolicy keyPolicy, Supplier<String> stats,
      Supplier<String> healthProblem, Supplier<String> notServing) {
    this.cache = cache;
    this.defaultGroupName = defaultGroup;
    this.keyPolicy = keyPolicy;
    this.stats = stats;
    this.healthProblem = healthProblem;
    this.notServing = notServing;
  }

  /** The routes of the API port. */
  static Routes routes(GroupCache cache, String defaultGroup, ApiServer.KeyPolicy keyPolicy, Supplier<String> stats,
      Supplier<String> healthProblem, Supplier<String> notServing, Consumer<Routes.Builder> pages) {
    ApiRoutes api = new ApiRoutes(cache, defaultGroup, keyPolicy, stats, healthProblem, notServing);
    Routes.Builder b = Routes.builder()
        .exact("/api", r -> r.get(api::byQuery).delete(api::byQuery).put(MAX_PUT_BODY, api::byQuery))
        .prefix("/api/", r -> r.get(api::byPath).delete(api::byPath).put(MAX_PUT_BODY, api::byPath)
            .post(ApiWrites.MAX_BATCH_BODY, api::byPath))
        .exact("/stats", r -> r.get(api::stats))
        .exact("/healthz", r -> r.get(api::health))
        .exact("/livez", r -> r.get(ex -> ex.respond(Response.text(200, "alive")))) // a liveness probe: answers while the event loops run
        .notFound(ex -> Response.text(404, "no such endpoint: " + Text.quotable(String.valueOf(ex.target().rawPath()))
            + "; " + HELP));
    if (pages != null) {
      pages.accept(b); // the dashboard at /, /metrics, ...
    } else {
      b.exact("/", r -> r.get(ex -> ex.respond(Response.text(200, HELP))));
    }
    return b.build();
  }

  /** {@code GET}, {@code PUT} or {@code DELETE /api?key=K}: a key of the default group ({@code ?key=}: the empty key). */
  private void byQuery(Exchange ex) {
    if (notServingNow(ex)) {
      return;
    }
    String raw = ex.target().rawQueryParam("key");
    if (raw == null) {
      ex.respond(Response.text(400, "missing key: use /api?key=K or /api/{group}/{key} (key= or /api/{group}/ for the "
          + "empty key)"));
      return;
    }
    String key;
    try {
      key = RequestTarget.decodeQueryValue(raw);
    } catch (IllegalArgumentException e) {
      ex.respond(notDecodable("the key", e));
      return;
    }
    Group g = defaultGroup;
    if (g == null) {
      g = defaultGroup = cache.group(defaultGroupName).orElse(null);
    }
    serve(ex, g, defaultGroupName, key);
  }

  /** {@code GET}, {@code PUT} or {@code DELETE /api/{group}/{key}}, and {@code POST /api/{group}/_remove}. */
  private void byPath(Exchange ex) {
    if (notServingNow(ex)) {
      return;
    }
    String path = ex.target().rawPath();
    int from = "/api/".length();
    int slash = path.indexOf('/', from);
    if (ex.method() == HttpMethod.POST) {
      batch(ex, path, from, slash);
      return;
    }
    if (slash < 0) {
      ex.respond(Response.text(400, "missing key: use /api/{group}/{key}"));
      return;
    }
    String group;
    String key;
    try {
      group = RequestTarget.decodePath(path.substring(from, slash));
      key = RequestTarget.decodePath(path.substring(slash + 1));
    } catch (IllegalArgumentException e) {
      ex.respond(notDecodable("the path", e));
      return;
    }
    if (group.isEmpty()) { // an empty key is a key: /api/{group}/ asks it
      ex.respond(Response.text(400, "missing group: use /api/{group}/{key}"));
      return;
    }
    serve(ex, cache.group(group).orElse(null), group, key);
  }

  /** {@code POST /api/{group}/_remove} with {@code {"keys":[...]}}. */
  private void batch(Exchange ex, String path, int from, int slash) {
    if (slash < 0 || !path.substring(slash + 1).equals(ApiWrites.REMOVE)) {
      ex.respond(Response.text(405, "POST is only for /api/{group}/" + ApiWrites.REMOVE + " (a batch remove); use PUT to "
          + "store a value").with(Response.Header.of("allow", "GET, PUT, DELETE")));
      return;
    }
    String group;
    try {
      group = RequestTarget.decodePath(path.substring(from, slash));
    } catch (IllegalArgumentException e) {
      ex.respond(notDecodable("the path", e));
      return;
    }
    Group g = cache.group(group).orElse(null);
    if (g == null) {
      ex.respond(noSuchGroup(group));
      return;
    }
    ApiWrites.removeBatch(ex, g);
  }

  /** Answers 503 with the reason if the node does not serve the cache yet; false if it does. */
  private boolean notServingNow(Exchange ex) {
    String why = notServing.get();
    if (why == null) {
      return false;
    }
    ex.respond(Response.text(503, why));
    return true;
  }

  /** The 400 of a key or path that does not percent-decode to UTF-8: what is wrong, where, and how to send it. */
  private static Response notDecodable(String what, IllegalArgumentException e) {
    return Response.text(400, what + " is not valid percent-encoded UTF-8 (" + e.getMessage() + "); percent-encode "
        + "each byte of its UTF-8 form, e.g. %20 for a space, %25 for '%'");
  }

  /** 200 "ok", or 503 and what is wrong (while draining, the responder answers 503 before this). */
  private void health(Exchange ex) {
    String problem = healthProblem.get();
    ex.respond(problem == null ? Response.text(200, "ok") : Response.text(503, problem));
  }

  private void stats(Exchange ex) {
    ex.respond(Response.of(200, Response.JSON, stats.get().getBytes(StandardCharsets.UTF_8)));
  }

  private Response noSuchGroup(String groupName) {
    return Response.text(404, "no such group: '" + Text.quotable(groupName) + "' (this node has " + groupNames() + ")");
  }

  /** A key of a group, by the request's method: GET reads it, DELETE removes it, PUT stores the body. */
  private void serve(Exchange ex, Group group, String groupName, String key) {
    if (group == null) {
      ex.respond(noSuchGroup(groupName));
      return;
    }
    String refused = keyPolicy.refuse(groupName, key);
    if (refused != null) {
      ex.respond(Response.text(400, "key '" + Text.quotable(key) + "' of group '" + Text.quotable(groupName)
          + "' is refused: " + refused));
      return;
    }
    if (ex.method() == HttpMethod.DELETE) {
      ApiWrites.delete(ex, group, key);
      return;
    }
    if (ex.method() == HttpMethod.PUT) {
      ApiWrites.put(ex, group, key);
      return;
    }
    CompletableFuture<ByteView> f;
    try {
      f = group.getAsync(key);
    } catch (IllegalArgumentException e) {
      ex.respond(Response.text(400, e.getMessage()));
      return;
    }
    ex.respondWhenDone(f, ApiRoutes::answer);
  }

  private String groupNames() {
    StringBuilder sb = new StringBuilder();
    cache.groups().forEach(g -> sb.append(sb.length() == 0 ? "" : ", ").append('\'').append(g.name()).append('\''));
    return sb.length() == 0 ? "no groups" : "groups " + sb;
  }

  private static Response answer(ByteView v, Throwable err) {
    if (err == null && v == null) {
      err = new IllegalStateException("the group completed with no value");
    }
    if (err == null) {
      return Response.of(200, Response.OCTET_STREAM, ByteViews.arrayOf(v), ByteViews.offsetIn(v), v.length()); // read only: written, never changed
    }
    return Response.text(statusOf(err), messageOf(err));
  }

  /** The status of a failed request: 404 not found, 504 timed out, 502 the origin or a peer failed, 400 bad input, else 500. */
  static int statusOf(Throwable t) {
    if (t instanceof KeyNotFoundException || t instanceof UnknownGroupException) {
      return 404;
    }
    if (t instanceof LoadTimeoutException) {
      return 504;
    }
    if (t instanceof LoadException || t instanceof GroupCacheException) {
      return 502;
    }
    if (t instanceof IllegalArgumentException) {
      return 400;
    }
    return 500;
  }

  /** The one-line reason of a failed request; an unexpected failure is logged (rate-limited) and called an internal error. */
  static String messageOf(Throwable t) {
    String m = t.getMessage();
    if (m == null || m.isBlank()) {
      m = t.toString();
    }
    if (!(t instanceof GroupCacheException) && !(t instanceof IllegalArgumentException)) {
      UNEXPECTED.log("api", Level.WARNING, () -> "client API request failed unexpectedly"
          + " (answered 500; further such errors are not logged for 10 s)", t);
      m = "internal error: " + m;
    }
    return m;
  }
}
