package org.groupcache4j.node.internal;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one place where a node's values are read from text: sizes, durations, addresses, peer URLs,
 * switches and counts, for the command line, the config file, the client API ({@code ?ttl=}) and
 * whatever else reads settings. Each parser throws {@link IllegalArgumentException} with a message
 * that says what was given and what is accepted; the caller adds where it was given (a flag, a
 * line of a file).
 *
 * <p>What is accepted ({@link #SIZES} and {@link #DURATIONS} say it in short, for help texts):
 * <ul>
 *   <li>a size ({@link #size}): plain bytes ({@code 1048576}, {@code 100B}) or a binary unit
 *       ({@code 512KiB}, {@code 64MiB}, {@code 1GiB}, {@code 2TiB}), any case; {@link #dataSize}
 *       also takes Spring's {@code DataSize} spelling, {@code KB}, {@code MB}, {@code GB},
 *       {@code TB}, meaning the same binary multiples ({@code 64MB} = {@code 64MiB}), for settings
 *       that come from Spring properties;
 *   <li>a duration ({@link #duration}): a number and a unit, {@code ns}, {@code us},
 *       {@code ms}, {@code s}, {@code m}, {@code h} ({@code 200ms}, {@code 5s}, {@code 1.5s},
 *       {@code 2m}), or ISO-8601 ({@code PT5S}); never negative nor longer than about 292 years
 *       (a long of nanoseconds);
 *   <li>an address ({@link #hostPort}): {@code HOST:PORT}, {@code [v6]:PORT} or {@code :PORT};
 *   <li>a peer URL ({@link #peerUrl}): {@code http://HOST:PORT} or {@code https://HOST:PORT}, kept
 *       exactly as given (it is what the ring hashes).
 * </ul>
 */
public final class Values {
  /** What {@link #size} accepts, in short (for help texts). */
  public static final String SIZES = "plain bytes or KiB/MiB/GiB (64MiB)";
  /** What {@link #duration} accepts, in short (for help texts). */
  public static final String DURATIONS = "200ms, 5s, 1.5s, 2m";

  private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*(|b|kib|mib|gib|tib)", Pattern.CASE_INSENSITIVE);
  /** {@link #SIZE} and Spring's {@code DataSize} suffixes, which are binary too. */
  private static final Pattern DATA_SIZE = Pattern.compile("(\\d+)\\s*(|b|kib|mib|gib|tib|kb|mb|gb|tb)",
      Pattern.CASE_INSENSITIVE);
  private static final Pattern DURATION = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(ns|us|µs|ms|s|m|h)");
  /** The longest duration taken (about 292 years): longer ones overflow the nanosecond and millisecond arithmetic downstream. */
  private static final Duration LONGEST = Duration.ofNanos(Long.MAX_VALUE);

  private Values() {}

  /** A byte size: plain bytes ({@code 1048576}) or a binary unit: {@code 512KiB}, {@code 64MiB}, {@code 1GiB}. */
  public static long size(String text) {
    return size(text, SIZE, "KiB, MiB, GiB, TiB (e.g. 512KiB, 64MiB, 1GiB)");
  }

  /**
   * A byte size as {@link #size} takes it, or in the units of Spring's {@code DataSize}:
   * {@code KB}, {@code MB}, {@code GB}, {@code TB}, which are binary as there ({@code 1KB} = 1024
   * bytes, {@code 64MB} = {@code 64MiB}).
   */
  public static long dataSize(String text) {
    return size(text, DATA_SIZE, "KB/KiB, MB/MiB, GB/GiB, TB/TiB, each 1024 times the one before "
        + "(e.g. 512KB, 64MB, 1GiB)");
  }

  private static long size(String text, Pattern pattern, String units) {
    Matcher m = pattern.matcher(text == null ? "" : text.trim());
    if (!m.matches()) {
      throw new IllegalArgumentException("'" + text + "' is not a size; use plain bytes (e.g. 1048576) or " + units);
    }
    int shift = switch (m.group(2).toLowerCase(Locale.ROOT)) {
      case "kib", "kb" -> 10;
      case "mib", "mb" -> 20;
      case "gib", "gb" -> 30;
      case "tib", "tb" -> 40;
      default -> 0;
    };
    try {
      long n = Long.parseLong(m.group(1));
      if (n > (Long.MAX_VALUE >> shift)) {
        throw new NumberFormatException();
      }
      return n << shift;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("'" + text + "' is too large a size");
    }
  }

  /** A duration: {@code 200ms}, {@code 5s}, {@code 1.5s}, {@code 2m}, {@code 1h}, {@code 250us}, or ISO-8601 ({@code PT5S}). */
  public static Duration duration(String text) {
    String t = text == null ? "" : text.trim();
    Matcher m = DURATION.matcher(t);
    if (m.matches()) {
      double n = Double.parseDouble(m.group(1));
      double nanosPerUnit = switch (m.group(2)) {
        case "ns" -> 1;
        case "us", "µs" -> 1e3;
        case "ms" -> 1e6;
        case "s" -> 1e9;
        case "m" -> 60e9;
        default -> 3600e9;
      };
      double nanos = n * nanosPerUnit;
      if (nanos > Long.MAX_VALUE) {
        throw tooLong(text);
      }
      return Duration.ofNanos(Math.round(nanos));
    }
    if (t.toUpperCase(Locale.ROOT).startsWith("P")) {
      Duration d = null;
      try {
        d = Duration.parse(t);
      } catch (DateTimeParseException e) {
        // fall through to the message below
      }
      if (d != null && d.compareTo(LONGEST) > 0) {
        throw tooLong(text);
      }
      if (d != null && !d.isNegative()) {
        return d;
      }
    }
    throw new IllegalArgumentException("'" + text + "' is not a duration; use a number and a unit: "
        + "ms, s, m, h (e.g. 200ms, 5s, 1.5s, 2m)");
  }

  private static IllegalArgumentException tooLong(String text) {
    return new IllegalArgumentException("'" + text + "' is too long a duration; use at most 292 years (e.g. 100000h)");
  }

  /**
   * A duration up to {@code max}, or {@code 0} / {@code off} (zero); a longer one is refused with
   * "'TEXT' is longer than {@code whyTooLong}".
   */
  public static Duration durationOrOff(String text, Duration max, String whyTooLong) {
    String t = text == null ? "" : text.trim();
    if (t.equals("0") || t.equalsIgnoreCase("off")) {
      return Duration.ZERO;
    }
    Duration d = duration(t);
    if (d.compareTo(max) > 0) {
      throw new IllegalArgumentException("'" + text + "' is longer than " + whyTooLong);
    }
    return d;
  }

  /** A positive duration. */
  public static Duration positiveDuration(String text) {
    Duration d = duration(text);
    if (d.isZero()) {
      throw new IllegalArgumentException("'" + text + "' must be longer than zero (e.g. 200ms, 5s)");
    }
    return d;
  }

  /** A switch: {@code true}, {@code yes}, {@code on} or {@code false}, {@code no}, {@code off} (any case). */
  public static boolean bool(String text) {
    return switch ((text == null ? "" : text).strip().toLowerCase(Locale.ROOT)) {
      case "true", "yes", "on" -> true;
      case "false", "no", "off" -> false;
      default -> throw new IllegalArgumentException("use true or false");
    };
  }

  /**
   * A file's path, as given (a caller may take a relative one from a directory of its own).
   *
   * @param ifBlank what the message of a blank path says to give, e.g. {@code name the certificate file (PEM)}
   */
  public static Path path(String text, String ifBlank) {
    if (text == null || text.isBlank()) {
      throw new IllegalArgumentException(ifBlank);
    }
    return Path.of(text); // InvalidPathException is an IllegalArgumentException
  }

  /**
   * A count of 1 or more.
   *
   * @param hint added to the message of a bad count, e.g. {@code (50 is golang/groupcache's default)}; may be empty
   */
  public static int atLeastOne(String text, String hint) {
    String suffix = hint.isEmpty() ? "" : " " + hint;
    int n;
    try {
      n = Integer.parseInt(text == null ? "" : text.strip());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("not a whole number; use 1 or more" + suffix);
    }
    if (n < 1) {
      throw new IllegalArgumentException("use 1 or more" + suffix);
    }
    return n;
  }

  /**
   * A listen address {@code HOST:PORT}: {@code 127.0.0.1:9999}, {@code localhost:9999},
   * {@code [::1]:9999}, or {@code :9999} / {@code 0.0.0.0:9999} for every interface. Port 0 picks
   * a free port. Not resolved here.
   */
  public static InetSocketAddress hostPort(String text) {
    String t = text == null ? "" : text.trim();
    int colon = t.lastIndexOf(':');
    if (colon < 0 || (t.startsWith("[") && t.endsWith("]"))) { // [::1] alone: its colons are not a port's
      throw new IllegalArgumentException("'" + text + "' is not HOST:PORT; use e.g. 127.0.0.1:9999, "
          + "localhost:9999, [::1]:9999 or :9999 for every interface");
    }
    String host = t.substring(0, colon);
    String portText = t.substring(colon + 1);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    } else if (host.indexOf(':') >= 0) {
      throw new IllegalArgumentException("'" + text + "': write an IPv6 address in brackets, e.g. [::1]:9999");
    }
    int port;
    try {
      port = Integer.parseInt(portText);
    } catch (NumberFormatException e) {
      port = -1;
    }
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("'" + text + "' has no valid port; use a port 0..65535, "
          + "e.g. 127.0.0.1:9999");
    }
    if (host.isEmpty()) {
      host = "0.0.0.0";
    }
    return InetSocketAddress.createUnresolved(host, port);
  }

  /** A comma-separated list of {@link #hostPort} addresses. */
  public static List<InetSocketAddress> hostPorts(String text) {
    List<InetSocketAddress> out = new ArrayList<>();
    for (String part : (text == null ? "" : text).split(",")) {
      if (!part.isBlank()) {
        out.add(hostPort(part));
      }
    }
    if (out.isEmpty()) {
      throw new IllegalArgumentException("'" + text + "' names no address; use HOST:PORT[,HOST:PORT...]");
    }
    return out;
  }

  /**
   * A peer URL as groupcache names peers: {@code http://HOST:PORT} or {@code https://HOST:PORT}, no
   * path, no trailing slash. The exact string is what the ring hashes (the scheme included, as
   * golang/groupcache hashes it), so it is returned unchanged.
   */
  public static String peerUrl(String text) {
    String t = text == null ? "" : text.trim();
    URI u;
    try {
      u = new URI(t);
    } catch (URISyntaxException e) {
      u = null;
    }
    if (u == null || !("http".equals(u.getScheme()) || "https".equals(u.getScheme())) || u.getHost() == null || u.getPort() < 0
        || (u.getRawPath() != null && !u.getRawPath().isEmpty()) || u.getRawQuery() != null
        || u.getRawFragment() != null || u.getRawUserInfo() != null) {
      throw new IllegalArgumentException("'" + text + "' is not a peer URL; use http://HOST:PORT or https://HOST:PORT "
          + "with no path or trailing slash, e.g. http://10.0.0.1:8001");
    }
    if (u.getPort() > 65535) {
      throw new IllegalArgumentException("'" + text + "' has port " + u.getPort() + "; use a port 0..65535, e.g. "
          + "http://10.0.0.1:8001");
    }
    return t;
  }

  /** A comma-separated list of {@link #peerUrl}s, duplicates refused. */
  public static List<String> peerUrls(String text) {
    List<String> out = new ArrayList<>();
    for (String part : (text == null ? "" : text).split(",")) {
      if (part.isBlank()) {
        continue;
      }
      String p = peerUrl(part);
      if (out.contains(p)) {
        throw new IllegalArgumentException("'" + p + "' is listed twice; list every node once");
      }
      out.add(p);
    }
    if (out.isEmpty()) {
      throw new IllegalArgumentException("'" + text + "' names no peer; use http://HOST:PORT[,http://HOST:PORT...]");
    }
    return out;
  }

  /**
   * {@code a} resolved ({@link #hostPort} leaves it unresolved, and a socket cannot be bound so).
   *
   * @throws IOException {@code FLAG HOST:PORT: unknown host HOST} if it does not resolve
   */
  public static InetSocketAddress resolve(String flag, InetSocketAddress a) throws IOException {
    InetSocketAddress r = a.isUnresolved() ? new InetSocketAddress(a.getHostString(), a.getPort()) : a;
    if (r.isUnresolved()) {
      throw new IOException(flag + " " + format(a) + ": unknown host " + a.getHostString());
    }
    return r;
  }

  /** {@code host:port} ({@code [v6]:port}) of an address, without the resolver's slash. */
  public static String format(InetSocketAddress a) {
    if (a == null) {
      return "?";
    }
    String h = a.getAddress() != null ? a.getAddress().getHostAddress() : a.getHostString();
    return (h.indexOf(':') >= 0 ? "[" + h + "]" : h) + ":" + a.getPort();
  }

  /** Formats a byte count for people: {@code 64MiB}, {@code 1536KiB}, {@code 100}. */
  public static String formatSize(long bytes) {
    String[] units = {"TiB", "GiB", "MiB", "KiB"};
    int[] shifts = {40, 30, 20, 10};
    for (int i = 0; i < units.length; i++) {
      long unit = 1L << shifts[i];
      if (bytes != 0 && bytes % unit == 0) {
        return (bytes >> shifts[i]) + units[i];
      }
    }
    return Long.toString(bytes);
  }

  /** Formats a duration for people: {@code 200ms}, {@code 5s}. */
  public static String formatDuration(Duration d) {
    long ms = d.toMillis();
    if (ms % 1000 == 0 && ms != 0) {
      return (ms / 1000) + "s";
    }
    return ms + "ms";
  }
}
