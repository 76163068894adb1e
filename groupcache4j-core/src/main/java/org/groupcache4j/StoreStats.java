package org.groupcache4j;

/**
 * A snapshot of one store of a group (main or hot).
 *
 * @param bytes bytes held: UTF-8 key length plus value length of every entry
 * @param items entries held
 * @param gets lookups
 * @param hits lookups that found a value
 * @param evictions entries dropped to stay within the byte budget
 */
public record StoreStats(long bytes, long items, long gets, long hits, long evictions) {}
