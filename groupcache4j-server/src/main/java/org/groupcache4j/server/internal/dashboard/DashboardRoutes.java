package org.groupcache4j.server.internal.dashboard;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;
import org.groupcache4j.http.internal.http1.Exchange;
import org.groupcache4j.http.internal.http1.RequestTarget;
import org.groupcache4j.http.internal.http1.Response;
import org.groupcache4j.http.internal.http1.Routes;
import org.groupcache4j.internal.Text;
import org.groupcache4j.server.internal.observe.NodeMetrics;

/**
 * The node's pages on the API port: {@code GET /} (the dashboard: one HTML file with its script,
 * served from the jar), {@code GET /cluster} and {@code GET /owner?key=K} (what the page reads),
 * and {@code GET /metrics} (Prometheus text).
 */
public final class DashboardRoutes {
  private static final Response.Header HTML = Response.Header.of("content-type", "text/html; charset=utf-8");
  private static final Response.Header PROMETHEUS = Response.Header.of("content-type", NodeMetrics.CONTENT_TYPE);
  private static final Response.Header NO_STORE = Response.Header.of("cache-control", "no-store");
  private static final byte[] PAGE = resource("/org/groupcache4j/server/dashboard/index.html");

  private DashboardRoutes() {}

  /** Adds the routes to an API route table. */
  public static void addTo(Routes.Builder b, NodeMetrics metrics, ClusterView cluster) {
    // A scrape walks every meter: off the event loop.
    Executor scrapes = ForkJoinPool.commonPool();
    b.exact("/", r -> r.get(ex -> ex.respond(Response.of(200, HTML, PAGE).with(NO_STORE))))
        .exact("/metrics", r -> r.get(ex -> ex.respondWhenDone(CompletableFuture.supplyAsync(metrics::scrape, scrapes),
            (text, err) -> err != null ? Response.text(500, "cannot read the meters: " + err)
                : Response.of(200, PROMETHEUS, text.getBytes(StandardCharsets.UTF_8)))))
        .exact("/cluster", r -> r.get(ex -> ex.respondWhenDone(cluster.json(),
            (json, err) -> err != null ? Response.text(500, "cannot gather the cluster: " + err)
                : Response.of(200, Response.JSON, json.getBytes(StandardCharsets.UTF_8)).with(NO_STORE))))
        .exact("/owner", r -> r.get(ex -> owner(ex, cluster)));
  }

  private static void owner(Exchange ex, ClusterView cluster) {
    String raw = ex.target().rawQueryParam("key");
    if (raw == null) {
      ex.respond(Response.text(400, "missing key: use /owner?key=K"));
      return;
    }
    String key;
    try {
      key = RequestTarget.decodeQueryValue(raw);
    } catch (IllegalArgumentException e) {
      ex.respond(Response.text(400, "the key is not valid percent-encoded UTF-8: '" + Text.quotable(raw) + "'"));
      return;
    }
    ex.respond(Response.of(200, Response.JSON, cluster.owner(key).getBytes(StandardCharsets.UTF_8)));
  }

  private static byte[] resource(String name) {
    try (InputStream in = DashboardRoutes.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("the jar has no " + name);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + name + " from the jar", e);
    }
  }
}
