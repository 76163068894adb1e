/**
 * A groupcache4j node as settings describe it: the one table of a node's settings, their parsers
 * and defaults, and their resolution ({@link org.groupcache4j.node.settings}). The server's
 * command line, config file and flag reference are made from it, as an integration's properties
 * can be. The parsers of sizes, durations and addresses ({@code org.groupcache4j.node.internal})
 * are exported to the server and the Spring starter alone (automatic modules
 * {@code org.groupcache4j.server} and {@code org.groupcache4j.spring.boot}; javac's note that they are
 * not found is expected).
 */
@SuppressWarnings("module")
module org.groupcache4j.node {
  requires transitive org.groupcache4j;
  requires org.groupcache4j.http;
  requires java.management;

  exports org.groupcache4j.node.settings;
  exports org.groupcache4j.node.internal to org.groupcache4j.server, org.groupcache4j.spring.boot;
}
