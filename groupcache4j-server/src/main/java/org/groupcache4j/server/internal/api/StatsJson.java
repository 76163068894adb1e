package org.groupcache4j.server.internal.api;

import com.fasterxml.jackson.jr.ob.JSON;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.groupcache4j.GroupStats;
import org.groupcache4j.HandoffStats;
import org.groupcache4j.OwnershipStats;
import org.groupcache4j.StoreStats;
import org.groupcache4j.server.internal.origin.OriginLoader;
import org.groupcache4j.discovery.PeerWatcher;
import org.groupcache4j.peer.PeerState;
import org.groupcache4j.server.internal.Readiness;
import org.groupcache4j.server.internal.Warmup;

/**
 * The {@code /stats} document, written and read with jackson-jr. Each number appears once;
 * docs/server.md ("/stats fields") says what each means, and a test keeps it to the fields written here.
 *
 * <pre>
 * {"self":"http://127.0.0.1:8001","instance":"…","peers":[...],"replicas":50,"basePath":"/_groupcache/",
 *  "uptimeMillis":1234,"maxHeapBytes":268435456,
 *  "readiness":{"state":"ready","since":"2026-11-26T13:00:00Z","reason":"serving","warmUp":{...}},
 *  "peerStates":{"http://127.0.0.1:8002":{"state":"down","since":"…","reason":"no answer to a probe within 1000 ms",
 *    "ownership":"ready","incarnation":"1f2e3d4c5b6a7980","through":null}},
 *  "ownership":{"state":"ready","incarnation":"…","catchUps":1,"coarseDrops":0,"hintsApplied":0,"relayed":0,
 *    "hintsHeld":3,"hintsDelivered":3,"hintOverflows":0,"hintsPending":{}},
 *  "ring":{"fingerprint":"1c2d3e4f","mismatches":0,"lastMismatchPeer":null},
 *  "handoff":{"handedOff":0,"handedOffKept":0,"received":1200,"receivedDropped":3,"loadedAhead":0},
 *  "discovery":{"source":"DNS …","selfListed":true,"lastLookup":"…","lastChange":"…","problem":null},
 *  "groups":{"scores":{"cacheBytes":67108864,"gets":..,"cacheHits":..,"peerLoads":..,
 *    "peerErrors":..,"loads":..,"loadsDeduped":..,"localLoads":..,"localLoadErrors":..,
 *    "serverRequests":..,"notFoundHits":..,"staleHits":..,"removes":..,"sets":..,"expirations":..,
 *    "foundAtPreviousOwner":..,"notFoundAtPreviousOwner":..,"coarseDrops":..,"writeWaits":..,"writeWaitTimeouts":..,
 *    "origin":{"spec":"demo ...","loads":3,"ok":2,"notFound":1,"timeouts":0,"errors":0,"outOfMemory":0,"millis":12},
 *    "mainStore":{"bytes":..,"payloadBytes":..,"items":..,"gets":..,"hits":..,"evictions":..},"hotStore":{...}}}}
 * </pre>
 */
public final class StatsJson {
  private static final JSON WRITER = JSON.std;

  private StatsJson() {}

  /** One group's numbers. */
  public record GroupView(String name, long cacheBytes, GroupStats stats, String originSpec, OriginLoader.Counts origin) {}

  /**
   * The node's membership as it sees it: ready or not (and the warm-up before it listened, or
   * null), each remote peer's health, where the peers come from ({@code discovery} null with
   * a fixed list), what keeps ownership changes safe ({@code ownership}, or null), and the entries
   * handed over by departing nodes ({@code handoff}, or null).
   */
  public record MembershipView(Readiness.Snapshot readiness, List<PeerState> peerStates, PeerWatcher.Status discovery,
      RingView ring, OwnershipStats ownership, Warmup.Report warmUp, HandoffStats handoff) {
    public MembershipView(Readiness.Snapshot readiness, List<PeerState> peerStates, PeerWatcher.Status discovery,
        RingView ring) {
      this(readiness, peerStates, discovery, ring, null, null, null);
    }
  }

  /**
   * This node's ring mode and fingerprint (null without peers), and the requests and answers from
   * peers whose fingerprint differs (their peer list, ring mode or replica count is not this node's).
   */
  public record RingView(String mode, String fingerprint, long mismatches, String lastMismatchPeer) {}

  public static String render(String self, String instance, List<String> peers, int replicas, String basePath,
      long uptimeMillis, long maxHeapBytes, MembershipView membership, List<GroupView> groups) {
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("self", self);
    doc.put("instance", instance);
    doc.put("peers", peers);
    doc.put("replicas", replicas);
    doc.put("basePath", basePath);
    doc.put("uptimeMillis", uptimeMillis);
    doc.put("maxHeapBytes", maxHeapBytes);
    if (membership != null) {
      membership(doc, membership);
    }
    Map<String, Object> byName = new LinkedHashMap<>();
    for (GroupView g : groups) {
      byName.put(g.name(), group(g));
    }
    doc.put("groups", byName);
    try {
      return WRITER.asString(doc) + "\n";
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write /stats", e); // maps of strings and numbers always write
    }
  }

