package org.groupcache4j.examples.books;

import org.springframework.cache.annotation.CacheEvict;
import org.springframework.cache.annotation.Cacheable;
import org.springframework.stereotype.Service;

/** The cached service: a book is read from the repository once, whichever instance and however many callers ask. */
@Service
public class BookService {
  private final BookRepository repository;

  public BookService(BookRepository repository) {
    this.repository = repository;
  }

  @Cacheable(cacheNames = "books", sync = true)
  public Book find(String isbn) {
    return repository.find(isbn);
  }

  /** The book changed in the repository: every instance drops its cached copy, and the next read loads it again. */
  @CacheEvict(cacheNames = "books")
  public void changed(String isbn) {
    // the database was updated elsewhere; only the cache needs telling
  }
}
