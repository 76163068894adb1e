/** groupcache4j core: groups, loaders, stores, single-flight, the hash ring and the peer SPI. */
module org.groupcache4j {
  requires com.github.benmanes.caffeine;
  requires java.naming; // DNS peer discovery through the JDK's provider (jdk.naming.dns)

  exports org.groupcache4j;
  exports org.groupcache4j.ring;
  exports org.groupcache4j.peer;
  exports org.groupcache4j.discovery;
  exports org.groupcache4j.internal to org.groupcache4j.http, org.groupcache4j.server;
}
