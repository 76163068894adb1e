package org.groupcache4j.spring.app;

/** A record key. */
public record BookId(String shelf, long number) {}
