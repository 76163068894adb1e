package org.groupcache4j.spring.other;

import java.io.Serializable;

/** A class outside the tests' allowed packages. */
public record Outsider(String name) implements Serializable {}
