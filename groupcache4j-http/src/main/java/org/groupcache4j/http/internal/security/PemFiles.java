package org.groupcache4j.http.internal.security;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads PEM certificates and private keys with the JDK alone. Keys may be PKCS#8
 * ({@code BEGIN PRIVATE KEY}: RSA, EC), PKCS#1 ({@code BEGIN RSA PRIVATE KEY}, cert-manager's
 * default) or SEC1 ({@code BEGIN EC PRIVATE KEY}, what {@code openssl ecparam -genkey} writes):
 * the last two are wrapped into PKCS#8 here, since Netty reads them only with BouncyCastle on the
 * class path. Encrypted keys are refused with a hint how to decrypt them.
 */
public final class PemFiles {
  private static final Pattern BLOCK = Pattern.compile(
      "-----BEGIN ([A-Z0-9 ]+)-----\\s*(.*?)-----END \\1-----", Pattern.DOTALL);
  private static final byte[] OID_RSA = {0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7, 0x0d, 0x01, 0x01, 0x01};
  private static final byte[] OID_EC = {0x06, 0x07, 0x2a, (byte) 0x86, 0x48, (byte) 0xce, 0x3d, 0x02, 0x01};

  private PemFiles() {}

  /**
   * Every {@code CERTIFICATE} block of {@code file}, in order (a chain: the leaf first).
   *
   * @throws TlsFileException naming the file and the problem (missing, unreadable, no certificate, not X.509)
   */
  public static List<X509Certificate> certificates(TlsFileException.Role role, Path file) {
    String text = read(role, file);
    List<X509Certificate> out = new ArrayList<>();
    Matcher m = BLOCK.matcher(text);
    try {
      CertificateFactory cf = CertificateFactory.getInstance("X.509");
      while (m.find()) {
        if (m.group(1).equals("CERTIFICATE")) {
          out.add((X509Certificate) cf.generateCertificate(new ByteArrayInputStream(base64(role, file, m.group(2)))));
        }
      }
    } catch (CertificateException e) {
      throw new TlsFileException(role, file, "a CERTIFICATE block is not a valid X.509 certificate (" + e.getMessage() + ")");
    }
    if (out.isEmpty()) {
      throw new TlsFileException(role, file, "no PEM certificate in it (expected -----BEGIN CERTIFICATE-----)");
    }
    return out;
  }

  /**
   * The private key of {@code file}: PKCS#8, PKCS#1 (RSA) or SEC1 (EC), unencrypted.
   *
   * @throws TlsFileException naming the file and the problem
   */
  public static PrivateKey privateKey(TlsFileException.Role role, Path file) {
    String text = read(role, file);
    Matcher m = BLOCK.matcher(text);
    while (m.find()) {
      String label = m.group(1);
      String body = m.group(2);
      switch (label) {
        case "ENCRYPTED PRIVATE KEY" -> throw encrypted(role, file);
        case "PRIVATE KEY" -> {
          return pkcs8(role, file, base64(role, file, body), "RSA", "EC", "Ed25519", "Ed448");
        }
        case "RSA PRIVATE KEY" -> {
          if (body.contains("ENCRYPTED")) {
            throw encrypted(role, file);
          }
          byte[] pkcs1 = base64(role, file, body);
          byte[] algorithm = seq(concat(OID_RSA, new byte[] {0x05, 0x00}));
          return pkcs8(role, file, pkcs8Wrap(algorithm, pkcs1), "RSA");
        }
        case "EC PRIVATE KEY" -> {
          if (body.contains("ENCRYPTED")) {
            throw encrypted(role, file);
          }
          byte[] sec1 = base64(role, file, body);
          byte[] curve = sec1Curve(sec1);
          if (curve == null) {
            throw new TlsFileException(role, file, "the EC PRIVATE KEY does not name its curve; "
                + "convert it with: openssl pkcs8 -topk8 -nocrypt -in KEY -out KEY.pk8");
          }
          return pkcs8(role, file, pkcs8Wrap(seq(concat(OID_EC, curve)), sec1), "EC");
        }
        default -> { } // parameters, certificates: skip
      }
    }
    throw new TlsFileException(role, file, "no PEM private key in it (expected -----BEGIN PRIVATE KEY-----, "
        + "-----BEGIN RSA PRIVATE KEY----- or -----BEGIN EC PRIVATE KEY-----)");
  }