  private static void membership(Map<String, Object> doc, MembershipView v) {
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("state", v.readiness().state().name().toLowerCase(java.util.Locale.ROOT));
    r.put("since", v.readiness().since().toString());
    r.put("reason", v.readiness().reason());
    Warmup.Report w = v.warmUp();
    if (w != null) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("ended", w.ended());
      m.put("limitMillis", w.limit().toMillis());
      m.put("millis", w.took().toMillis());
      m.put("requests", w.requests());
      m.put("failed", w.failed());
      m.put("firstFailure", w.firstFailure());
      m.put("connections", w.connections());
      m.put("compileMillis", w.compileMillis());
      m.put("ringChanges", w.ringChanges());
      r.put("warmUp", m);
    }
    doc.put("readiness", r);
    Map<String, Object> states = new LinkedHashMap<>();
    for (PeerState p : v.peerStates()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("state", p.status().name().toLowerCase(java.util.Locale.ROOT));
      m.put("since", p.since().toString());
      m.put("reason", p.reason());
      m.put("ownership", p.ownership().wireName());
      m.put("incarnation", p.incarnation() == 0 ? null : hex(p.incarnation()));
      m.put("through", p.through());
      states.put(p.peer(), m);
    }
    doc.put("peerStates", states);
    OwnershipStats o = v.ownership();
    if (o != null) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("state", o.state().wireName());
      m.put("incarnation", hex(o.incarnation()));
      m.put("catchUps", o.catchUps());
      m.put("coarseDrops", o.coarseDrops());
      m.put("hintsApplied", o.hintsApplied());
      m.put("relayed", o.relayed());
      m.put("hintsHeld", o.hintsHeld());
      m.put("hintsDelivered", o.hintsDelivered());
      m.put("hintOverflows", o.hintOverflows());
      m.put("hintsPending", new LinkedHashMap<>(o.hintsPending()));
      doc.put("ownership", m);
    }
    if (v.ring() != null) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("mode", v.ring().mode());
      m.put("fingerprint", v.ring().fingerprint());
      m.put("mismatches", v.ring().mismatches());
      m.put("lastMismatchPeer", v.ring().lastMismatchPeer());
      doc.put("ring", m);
    }
    HandoffStats h = v.handoff();
    if (h != null) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("handedOff", h.handedOff());
      m.put("handedOffKept", h.handedOffKept());
      m.put("received", h.received());
      m.put("receivedDropped", h.receivedDropped());
      m.put("loadedAhead", h.loadedAhead());
      doc.put("handoff", m);
    }
    PeerWatcher.Status d = v.discovery();
    if (d != null) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("source", d.source());
      m.put("selfListed", d.selfListed());
      m.put("lastLookup", d.lastLookup() == null ? null : d.lastLookup().toString());
      m.put("lastChange", d.lastChange() == null ? null : d.lastChange().toString());
      m.put("problem", d.problem());
      doc.put("discovery", m);
    }
  }

  private static Map<String, Object> group(GroupView g) {
    GroupStats s = g.stats();
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("cacheBytes", g.cacheBytes());
    m.put("gets", s.gets());
    m.put("cacheHits", s.cacheHits());
    m.put("peerLoads", s.peerLoads());
    m.put("peerErrors", s.peerErrors());
    m.put("loads", s.loads());
    m.put("loadsDeduped", s.loadsDeduped());
    m.put("localLoads", s.localLoads());
    m.put("localLoadErrors", s.localLoadErrors());
    m.put("serverRequests", s.serverRequests());
    m.put("notFoundHits", s.notFoundHits());
    m.put("staleHits", s.staleHits());
    m.put("removes", s.removes());
    m.put("sets", s.sets());
    m.put("expirations", s.expirations());
    m.put("foundAtPreviousOwner", s.foundAtPreviousOwner());
    m.put("notFoundAtPreviousOwner", s.notFoundAtPreviousOwner());
    m.put("coarseDrops", s.coarseDrops());
    m.put("writeWaits", s.writeWaits());
    m.put("writeWaitTimeouts", s.writeWaitTimeouts());
    Map<String, Object> o = new LinkedHashMap<>();
    OriginLoader.Counts c = g.origin();
    o.put("spec", g.originSpec());
    o.put("loads", c.loads());
    o.put("ok", c.ok());
    o.put("notFound", c.notFound());
    o.put("timeouts", c.timeouts());
    o.put("errors", c.errors());
    o.put("outOfMemory", c.outOfMemory());
    o.put("millis", c.nanos() / 1_000_000);
    m.put("origin", o);
    m.put("mainStore", store(s.mainStore()));
    m.put("hotStore", store(s.hotStore()));
    return m;
  }

  private static Map<String, Object> store(StoreStats s) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("bytes", s.bytes());
    m.put("payloadBytes", s.payloadBytes());
    m.put("items", s.items());
    m.put("gets", s.gets());
    m.put("hits", s.hits());
    m.put("evictions", s.evictions());
    return m;
  }

  private static String hex(long n) {
    String h = Long.toHexString(n);
    return "0000000000000000".substring(h.length()) + h;
  }

  /** Parses a {@code /stats} document (as the demo and the tests read it). */
  public static Map<String, Object> parse(String json) throws IOException {
    try {
      return JSON.std.mapFrom(json);
    } catch (IOException e) {
      throw new IOException("not a JSON object (" + e.getMessage() + "): " + json, e);
    }
  }

  /** The origin loads of every group of a parsed {@code /stats} document, added up. */
  public static long originLoads(Map<String, Object> stats) throws IOException {
    long n = 0;
    for (Object group : object(stats, "groups").values()) {
      n += ((Number) object(group, "origin").get("loads")).longValue();
    }
    return n;
  }

  /** The object {@code field} of {@code parent}, a JSON object. */
  @SuppressWarnings("unchecked")
  public static Map<String, Object> object(Object parent, String field) throws IOException {
    Object o = parent instanceof Map<?, ?> m ? m.get(field) : null;
    if (!(o instanceof Map<?, ?>)) {
      throw new IOException("no object '" + field + "' in " + parent);
    }
    return (Map<String, Object>) o;
  }
}
