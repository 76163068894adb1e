package org.groupcache4j.docs.contexts;

/**
 * What a java block of the docs may use without declaring it. A block that is a fragment (no
 * class of its own) is compiled as the body of {@link #run()} in a subclass of the context its
 * {@code <!-- context: NAME -->} marker names ({@code none}, {@code db}, {@code cache},
 * {@code metrics}, {@code tls}), with its imports at the top; the fields of the context are its
 * variables. The reader sees only the block: these names stand for what the reader has.
 */
public abstract class DocContext {
  /** The block. */
  protected abstract void run() throws Exception;

  /** Sets the context up, runs the block, and tears the context down. */
  public final void execute() throws Exception {
    setUp();
    try {
      run();
    } finally {
      tearDown();
    }
  }

  protected void setUp() throws Exception {}

  protected void tearDown() throws Exception {}

  /** The context class a marker names. */
  public static Class<? extends DocContext> named(String name) {
    return switch (name) {
      case "none" -> NoContext.class;
      case "db" -> DbContext.class;
      case "cache" -> CacheContext.class;
      case "metrics" -> MetricsContext.class;
      case "tls" -> TlsContext.class;
      default -> throw new IllegalArgumentException("no context '" + name + "': use none, db, cache, metrics or tls");
    };
  }
}
