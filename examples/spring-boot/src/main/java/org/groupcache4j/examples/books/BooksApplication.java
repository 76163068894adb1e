package org.groupcache4j.examples.books;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.cache.annotation.EnableCaching;

/**
 * A book service whose lookups go to a slow repository through a {@code @Cacheable} method. Run
 * three of it with the groupcache4j starter and each book is read from the repository once,
 * whichever instance is asked:
 *
 * <pre>
 * java -jar groupcache4j-example-spring-boot.jar --server.port=8081 \
 *   --groupcache4j.self=http://127.0.0.1:8001 \
 *   --groupcache4j.peers=http://127.0.0.1:8001,http://127.0.0.1:8002,http://127.0.0.1:8003
 * </pre>
 * (and the same with 8082/8002 and 8083/8003), then {@code curl localhost:8082/books/42}. With
 * {@code --spring.profiles.active=caffeine} or {@code redis} it runs on Spring's Caffeine or
 * Spring Data Redis provider instead, for comparison (groupcache4j-bench/spring-vs.sh).
 */
@SpringBootApplication
@EnableCaching
public class BooksApplication {
  public static void main(String[] args) {
    SpringApplication.run(BooksApplication.class, args);
  }
}
