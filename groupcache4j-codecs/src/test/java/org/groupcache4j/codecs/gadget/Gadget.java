package org.groupcache4j.codecs.gadget;

import java.util.concurrent.atomic.AtomicInteger;

/** A class outside the tests' allowed packages; counts its initialisations and instances. */
public class Gadget {
  public static final AtomicInteger CREATED = new AtomicInteger();
  public static volatile boolean initialised;

  static {
    initialised = true;
  }

  public String command = "rm -rf /";

  public Gadget() {
    CREATED.incrementAndGet();
  }
}
