package org.groupcache4j.server.internal;

import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SIGTERM and SIGINT as events rather than JVM exits. A shutdown hook alone cannot give a
 * graceful stop exit code 0 (the JVM reports 143 for TERM), so the node replaces the signals'
 * handlers with {@code sun.misc.Signal} (module jdk.unsupported, in every JDK since 9; called
 * reflectively so the build needs no internal API), drains, and exits 0 itself. A second signal
 * while draining stops the process at once.
 */
public final class Signals {
  private static final Logger log = LoggerFactory.getLogger(Signals.class);

  private Signals() {}

  /**
   * Runs {@code onFirst} on the first TERM or INT (on a signal thread) and halts with 130 on the
   * second. Returns false if signals cannot be handled on this JVM (the default handling stays).
   */
  public static boolean onTermination(Runnable onFirst) {
    Runnable[] pending = {onFirst};
    try {
      Class<?> signalType = Class.forName("sun.misc.Signal");
      Class<?> handlerType = Class.forName("sun.misc.SignalHandler");
      Method getName = signalType.getMethod("getName");
      Method handle = signalType.getMethod("handle", signalType, handlerType);
      Object handler = Proxy.newProxyInstance(Signals.class.getClassLoader(), new Class<?>[] {handlerType},
          (proxy, method, args) -> {
            switch (method.getName()) {
              case "handle" -> onSignal(pending, (String) getName.invoke(args[0]));
              case "hashCode" -> {
                return System.identityHashCode(proxy);
              }
              case "equals" -> {
                return proxy == args[0];
              }
              case "toString" -> {
                return "groupcache4j graceful-shutdown signal handler";
              }
              default -> { }
            }
            return null;
          });
      for (String name : new String[] {"TERM", "INT"}) {
        try {
          handle.invoke(null, signalType.getConstructor(String.class).newInstance(name), handler);
        } catch (ReflectiveOperationException e) {
          log.debug("cannot handle SIG{} here: {}", name, e.getCause() != null ? e.getCause() : e);
        }
      }
      return true;
    } catch (ReflectiveOperationException | RuntimeException e) {
      log.warn("cannot handle SIGTERM/SIGINT on this JVM ({}); they will stop the process without draining", e.toString());
      return false;
    }
  }

  private static void onSignal(Runnable[] pending, String name) {
    Runnable r;
    synchronized (pending) {
      r = pending[0];
      pending[0] = null;
    }
    if (r != null) {
      log.info("SIG{} received: shutting down gracefully (send it again to stop at once)", name);
      r.run();
    } else {
      log.warn("SIG{} received again: stopping now", name);
      Runtime.getRuntime().halt(130);
    }
  }
}
