package org.groupcache4j.http.internal.security;

import java.nio.file.Path;

/** A certificate, key or CA file that cannot be used: names which one, the file and the problem. */
public final class TlsFileException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  /** Which of the TLS files is at fault. */
  public enum Role {
    CERTIFICATE("certificate"),
    KEY("private key"),
    TRUSTED("trusted CA certificates");

    private final String what;

    Role(String what) {
      this.what = what;
    }

    @Override
    public String toString() {
      return what;
    }
  }

  private final Role role;
  private final Path file;
  private final String problem;

  public TlsFileException(Role role, Path file, String problem) {
    super(role + " file " + file + ": " + problem);
    this.role = role;
    this.file = file;
    this.problem = problem;
  }

  public Role role() {
    return role;
  }

  public Path file() {
    return file;
  }

  /** The problem alone, without the role and file. */
  public String problem() {
    return problem;
  }
}
