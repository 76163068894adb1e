package org.groupcache4j.server.internal.origin;

import java.time.Duration;

/** Builds an {@link Origin} from its {@code --origin} spec. */
public final class Origins {
  /** What {@code --origin} accepts, for messages and help. */
  public static final String ACCEPTED = "demo, http://…{key}…, https://…{key}…, dir:PATH, "
      + "jdbc:URL (with --query), synthetic:SIZE[,delay=DURATION]";

  private Origins() {}

  /** {@code spec} with passwords hidden, for messages. */
  public static String redact(String spec) {
    return JdbcOrigin.redact(spec);
  }

  /** Settings that some origins use. */
  public record Settings(String query, String jdbcUser, String jdbcPassword, int jdbcPool,
      Duration timeout, long maxValueBytes) {}

  /**
   * The origin for {@code spec}.
   *
   * @throws OriginConfigException if the spec is malformed (a usage error) or what it names cannot
   *     be used (missing directory, unreachable database)
   */
  public static Origin create(String spec, Settings s) throws OriginConfigException {
    if (spec.equals("demo")) {
      return DemoDatabase.create(s.timeout(), s.maxValueBytes());
    }
    if (spec.startsWith("http://") || spec.startsWith("https://")) {
      return HttpOrigin.create(spec, s.timeout(), s.maxValueBytes());
    }
    if (spec.startsWith("dir:")) {
      return DirOrigin.create(spec.substring("dir:".length()), s.maxValueBytes());
    }
    if (spec.startsWith("jdbc:")) {
      return JdbcOrigin.create(spec, s.query(), s.jdbcUser(), s.jdbcPassword(), s.jdbcPool(), s.timeout(),
          s.maxValueBytes(), null);
    }
    if (spec.startsWith("synthetic:")) {
      return SyntheticOrigin.parse(spec.substring("synthetic:".length()), s.maxValueBytes());
    }
    throw new OriginConfigException("not an origin; use " + ACCEPTED, true, null);
  }
}
