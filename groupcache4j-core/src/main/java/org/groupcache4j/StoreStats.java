package org.groupcache4j;

/**
 * A snapshot of one store of a group (main or hot).
 *
 * @param bytes bytes the store counts against its budget: for the compact store all the
 *     heap it holds (records, their headers, unused segment space, index); for the LRU and
 *     W-TinyLFU stores the UTF-8 key length plus value length of every entry
 * @param items entries held
 * @param gets lookups
 * @param hits lookups that found a value
 * @param evictions entries dropped to stay within the byte budget
 * @param payloadBytes the UTF-8 key length plus value length of every entry held
 */
public record StoreStats(long bytes, long items, long gets, long hits, long evictions, long payloadBytes) {
  /** A snapshot of a store whose budget counts key and value bytes: {@code payloadBytes == bytes}. */
  public StoreStats(long bytes, long items, long gets, long hits, long evictions) {
    this(bytes, items, gets, hits, evictions, bytes);
  }
}
