/**
 * groupcache4j core: groups, loaders, stores, single-flight, the hash ring and the peer SPI. Its
 * internals are exported to our other modules alone; groupcache4j-server, groupcache4j-testing and
 * the Spring Boot starter are the automatic modules {@code org.groupcache4j.server},
 * {@code org.groupcache4j.testing} and {@code org.groupcache4j.spring.boot} (javac's notes that
 * they are not found are expected).
 */
@SuppressWarnings("module")
module org.groupcache4j {
  requires com.github.benmanes.caffeine;
  requires java.naming; // DNS peer discovery through the JDK's provider (jdk.naming.dns)
  requires static jdk.management; // G1's region size, for the compact store's segments (without it: not known)

  exports org.groupcache4j;
  exports org.groupcache4j.ring;
  exports org.groupcache4j.peer;
  exports org.groupcache4j.discovery;
  exports org.groupcache4j.internal to org.groupcache4j.http, org.groupcache4j.node, org.groupcache4j.server,
      org.groupcache4j.spring.boot, org.groupcache4j.testing;
}
