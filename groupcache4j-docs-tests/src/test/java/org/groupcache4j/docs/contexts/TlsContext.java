package org.groupcache4j.docs.contexts;

import java.nio.file.Files;
import java.nio.file.Path;
import org.groupcache4j.http.tls.TestCerts;

/**
 * {@code tls}: {@code db}, and this node's certificate {@code chain} and private {@code key} and
 * the CA certificate {@code ca} as PEM files, issued for 127.0.0.1 (made with openssl).
 */
public abstract class TlsContext extends DbContext {
  protected Path chain;
  protected Path key;
  protected Path ca;
  private Path dir;

  @Override
  protected void setUp() throws Exception {
    dir = Files.createTempDirectory("docs-tls-");
    TestCerts.Ca authority = TestCerts.newCa(dir, "docs-ca");
    TestCerts.Cert node = authority.issue("node1", TestCerts.KeyType.EC, "127.0.0.1");
    chain = node.certFile();
    key = node.keyFile();
    ca = authority.certFile();
  }

  @Override
  protected void tearDown() throws Exception {
    try (var files = Files.walk(dir)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }
}
