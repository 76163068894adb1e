/**
 * A groupcache4j node as settings describe it: the one table of a node's settings, their parsers
 * and defaults, and their resolution ({@link org.groupcache4j.node.settings}). The server's
 * command line, config file and flag reference are made from it, as an integration's properties
 * can be. The parsers of sizes, durations and addresses ({@code org.groupcache4j.node.internal})
 * are exported to the server alone (automatic module {@code org.groupcache4j.server}; javac's note
 * that it is not found is expected).
 */
@SuppressWarnings("module")
module org.groupcache4j.node {
  requires transitive org.groupcache4j;
  requires org.groupcache4j.http;

  exports org.groupcache4j.node.settings;
  exports org.groupcache4j.node.internal to org.groupcache4j.server;
}
