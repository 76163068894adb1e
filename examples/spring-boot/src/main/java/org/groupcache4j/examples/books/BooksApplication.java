package org.groupcache4j.examples.books;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.cache.annotation.EnableCaching;

/**
 * A book service whose lookups go to a slow repository through a {@code @Cacheable} method. Run
 * three of it with the groupcache4j starter and each book is read from the repository once,
 * whichever instance is asked (see application.properties and README.md).
 */
@SpringBootApplication
@EnableCaching
public class BooksApplication {
  public static void main(String[] args) {
    SpringApplication.run(BooksApplication.class, args);
  }
}
