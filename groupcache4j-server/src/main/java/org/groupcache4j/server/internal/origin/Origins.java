package org.groupcache4j.server.internal.origin;

import java.time.Duration;
import java.util.regex.Pattern;

/** Builds an {@link Origin} from its {@code --origin} spec. */
public final class Origins {
  /** What {@code --origin} accepts, for messages and help. */
  public static final String ACCEPTED = "demo, http://…{key}…, https://…{key}…, dir:PATH, "
      + "jdbc:URL (with --query), synthetic:SIZE[,delay=DURATION]";

  /** Parameters named like secrets; and the password of user:password@ in a URL. */
  private static final Pattern SECRET_PARAMETER = Pattern.compile(
      "(?i)\\b(password|passwd|pwd|secret|client_secret|token|access_token|api_key|apikey|api-key|sig|signature)=[^;&\\s]*");
  private static final Pattern USER_PASSWORD = Pattern.compile("//([^/@:\\s]+):[^/@\\s]*@");

  private Origins() {}

  /**
   * {@code text} (an origin spec, a URL, or a message quoting one) with secrets hidden, for messages,
   * logs and stats: the password of {@code user:password@}, and the values of parameters named like
   * secrets ({@code password=}, {@code token=}, {@code api_key=}, {@code sig=}, ... separated by
   * {@code &} or {@code ;}).
   */
  public static String redact(String text) {
    return SECRET_PARAMETER.matcher(USER_PASSWORD.matcher(text).replaceAll("//$1:***@")).replaceAll("$1=***");
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
