package org.groupcache4j.http.tls;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Throw-away certificates for tests, made with the {@code openssl} command line in a directory
 * the test owns (nothing is checked in). A {@link Ca} issues node certificates with IP and DNS
 * subject alternative names (valid for both server and client use), expired ones, and
 * intermediate CAs for chains.
 *
 * <pre>{@code
 * TestCerts.Ca ca = TestCerts.newCa(dir, "test CA");
 * TestCerts.Cert node = ca.issue("node1", KeyType.EC, "127.0.0.1");   // node.certFile(), node.keyFile()
 * TestCerts.Ca rogue = TestCerts.newCa(dir, "rogue CA");
 * }</pre>
 */
public final class TestCerts {
  private static final AtomicInteger SERIAL = new AtomicInteger((int) (System.nanoTime() & 0xffff) + 1);

  private TestCerts() {}

  /** The kind of a new private key. */
  public enum KeyType {
    /** RSA 2048. */
    RSA,
    /** EC on P-256 (prime256v1). */
    EC
  }

  /** A certificate file and its private key file (PEM; the key unencrypted PKCS#8). */
  public record Cert(Path certFile, Path keyFile, String name) {
    /**
     * The same key in its algorithm's traditional PEM form ({@code BEGIN RSA PRIVATE KEY}, PKCS#1,
     * or {@code BEGIN EC PRIVATE KEY}, SEC1), as cert-manager and {@code openssl ecparam} write it.
     */
    public Path traditionalKeyFile() {
      Path out = keyFile.resolveSibling(name + ".trad.key");
      if (!Files.exists(out)) {
        openssl(keyFile.getParent(), "pkey", "-in", keyFile.toString(), "-traditional", "-out", out.toString());
      }
      return out;
    }
  }

  /** A certificate authority that issues certificates. */
  public static final class Ca {
    private final Path dir;
    private final String name;
    private final Cert cert;
    private final boolean intermediate; // issued certificate files then carry this CA's certificate too

    private Ca(Path dir, String name, Cert cert, boolean intermediate) {
      this.dir = dir;
      this.name = name;
      this.cert = cert;
      this.intermediate = intermediate;
    }

    /** The CA's certificate (PEM): the trust bundle. */
    public Path certFile() {
      return cert.certFile();
    }

    /** The CA's own certificate and key. */
    public Cert cert() {
      return cert;
    }

    /**
     * A leaf certificate named {@code CN=name}, valid for two days from now, for server and
     * client authentication, with a subject alternative name per entry of {@code sans} (IP
     * addresses become {@code IP:}, anything else {@code DNS:}).
     */
    public Cert issue(String name, KeyType type, String... sans) {
      return sign(name, type, false, null, sans);
    }

    /** Like {@link #issue}, but valid only during a day in 2020: expired. */
    public Cert issueExpired(String name, KeyType type, String... sans) {
      return sign(name, type, false, new String[] {"20200101000000Z", "20200102000000Z"}, sans);
    }

    /** A CA below this one; its issued certificates' {@link Cert#certFile} hold the leaf and this intermediate. */
    public Ca intermediate(String name) {
      return new Ca(dir, name, sign(name, KeyType.EC, true, null), true);
    }

