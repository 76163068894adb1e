package org.groupcache4j.server.internal.api;

import com.fasterxml.jackson.jr.ob.JSON;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.groupcache4j.GroupStats;
import org.groupcache4j.StoreStats;

/**
 * The {@code /stats} document, written by hand (a dozen numbers need no JSON library):
 *
 * <pre>
 * {"self":"http://127.0.0.1:8001","peers":[...],"replicas":50,"basePath":"/_groupcache/",
 *  "uptimeMillis":1234,"originLoads":3,
 *  "groups":{"scores":{"cacheBytes":67108864,"gets":..,"cacheHits":..,"peerLoads":..,
 *    "peerErrors":..,"loads":..,"loadsDeduped":..,"localLoads":..,"localLoadErrors":..,
 *    "serverRequests":..,"originLoads":3,
 *    "origin":{"spec":"demo ...","loads":3,"ok":2,"notFound":1,"timeouts":0,"errors":0,"millis":12},
 *    "mainStore":{"bytes":..,"items":..,"gets":..,"hits":..,"evictions":..},"hotStore":{...}}}}
 * </pre>
 */
public final class StatsJson {
  private StatsJson() {}

  /** One group's numbers. */
  public record GroupView(String name, long cacheBytes, GroupStats stats, String originSpec, long originLoads,
      long originOk, long originNotFound, long originTimeouts, long originErrors, long originNanos) {}

  public static String render(String self, String instance, List<String> peers, int replicas, String basePath,
      long uptimeMillis, List<GroupView> groups) {
    StringBuilder sb = new StringBuilder(1024);
    long totalLoads = 0;
    for (GroupView g : groups) {
      totalLoads += g.originLoads();
    }
    sb.append("{\"self\":");
    str(sb, self);
    sb.append(",\"instance\":");
    str(sb, instance);
    sb.append(",\"peers\":[");
    for (int i = 0; i < peers.size(); i++) {
      if (i > 0) {
        sb.append(',');
      }
      str(sb, peers.get(i));
    }
    sb.append("],\"replicas\":").append(replicas);
    sb.append(",\"basePath\":");
    str(sb, basePath);
    sb.append(",\"uptimeMillis\":").append(uptimeMillis);
    sb.append(",\"originLoads\":").append(totalLoads);
    sb.append(",\"groups\":{");
    for (int i = 0; i < groups.size(); i++) {
      GroupView g = groups.get(i);
      GroupStats s = g.stats();
      if (i > 0) {
        sb.append(',');
      }
      str(sb, g.name());
      sb.append(":{\"cacheBytes\":").append(g.cacheBytes())
          .append(",\"gets\":").append(s.gets())
          .append(",\"cacheHits\":").append(s.cacheHits())
          .append(",\"peerLoads\":").append(s.peerLoads())
          .append(",\"peerErrors\":").append(s.peerErrors())
          .append(",\"loads\":").append(s.loads())
          .append(",\"loadsDeduped\":").append(s.loadsDeduped())
          .append(",\"localLoads\":").append(s.localLoads())
          .append(",\"localLoadErrors\":").append(s.localLoadErrors())
          .append(",\"serverRequests\":").append(s.serverRequests())
          .append(",\"originLoads\":").append(g.originLoads())
          .append(",\"origin\":{\"spec\":");
      str(sb, g.originSpec());
      sb.append(",\"loads\":").append(g.originLoads())
          .append(",\"ok\":").append(g.originOk())
          .append(",\"notFound\":").append(g.originNotFound())
          .append(",\"timeouts\":").append(g.originTimeouts())
          .append(",\"errors\":").append(g.originErrors())
          .append(",\"millis\":").append(g.originNanos() / 1_000_000)
          .append("},\"mainStore\":");
      store(sb, s.mainStore());
      sb.append(",\"hotStore\":");
      store(sb, s.hotStore());
      sb.append('}');
    }
    sb.append("}}\n");
    return sb.toString();
  }

  private static void store(StringBuilder sb, StoreStats s) {
    sb.append("{\"bytes\":").append(s.bytes())
        .append(",\"items\":").append(s.items())
        .append(",\"gets\":").append(s.gets())
        .append(",\"hits\":").append(s.hits())
        .append(",\"evictions\":").append(s.evictions())
        .append('}');
  }

  /** Parses a {@code /stats} document (as read by the demo and the tests). */
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

  @SuppressWarnings("unchecked")
  private static Map<String, Object> object(Object parent, String field) throws IOException {
    Object o = parent instanceof Map<?, ?> m ? m.get(field) : null;
    if (!(o instanceof Map<?, ?>)) {
      throw new IOException("no object '" + field + "' in /stats: " + parent);
    }
    return (Map<String, Object>) o;
  }

  /** Appends {@code s} as a JSON string. */
  static void str(StringBuilder sb, String s) {
    sb.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        default -> {
          if (c < 0x20 || c == 0x2028 || c == 0x2029) {
            sb.append(String.format("\\u%04x", (int) c));
          } else {
            sb.append(c);
          }
        }
      }
    }
    sb.append('"');
  }
}
