package org.groupcache4j.docs.contexts;

/** Nothing but the block's own imports and statements. */
public abstract class NoContext extends DocContext {}
