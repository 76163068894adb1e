package org.groupcache4j.spring.app;

import java.util.List;

/** A record that is not Serializable: written as JSON. */
public record Author(String name, int born, List<String> titles) {}
