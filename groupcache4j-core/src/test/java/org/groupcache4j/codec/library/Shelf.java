package org.groupcache4j.codec.library;

import java.io.Serializable;

/** Holds anything: the codec tests put a class outside the allow-list in it. */
public record Shelf(String name, Object item) implements Serializable {}
