package org.groupcache4j.server.internal;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import org.slf4j.LoggerFactory;

/** Sets log levels from the command line (logback.xml gives the defaults: INFO, libraries at WARN). */
public final class Logging {
  private Logging() {}

  /** Sets the level of the project's loggers; {@code TRACE} and {@code DEBUG} also show every origin call. */
  public static void setLevel(String level) {
    Level l = Level.toLevel(level, null);
    if (l == null) {
      throw new IllegalArgumentException("'" + level + "' is not a log level; use ERROR, WARN, INFO, DEBUG or TRACE");
    }
    if (LoggerFactory.getLogger("org.groupcache4j") instanceof Logger lb) {
      lb.setLevel(l);
    }
  }
}
