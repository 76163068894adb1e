package org.groupcache4j.peer;

/**
 * One thing a node missed, held for it by a node that could not tell it ({@link HintDelivery}):
 * always a drop, never a value. Drops are idempotent and commute, so a hint that arrives late never
 * puts an older value over a newer write; the value of a missed set sits at the key's other owners,
 * where the node finds it when it asks the previous owner.
 *
 * <p>A drop that arrives late may still remove a value that is newer than the write it stands for
 * (a set the node took after it came back): harmless while the value's other owner holds it, lost
 * if that owner dies too. So every op carries its age, and a node skips the ops made before it
 * last dropped everything it held or before it pulled the sender's hints (those drops are done
 * already).
 *
 * @param group the group, or {@code null}: drop every entry of every group
 * @param key the key, or {@code null}: drop every entry of {@code group}
 * @param ageMillis how long before it was sent the holder made this op (its newest write of the
 *     key, group or everything); 0 when unknown, which a receiver takes as "just now"
 */
public record HintOp(String group, String key, long ageMillis) {
  public HintOp {
    if (group == null && key != null) {
      throw new IllegalArgumentException("a hint that names a key names its group too (key '" + key + "')");
    }
    if (ageMillis < 0) {
      throw new IllegalArgumentException("a hint's age must not be negative, was " + ageMillis + " ms");
    }
  }

  /** An op of unknown age. */
  public HintOp(String group, String key) {
    this(group, key, 0);
  }

  /** This op, made {@code ageMillis} before it is sent. */
  public HintOp aged(long ageMillis) {
    return new HintOp(group, key, ageMillis);
  }

  /** Drop {@code key} of {@code group}. */
  public static HintOp drop(String group, String key) {
    return new HintOp(java.util.Objects.requireNonNull(group, "group"), java.util.Objects.requireNonNull(key, "key"));
  }

  /** Drop every entry of {@code group}. */
  public static HintOp dropGroup(String group) {
    return new HintOp(java.util.Objects.requireNonNull(group, "group"), null);
  }

  /** Drop everything. */
  public static HintOp dropAll() {
    return new HintOp(null, null);
  }

  /** Whether this drops a whole group. */
  public boolean wholeGroup() {
    return group != null && key == null;
  }

  /** Whether this drops everything. */
  public boolean everything() {
    return group == null;
  }
}
