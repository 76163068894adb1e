package org.groupcache4j.codec.library;

import java.io.Serializable;
import java.time.LocalDate;
import java.util.List;

/** A value type of the codec tests: a record with JDK types inside. */
public record Book(String isbn, String title, List<String> authors, LocalDate published) implements Serializable {}
