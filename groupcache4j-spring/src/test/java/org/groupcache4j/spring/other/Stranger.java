package org.groupcache4j.spring.other;

/** A record that is not Serializable, outside the tests' allowed packages. */
public record Stranger(String name) {}
