package org.groupcache4j.codecs.gadget;

/** What the gadgets' static initialisers did (read here, so that reading it initialises no gadget). */
public final class Sightings {
  public static volatile boolean triggerInitialised;

  private Sightings() {}
}