    private Cert sign(String leaf, KeyType type, boolean isCa, String[] dates, String... sans) {
      Path key = newKey(dir, leaf, type);
      Path csr = dir.resolve(leaf + ".csr");
      openssl(dir, "req", "-new", "-key", key.toString(), "-subj", "/CN=" + leaf, "-out", csr.toString());
      Path ext = dir.resolve(leaf + ".ext");
      StringBuilder e = new StringBuilder();
      if (isCa) {
        e.append("basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\n");
      } else {
        e.append("basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\n")
            .append("extendedKeyUsage=serverAuth,clientAuth\n");
      }
      List<String> alt = new ArrayList<>();
      for (String s : sans) {
        alt.add((s.matches("[0-9.]+") || s.contains(":") ? "IP:" : "DNS:") + s);
      }
      if (!alt.isEmpty()) {
        e.append("subjectAltName=").append(String.join(",", alt)).append('\n');
      }
      Path crt = dir.resolve(leaf + ".pem");
      try {
        Files.writeString(ext, e.toString());
        if (dates == null) {
          openssl(dir, "x509", "-req", "-in", csr.toString(), "-CA", cert.certFile().toString(),
              "-CAkey", cert.keyFile().toString(), "-set_serial", Integer.toString(SERIAL.incrementAndGet()),
              "-days", "2", "-sha256", "-extfile", ext.toString(), "-out", crt.toString());
        } else {
          signWithDates(csr, ext, crt, dates);
        }
        if (intermediate) {
          Files.writeString(crt, Files.readString(crt) + Files.readString(cert.certFile()));
        }
      } catch (IOException ex) {
        throw new UncheckedIOException(ex);
      }
      return new Cert(crt, key, leaf);
    }

    /** {@code openssl x509} cannot set dates in the past; {@code openssl ca} can, with a little database. */
    private void signWithDates(Path csr, Path ext, Path crt, String[] dates) throws IOException {
      Path db = Files.createDirectories(dir.resolve("ca-db-" + name.replaceAll("\\W", "_")));
      Path index = db.resolve("index.txt");
      if (!Files.exists(index)) {
        Files.createFile(index);
      }
      Path cnf = db.resolve("ca.cnf");
      Files.writeString(cnf, "[ca]\ndefault_ca=d\n[d]\ndatabase=" + index + "\nnew_certs_dir=" + db
          + "\nserial=" + db.resolve("serial") + "\ndefault_md=sha256\npolicy=p\nunique_subject=no\n"
          + "[p]\ncommonName=supplied\n");
      Files.writeString(db.resolve("serial"), String.format("%04X%n", SERIAL.incrementAndGet()));
      openssl(dir, "ca", "-batch", "-config", cnf.toString(), "-cert", cert.certFile().toString(),
          "-keyfile", cert.keyFile().toString(), "-in", csr.toString(), "-out", crt.toString(),
          "-startdate", dates[0], "-enddate", dates[1], "-extfile", ext.toString(), "-notext");
    }
  }

  /** A new self-signed root CA named {@code CN=name}, its files in {@code dir}. */
  public static Ca newCa(Path dir, String name) {
    String file = name.replaceAll("\\W", "_");
    Path key = newKey(dir, file, KeyType.EC);
    Path crt = dir.resolve(file + ".pem");
    openssl(dir, "req", "-x509", "-new", "-key", key.toString(), "-subj", "/CN=" + name, "-days", "3",
        "-sha256", "-addext", "basicConstraints=critical,CA:TRUE",
        "-addext", "keyUsage=critical,keyCertSign,cRLSign", "-out", crt.toString());
    return new Ca(dir, file, new Cert(crt, key, file), false);
  }

  private static Path newKey(Path dir, String name, KeyType type) {
    Path key = dir.resolve(name + ".key");
    if (type == KeyType.RSA) {
      openssl(dir, "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", key.toString());
    } else {
      openssl(dir, "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", key.toString());
    }
    return key;
  }

  /** Runs {@code openssl args...} in {@code dir}; fails with its output if it fails. */
  public static void openssl(Path dir, String... args) {
    List<String> cmd = new ArrayList<>();
    cmd.add("openssl");
    cmd.addAll(List.of(args));
    try {
      Files.createDirectories(dir);
      Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
      byte[] out = p.getInputStream().readAllBytes();
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException("openssl did not finish: " + cmd);
      }
      if (p.exitValue() != 0) {
        throw new IllegalStateException("openssl failed (" + p.exitValue() + "): " + cmd + "\n"
            + new String(out, StandardCharsets.UTF_8));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run openssl (install the openssl package): " + cmd, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
