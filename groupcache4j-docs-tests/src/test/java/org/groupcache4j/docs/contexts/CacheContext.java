package org.groupcache4j.docs.contexts;

import org.groupcache4j.GroupCache;

/** {@code cache}: {@code db}, and a {@link GroupCache} of one node (no peers), closed after the block. */
public abstract class CacheContext extends DbContext {
  protected GroupCache cache;

  @Override
  protected void setUp() throws Exception {
    cache = GroupCache.builder().build();
  }

  @Override
  protected void tearDown() {
    cache.close();
  }
}
