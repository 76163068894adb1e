package org.groupcache4j.bench.fault.history;

/**
 * One load from the source (the harness's origin): node {@code node} asked for {@code key} and
 * got {@code value}, a value no other load got, between {@code start} and {@code end}
 * (nanoseconds since the run began, the clock of the operations).
 */
public record SourceLoad(int id, int node, String key, String value, long start, long end) {}
