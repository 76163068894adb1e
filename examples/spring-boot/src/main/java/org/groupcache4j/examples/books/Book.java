package org.groupcache4j.examples.books;

import java.io.Serializable;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;

/**
 * A book, and when the repository read it ({@code readAt}: the same on every answer while the
 * book is cached). A record, Serializable so that every cache provider the benchmark compares
 * stores it as it is.
 */
public record Book(String isbn, String title, List<String> authors, LocalDate published, int pages, Instant readAt)
    implements Serializable {}
