package org.groupcache4j.server.internal.api;

import com.fasterxml.jackson.jr.ob.JSON;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.groupcache4j.ByteView;
import org.groupcache4j.Group;
import org.groupcache4j.WriteException;
import org.groupcache4j.WriteResult;
import org.groupcache4j.http.internal.http1.Exchange;
import org.groupcache4j.http.internal.http1.RequestTarget;
import org.groupcache4j.http.internal.http1.Response;
import org.groupcache4j.internal.ByteViews;
import org.groupcache4j.node.internal.Values;

/**
 * The client API's writes: {@code DELETE} and {@code PUT} of a key, and the batch remove
 * {@code POST /api/{group}/_remove} with {@code {"keys":[...]}}. Each answers once the key's owner
 * applied the write and every other node was told or timed out: {@code 200} with
 * {@code {"group":..,"keys":[..],"told":[..],"notTold":{peer: reason}}}, and when {@code notTold}
 * is not empty also {@code "hinted":{peer: reason},"notCovered":{peer: reason}} ({@link WriteResult}:
 * {@code told} applied it, directly or through another node; {@code hinted} will be told by a hint
 * before it owns keys again; {@code notCovered} cannot be told; {@code notTold} is both); {@code 502} with the
 * same and an {@code "error"} when an owner could not be told; {@code 400} for bad input.
 */
final class ApiWrites {
  /** The largest batch remove body read. */
  static final int MAX_BATCH_BODY = 1 << 20;
  /** The path segment of the batch remove. */
  static final String REMOVE = "_remove";

  private ApiWrites() {}

  static void delete(Exchange ex, Group g, String key) {
    CompletableFuture<WriteResult> f;
    try {
      f = g.removeAsync(key);
    } catch (IllegalArgumentException e) {
      ex.respond(Response.text(400, e.getMessage()));
      return;
    }
    ex.respondWhenDone(f, (r, err) -> answer(g.name(), List.of(key), r, err));
  }

  static void put(Exchange ex, Group g, String key) {
    String rawTtl = ex.target().rawQueryParam("ttl");
    Duration ttl = null;
    if (rawTtl != null) {
      try {
        ttl = Values.positiveDuration(RequestTarget.decodeQueryValue(rawTtl));
      } catch (IllegalArgumentException e) {
        ex.respond(Response.text(400, "bad ttl: " + e.getMessage() + "; use e.g. ?ttl=30s"));
        return;
      }
    }
    byte[] body = ex.body() == null ? new byte[0] : new byte[ex.body().readableBytes()];
    if (ex.body() != null) {
      ex.body().getBytes(ex.body().readerIndex(), body);
    }
    CompletableFuture<WriteResult> f;
    try {
      f = g.setAsync(key, ByteViews.wrap(body), ttl);
    } catch (IllegalArgumentException e) {
      ex.respond(Response.text(400, e.getMessage()));
      return;
    }
    ex.respondWhenDone(f, (r, err) -> answer(g.name(), List.of(key), r, err));
  }

  static void removeBatch(Exchange ex, Group g) {
    List<String> keys;
    try {
      Object doc = JSON.std.anyFrom(ex.body() == null ? "" : ex.body().toString(StandardCharsets.UTF_8));
      Object list = doc instanceof Map<?, ?> m ? m.get("keys") : null;
      if (!(list instanceof List<?> l) || l.isEmpty()) {
        throw new IllegalArgumentException("the body must be {\"keys\":[\"k1\",\"k2\",...]} with at least one key");
      }
      keys = new ArrayList<>();
      for (Object k : l) {
        if (!(k instanceof String s)) {
          throw new IllegalArgumentException("every key must be a string, found " + k);
        }
        keys.add(s);
      }
    } catch (IOException e) {
      ex.respond(Response.text(400, "the body is not JSON; send {\"keys\":[\"k1\",\"k2\",...]}"));
      return;
    } catch (IllegalArgumentException e) {
      ex.respond(Response.text(400, e.getMessage()));
      return;
    }
    CompletableFuture<WriteResult> f;
    try {
      f = g.removeAllAsync(keys);
    } catch (IllegalArgumentException e) {
      ex.respond(Response.text(400, e.getMessage()));
      return;
    }
    List<String> asked = keys;
    ex.respondWhenDone(f, (r, err) -> answer(g.name(), asked, r, err));
  }

  private static Response answer(String group, List<String> keys, WriteResult r, Throwable err) {
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("group", group);
    doc.put("keys", keys);
    int status = 200;
    if (err instanceof WriteException we) {
      status = 502;
      doc.put("error", we.getMessage());
      r = we.result();
    } else if (err != null) {
      return Response.text(ApiRoutes.statusOf(err), ApiRoutes.messageOf(err));
    }
    doc.put("told", r == null ? List.of() : r.told());
    doc.put("notTold", r == null ? Map.of() : r.notTold());
    if (r != null && !r.allTold()) { // the answer of a write that reached every peer stays as it was
      doc.put("hinted", r.hinted());
      doc.put("notCovered", r.notCovered());
    }
    try {
      return Response.of(status, Response.JSON, JSON.std.asBytes(doc));
    } catch (IOException e) {
      return Response.text(500, "cannot write the answer: " + e.getMessage());
    }
  }
}
