package org.groupcache4j.spring.app;

import java.io.Serializable;
import java.time.LocalDate;
import java.util.List;

/** A Serializable record of the tests' application package. */
public record Book(String isbn, String title, List<String> authors, LocalDate published) implements Serializable {}
