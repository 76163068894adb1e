package org.groupcache4j.server.internal.origin;

import java.time.Duration;
import java.util.regex.Pattern;

/** Builds an {@link Origin} from its {@code --origin} spec. */
public final class Origins {
  /** What {@code --origin} accepts, for messages and help. */
  public static final String ACCEPTED = "demo, http://…{key}…, https://…{key}…, dir:PATH, "
      + "jdbc:URL (with --query), synthetic:SIZE[,delay=DURATION]";

  /**
   * A parameter named like a secret ({@code password}, {@code trustStorePassword}, {@code pwd},
   * {@code client_secret}, {@code access_token}, {@code api_key}, {@code X-Amz-Signature}, {@code sig},
   * ...), spaces allowed around {@code =}; its value ends at {@code ;}, {@code &} or a space, or is
   * quoted, or in SQL Server's braces ({@code {a;b}}, where a doubled closing brace stands for one).
   */
  private static final Pattern SECRET_PARAMETER = Pattern.compile("(?i)\\b([\\w.-]*(?:password|passwd|pwd|secret|token"
      + "|api_key|apikey|api-key|signature)|sig)(\\s*=\\s*)(?:\\{(?:[^}]|\\}\\})*\\}|\"[^\"]*\"|'[^']*'|[^;&\\s]*)");
  /** The password of {@code //user:password@host}. */
  private static final Pattern USER_PASSWORD = Pattern.compile("//([^/@:\\s]+):[^/@\\s]*@");
  /** Oracle's {@code jdbc:oracle:thin:user/password@host...} (the password may be quoted). */
  private static final Pattern ORACLE_PASSWORD = Pattern.compile("(?i)(jdbc:oracle:\\w+:)([^/@:\\s]+)/(?:\"[^\"]*\"|[^@\\s]*)@");

  private Origins() {}

  /**
   * {@code text} (an origin spec, a URL, or a message quoting one) with secrets hidden, for messages,
   * logs and stats: the password of {@code user:password@} and of Oracle's
   * {@code jdbc:oracle:thin:user/password@host}, and the values of parameters named like secrets
   * ({@code password=}, {@code password = }, {@code token=}, {@code api_key=}, {@code sig=}, ...
   * separated by {@code &} or {@code ;}). The rest stays as it was, to be read.
   */
  public static String redact(String text) {
    String s = USER_PASSWORD.matcher(text).replaceAll("//$1:***@");
    s = ORACLE_PASSWORD.matcher(s).replaceAll("$1$2/***@");
    return SECRET_PARAMETER.matcher(s).replaceAll("$1$2***");
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
