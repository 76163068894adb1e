package org.groupcache4j.http.internal.protocol;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * How the peer endpoint forwards a request it is asked to relay ({@link PeerHeaders#RELAY_TO}): the
 * transport's client of the target peer sends it once, as it came, and completes with the answer.
 */
@FunctionalInterface
public interface Forwarder {
  /** For a transport that relays nothing. */
  Forwarder NONE = (peer, method, tail, contentType, extraHeader, body) -> CompletableFuture.failedFuture(
      new IllegalStateException("this transport relays nothing"));

  /**
   * Sends {@code method {prefix}{base}{tail}} with {@code body} (of {@code contentType}, or none) to
   * {@code peer}, with {@code extraHeader} (a header line of write ids, or null); fails if this
   * transport has no client of it or the peer does not answer.
   */
  CompletableFuture<Answer> forward(String peer, String method, String tail, String contentType, String extraHeader,
      byte[] body);

  /** An answer as it came: its status, the headers worth passing on (content type and ours), its body. */
  record Answer(int status, List<Map.Entry<String, String>> headers, byte[] body) {}
}
