package org.groupcache4j.spring.boot.app;

import java.util.ArrayList;
import java.util.List;
import org.groupcache4j.spring.boot.GroupCacheHealthIndicator;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.health.contributor.Health;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

/**
 * The test application, started in a JVM of its own with a small heap by {@code HeapShortHealthTest}:
 * it prints its {@code groupcache} health, then holds on to more and more of the heap until the
 * health says the heap is short (or the heap is all but full), prints it, lets the memory go, and
 * prints it once more. One line per report: {@code HEALTH <status> <heap detail or ->}.
 */
@Configuration(proxyBeanMethods = false)
@EnableAutoConfiguration
@Import(TestApplication.class)
public class HeapShortApplication {
  public static void main(String[] args) {
    SpringApplication app = new SpringApplication(HeapShortApplication.class);
    app.setWebApplicationType(WebApplicationType.NONE);
    try (ConfigurableApplicationContext context = app.run("--groupcache4j.caches.books.cache-bytes=1MB",
        "--spring.main.banner-mode=off", "--logging.level.root=warn")) {
      GroupCacheHealthIndicator health = context.getBean(GroupCacheHealthIndicator.class);
      context.getBean(TestApplication.Library.class).find("isbn-1");
      System.gc();
      report(health);
      List<byte[]> held = new ArrayList<>();
      Runtime rt = Runtime.getRuntime();
      while (health.health().getDetails().get("heap") == null
          && rt.maxMemory() - (rt.totalMemory() - rt.freeMemory()) > 6L << 20) {
        held.add(new byte[1 << 20]);
        if (held.size() % 2 == 0) {
          System.gc(); // the health reads each pool's use right after its last collection
        }
      }
      report(health);
      held.clear();
      System.gc();
      report(health);
    }
  }

  private static void report(GroupCacheHealthIndicator indicator) {
    Health h = indicator.health();
    Object heap = h.getDetails().get("heap");
    System.out.println("HEALTH " + h.getStatus().getCode() + " " + (heap == null ? "-" : heap));
    System.out.flush();
  }
}
