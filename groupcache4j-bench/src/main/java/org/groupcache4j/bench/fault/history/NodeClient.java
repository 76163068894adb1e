package org.groupcache4j.bench.fault.history;

import com.fasterxml.jackson.jr.ob.JSON;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.groupcache4j.bench.fault.TestCluster;

/**
 * One client of the cluster's API whose every get, set and remove is recorded in a
 * {@link HistoryRecorder}: the key's group is {@code scores} (the server's default group), the
 * answer's {@code told} and {@code notTold} peers are turned into node numbers. Not thread-safe:
 * one per client thread.
 *
 * <p>Every peer a write's answer names outside {@code told} counts as not told: today that is
 * {@code notTold}; a field added later that names peers to be told afterwards (a hint) is read the
 * same way, with the field's name in the reason.
 */
public final class NodeClient {
  private static final String GROUP = "scores";

  private final int client;
  private final HistoryRecorder recorder;
  private final TestCluster cluster;
  private final Duration timeout;
  private final Map<String, Integer> nodeOfPeer = new HashMap<>();
  private final HttpClient http;

  public NodeClient(int client, HistoryRecorder recorder, TestCluster cluster, Duration timeout) {
    this.client = client;
    this.recorder = recorder;
    this.cluster = cluster;
    this.timeout = timeout;
    for (int n = 1; n <= 3; n++) {
      nodeOfPeer.put(cluster.peer(n), n);
    }
    this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(timeout).build();
  }

  public Op get(int node, String key) {
    return send(node, Op.Kind.GET, key, null, HttpRequest.BodyPublishers.noBody());
  }

  public Op set(int node, String key, String value) {
    return send(node, Op.Kind.SET, key, value, HttpRequest.BodyPublishers.ofString(value, StandardCharsets.UTF_8));
  }

  public Op remove(int node, String key) {
    return send(node, Op.Kind.REMOVE, key, null, HttpRequest.BodyPublishers.noBody());
  }

  private Op send(int node, Op.Kind kind, String key, String value, HttpRequest.BodyPublisher body) {
    String method = switch (kind) {
      case GET -> "GET";
      case SET -> "PUT";
      case REMOVE -> "DELETE";
    };
    HttpRequest req = HttpRequest.newBuilder(URI.create(cluster.api(node) + "/api/" + GROUP + "/" + key))
        .timeout(timeout).method(method, body).build();
    int id = recorder.nextId();
    long start = recorder.now();
    int status = 0;
    String text = null;
    String error = null;
    try {
      HttpResponse<String> resp = http.send(req, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
      status = resp.statusCode();
      text = resp.body();
    } catch (IOException e) {
      error = e.toString();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      error = "interrupted: the run ended";
    }
    long end = recorder.now();
    List<Integer> told = new ArrayList<>();
    Map<Integer, String> notTold = new TreeMap<>();
    String read = null;
    if (kind == Op.Kind.GET) {
      if (status == 200) {
        read = text;
      } else if (status != 0) {
        error = oneLine(text);
      }
    } else if (status != 0) {
      if (!answerOfWrite(text, told, notTold)) {
        error = oneLine(text);
      } else if (status != 200) {
        error = "not applied at the owner";
      }
    }
    Op op = new Op(id, client, node, kind, key, value, start, end, status, read, told, notTold, error);
    recorder.add(op);
    return op;
  }

  /** Reads a write's JSON answer into {@code told} and {@code notTold}; false if it is not one. */
  private boolean answerOfWrite(String body, List<Integer> told, Map<Integer, String> notTold) {
    Map<String, Object> doc;
    try {
      doc = JSON.std.mapFrom(body);
    } catch (IOException | RuntimeException e) {
      return false;
    }
    if (!(doc.get("told") instanceof List<?> t)) {
      return false;
    }
    t.forEach(peer -> told.add(node(peer)));
    doc.forEach((field, v) -> {
      if (field.equals("told") || field.equals("keys") || field.equals("group") || field.equals("error")) {
        return;
      }
      String prefix = field.equals("notTold") ? "" : field + ": ";
      if (v instanceof Map<?, ?> m) {
        m.forEach((peer, why) -> notTold.put(node(peer), prefix + why));
      } else if (v instanceof List<?> l) {
        l.forEach(peer -> notTold.put(node(peer), field));
      }
    });
    return true;
  }

  private int node(Object peer) {
    Integer n = nodeOfPeer.get(String.valueOf(peer));
    if (n == null) {
      throw new IllegalStateException("a write's answer names " + peer + ", which is none of the nodes " + nodeOfPeer.keySet());
    }
    return n;
  }

  private static String oneLine(String s) {
    if (s == null) {
      return "";
    }
    String line = s.strip().replace('\n', ' ');
    return line.length() <= 300 ? line : line.substring(0, 300) + "…";
  }
}