  /**
   * Checks that {@code key} belongs to {@code cert} by signing a few bytes with it and verifying
   * them with the certificate's public key (a rotated certificate whose key is not written yet fails here).
   */
  public static boolean matches(PrivateKey key, X509Certificate cert) {
    String alg = switch (key.getAlgorithm()) {
      case "RSA" -> "SHA256withRSA";
      case "EC" -> "SHA256withECDSA";
      default -> key.getAlgorithm(); // Ed25519, Ed448
    };
    try {
      byte[] probe = "groupcache4j key check".getBytes(StandardCharsets.US_ASCII);
      Signature s = Signature.getInstance(alg);
      s.initSign(key);
      s.update(probe);
      byte[] sig = s.sign();
      Signature v = Signature.getInstance(alg);
      v.initVerify(cert.getPublicKey());
      v.update(probe);
      return v.verify(sig);
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  private static TlsFileException encrypted(TlsFileException.Role role, Path file) {
    return new TlsFileException(role, file, "the private key is encrypted, which is not supported; "
        + "store it unencrypted (readable by this user only): openssl pkey -in KEY -out KEY.plain");
  }

  private static String read(TlsFileException.Role role, Path file) {
    try {
      return Files.readString(file, StandardCharsets.ISO_8859_1);
    } catch (NoSuchFileException e) {
      throw new TlsFileException(role, file, "no such file");
    } catch (AccessDeniedException e) {
      throw new TlsFileException(role, file, "permission denied");
    } catch (IOException e) {
      throw new TlsFileException(role, file, "cannot read it: " + e.getMessage());
    }
  }

  private static byte[] base64(TlsFileException.Role role, Path file, String body) {
    StringBuilder b = new StringBuilder();
    for (String line : body.split("\r?\n")) {
      if (!line.contains(":")) { // skip RFC 1421 headers such as Proc-Type
        b.append(line.trim());
      }
    }
    try {
      return Base64.getDecoder().decode(b.toString());
    } catch (IllegalArgumentException e) {
      throw new TlsFileException(role, file, "a PEM block is not valid base64 (" + e.getMessage() + ")");
    }
  }

  private static PrivateKey pkcs8(TlsFileException.Role role, Path file, byte[] der, String... algorithms) {
    for (String a : algorithms) {
      try {
        return KeyFactory.getInstance(a).generatePrivate(new PKCS8EncodedKeySpec(der));
      } catch (GeneralSecurityException | IllegalArgumentException e) {
        // try the next algorithm
      }
    }
    throw new TlsFileException(role, file, "the private key is not an RSA, EC or EdDSA key the JDK can read");
  }

  /** The curve OID (a full TLV) in the {@code [0]} parameters of a SEC1 {@code ECPrivateKey}, or null. */
  static byte[] sec1Curve(byte[] der) {
    try {
      int[] pos = {0};
      expect(der, pos, 0x30);
      length(der, pos);
      skip(der, pos, 0x02); // version
      skip(der, pos, 0x04); // private key
      if (pos[0] < der.length && (der[pos[0]] & 0xff) == 0xa0) {
        pos[0]++;
        int len = length(der, pos);
        byte[] oid = new byte[len];
        System.arraycopy(der, pos[0], oid, 0, len);
        return oid[0] == 0x06 ? oid : null;
      }
      return null;
    } catch (RuntimeException e) {
      return null;
    }
  }

  private static void expect(byte[] der, int[] pos, int tag) {
    if ((der[pos[0]++] & 0xff) != tag) {
      throw new IllegalArgumentException("unexpected DER tag");
    }
  }

  private static void skip(byte[] der, int[] pos, int tag) {
    expect(der, pos, tag);
    int len = length(der, pos);
    pos[0] += len;
  }

  private static int length(byte[] der, int[] pos) {
    int first = der[pos[0]++] & 0xff;
    if (first < 0x80) {
      return first;
    }
    int n = first & 0x7f;
    int len = 0;
    for (int i = 0; i < n; i++) {
      len = (len << 8) | (der[pos[0]++] & 0xff);
    }
    return len;
  }

  private static byte[] pkcs8Wrap(byte[] algorithm, byte[] key) {
    return seq(concat(new byte[] {0x02, 0x01, 0x00}, algorithm, tlv(0x04, key)));
  }

  private static byte[] seq(byte[] content) {
    return tlv(0x30, content);
  }

  private static byte[] tlv(int tag, byte[] content) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(content.length + 6);
    out.write(tag);
    int len = content.length;
    if (len < 0x80) {
      out.write(len);
    } else if (len < 0x100) {
      out.write(0x81);
      out.write(len);
    } else if (len < 0x10000) {
      out.write(0x82);
      out.write(len >> 8);
      out.write(len);
    } else {
      out.write(0x83);
      out.write(len >> 16);
      out.write(len >> 8);
      out.write(len);
    }
    out.writeBytes(content);
    return out.toByteArray();
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }
}
