package org.groupcache4j.codec.gadget;

import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.Serializable;
import java.util.concurrent.atomic.AtomicInteger;

/** A class outside every allow-list of the tests; counts how often a stream brought one to life. */
public final class Gadget implements Serializable {
  private static final long serialVersionUID = 1L;
  public static final AtomicInteger READ = new AtomicInteger();

  public String command = "rm -rf /";

  private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
    READ.incrementAndGet();
    in.defaultReadObject();
  }
}
