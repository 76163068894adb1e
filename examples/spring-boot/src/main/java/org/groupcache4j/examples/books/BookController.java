package org.groupcache4j.examples.books;

import java.util.Map;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/**
 * GET /books/{isbn} reads through the cache; DELETE /books/{isbn}/cached evicts the book on every
 * instance (the repository changed it); GET /repository/reads says how often this instance's
 * repository was read, per book.
 */
@RestController
public class BookController {
  private final BookService books;
  private final BookRepository repository;

  public BookController(BookService books, BookRepository repository) {
    this.books = books;
    this.repository = repository;
  }

  @GetMapping("/books/{isbn}")
  public Book get(@PathVariable String isbn) {
    return books.find(isbn);
  }

  @DeleteMapping("/books/{isbn}/cached")
  public ResponseEntity<Void> changed(@PathVariable String isbn) {
    books.changed(isbn);
    return ResponseEntity.noContent().build();
  }

  @GetMapping("/repository/reads")
  public Map<String, Object> reads() {
    return repository.reads();
  }
}
