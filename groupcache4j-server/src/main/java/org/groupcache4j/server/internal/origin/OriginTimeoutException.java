package org.groupcache4j.server.internal.origin;

/** The origin did not answer within its timeout; reported to clients as a load timeout (504). */
public final class OriginTimeoutException extends Exception {
  private static final long serialVersionUID = 1L;

  public OriginTimeoutException(String message) {
    super(message);
  }
}
