/** Micrometer meters of a groupcache4j cache: {@link org.groupcache4j.micrometer.GroupCacheMetrics}. */
module org.groupcache4j.micrometer {
  requires transitive org.groupcache4j;
  requires transitive micrometer.core;

  exports org.groupcache4j.micrometer;
}
