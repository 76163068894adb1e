package org.groupcache4j.server.internal;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.Encoder;
import java.util.Locale;
import org.slf4j.LoggerFactory;
import org.slf4j.bridge.SLF4JBridgeHandler;

/**
 * The server's one logging backend, Logback: SLF4J loggers log to it directly, the library's
 * {@link System.Logger}s reach it through slf4j-jdk-platform-logging (a {@code LoggerFinder} on
 * the class path), and java.util.logging through jul-to-slf4j. So {@code --log-level} governs
 * every line, and every line has the format of logback.xml (ISO-8601 time with zone) or, with
 * {@code --log-format json}, one JSON object per line (Logback's {@link JsonEncoder}).
 */
public final class Logging {
  /** The access log of the client API (off unless {@code --access-log}). */
  public static final String ACCESS_LOGGER = "org.groupcache4j.access";

  private Logging() {}

  /**
   * Sets up the backend for {@code serve}.
   *
   * @param level ERROR, WARN, INFO, DEBUG or TRACE (any case)
   * @param format {@code text} or {@code json}
   * @param accessLog whether to log every client API request
   * @throws IllegalArgumentException naming the bad level or format
   */
  public static void configure(String level, String format, boolean accessLog) {
    Level l = level(level);
    String f = checkFormat(format).toLowerCase(Locale.ROOT);
    routeJavaUtilLogging();
    setLevel(l);
    if (f.equals("json")) {
      useJson();
    }
    if (logger(ACCESS_LOGGER) instanceof Logger access) {
      access.setLevel(accessLog ? Level.INFO : Level.OFF);
    }
  }

  /** Sets the level of the project's loggers; {@code TRACE} and {@code DEBUG} also show every origin call. */
  private static void setLevel(Level l) {
    if (logger("org.groupcache4j") instanceof Logger project) {
      project.setLevel(l);
    }
    // Libraries stay at WARN, unless the user asked for less.
    if (logger(org.slf4j.Logger.ROOT_LOGGER_NAME) instanceof Logger root) {
      root.setLevel(l.isGreaterOrEqual(Level.WARN) ? l : Level.WARN);
    }
  }

  /**
   * {@code level}, if it names a level {@link #configure} takes: ERROR, WARN, INFO, DEBUG or TRACE (any case).
   *
   * @throws IllegalArgumentException saying which levels there are
   */
  public static String checkLevel(String level) {
    level(level);
    return level;
  }

  /**
   * {@code format}, if {@link #configure} takes it: {@code text} or {@code json} (any case).
   *
   * @throws IllegalArgumentException saying which formats there are
   */
  public static String checkFormat(String format) {
    String f = format.toLowerCase(Locale.ROOT);
    if (!f.equals("text") && !f.equals("json")) {
      throw new IllegalArgumentException("'" + format + "' is not a log format; use text or json");
    }
    return format;
  }

  private static Level level(String level) {
    Level l = Level.toLevel(level, null);
    if (l == null || l == Level.ALL || l == Level.OFF) {
      throw new IllegalArgumentException("'" + level + "' is not a log level; use ERROR, WARN, INFO, DEBUG or TRACE");
    }
    return l;
  }

  /** The levels {@link #errorsOnlyExcept} changed, put back as they were by {@link #close}. */
  interface Quiet extends AutoCloseable {
    @Override
    void close();
  }

  /**
   * Until the result is closed, the project's loggers log errors only, except {@code keep}'s, which
   * logs as it did: for the warm-up, whose throw-away nodes' warnings (a load cut short as they
   * close, a ring that differs while a node joins) are not the node's. Loggers given a level of
   * their own keep it.
   */
  static Quiet errorsOnlyExcept(Class<?> keep) {
    if (!(logger("org.groupcache4j") instanceof Logger project) || !(logger(keep.getName()) instanceof Logger kept)) {
      return () -> {};
    }
    Level projectLevel = project.getLevel();
    Level keptLevel = kept.getLevel();
    kept.setLevel(kept.getEffectiveLevel());
    if (!project.getEffectiveLevel().isGreaterOrEqual(Level.ERROR)) {
      project.setLevel(Level.ERROR);
    }
    return () -> {
      project.setLevel(projectLevel);
      kept.setLevel(keptLevel);
    };
  }

  /** Sends java.util.logging records to SLF4J instead of JUL's own console format. */
  static void routeJavaUtilLogging() {
    if (!SLF4JBridgeHandler.isInstalled()) {
      SLF4JBridgeHandler.removeHandlersForRootLogger();
      SLF4JBridgeHandler.install();
    }
  }

  /** Swaps the console encoder for one JSON object per line. */
  private static void useJson() {
    if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext ctx)) {
      return;
    }
    Logger root = ctx.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    if (!(root.getAppender("STDERR") instanceof ConsoleAppender<ILoggingEvent> console)
        || console.getEncoder() instanceof JsonEncoder) {
      return;
    }
    JsonEncoder json = new JsonEncoder();
    json.setContext(ctx);
    json.setWithSequenceNumber(false);
    json.setWithNanoseconds(false);
    json.setWithContext(false);
    json.setWithArguments(false);
    json.setWithMessage(false); // the formatted message is the one to read
    json.setWithFormattedMessage(true);
    json.start();
    console.stop();
    Encoder<ILoggingEvent> old = console.getEncoder();
    console.setEncoder(json);
    console.start();
    old.stop();
  }

  private static org.slf4j.Logger logger(String name) {
    return LoggerFactory.getLogger(name);
  }
}
