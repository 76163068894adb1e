package org.groupcache4j.http;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/** Collects WARNING and worse records from Netty and from this module (both log through java.util.logging here). */
final class LogCapture extends Handler implements AutoCloseable {
  private static final List<String> WATCHED = List.of("io.netty", "org.groupcache4j.http");
  final List<LogRecord> records = new CopyOnWriteArrayList<>();

  LogCapture() {
    setLevel(Level.WARNING);
    Logger.getLogger("").addHandler(this);
  }

  @Override
  public void publish(LogRecord r) {
    String name = r.getLoggerName() == null ? "" : r.getLoggerName();
    if (r.getLevel().intValue() >= Level.WARNING.intValue() && WATCHED.stream().anyMatch(name::startsWith)) {
      records.add(r);
    }
  }

  List<String> messages() {
    return records.stream().map(r -> r.getLoggerName() + ": " + r.getMessage()
        + (r.getThrown() == null ? "" : " " + r.getThrown())).toList();
  }

  @Override
  public void flush() {}

  @Override
  public void close() {
    Logger.getLogger("").removeHandler(this);
  }
}
