package org.groupcache4j.spring.boot.app;

import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.boot.autoconfigure.AutoConfigurationPackage;
import org.springframework.cache.annotation.CacheEvict;
import org.springframework.cache.annotation.Cacheable;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** An application of the starter's tests: its package is the application's package. */
@Configuration(proxyBeanMethods = false)
@EnableCaching
@AutoConfigurationPackage
public class TestApplication {
  @Bean
  Library library() {
    return new Library();
  }

  /** A service whose methods are cached. */
  public static class Library {
    private final AtomicInteger calls = new AtomicInteger();

    /** How often {@link #find} ran (a method: the bean is a proxy, whose own fields are not the target's). */
    public int calls() {
      return calls.get();
    }

    @Cacheable(cacheNames = "books", sync = true)
    public Book find(String isbn) {
      calls.incrementAndGet();
      return new Book(isbn, "Title of " + isbn);
    }

    /** A list of records that are not Serializable: JSON after the element class. */
    @Cacheable(cacheNames = "books", key = "'shelf:' + #shelf")
    public java.util.List<Book> shelf(String shelf) {
      calls.incrementAndGet();
      return java.util.List.of(new Book(shelf + "-1", "First on " + shelf), new Book(shelf + "-2", "Second on " + shelf));
    }

    @CacheEvict(cacheNames = "books")
    public void changed(String isbn) {}
  }

  /** A value: a record that is not Serializable (so it is written as JSON). */
  public record Book(String isbn, String title) {}
}
