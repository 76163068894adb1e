package org.groupcache4j.codecs.gadget;

/** Another class outside the allowed packages: initialising it is recorded in {@link Sightings}. */
public class Trigger {
  static {
    Sightings.triggerInitialised = true;
  }
}
