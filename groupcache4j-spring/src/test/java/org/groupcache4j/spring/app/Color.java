package org.groupcache4j.spring.app;

/** An enum of the application, for keys. */
public enum Color { RED, GREEN }
