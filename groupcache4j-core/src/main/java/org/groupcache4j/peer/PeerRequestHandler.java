package org.groupcache4j.peer;

import java.util.concurrent.CompletableFuture;
import org.groupcache4j.ByteView;

/**
 * What a transport calls for a request that arrived from a peer. The node answers from its
 * stores or with a local load and never forwards the request to another peer (one hop), so nodes
 * that briefly disagree about membership cannot loop.
 */
@FunctionalInterface
public interface PeerRequestHandler {
  /**
   * Answers a peer's request for {@code key} of {@code group}.
   *
   * @return a future completed with the value, or exceptionally with
   *     {@link org.groupcache4j.UnknownGroupException}, {@link org.groupcache4j.KeyNotFoundException},
   *     {@link org.groupcache4j.LoadTimeoutException} or {@link org.groupcache4j.LoadException}
   */
  CompletableFuture<ByteView> handle(String group, String key);
}
