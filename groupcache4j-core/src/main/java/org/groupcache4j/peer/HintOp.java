package org.groupcache4j.peer;

/**
 * One thing a node missed, held for it by a node that could not tell it ({@link HintDelivery}):
 * always a drop, never a value. Drops are idempotent and commute, so a hint that arrives late never
 * puts an older value over a newer write; the value of a missed set sits at the key's other owners,
 * where the node finds it when it asks the previous owner.
 *
 * @param group the group, or {@code null}: drop every entry of every group
 * @param key the key, or {@code null}: drop every entry of {@code group}
 */
public record HintOp(String group, String key) {
  public HintOp {
    if (group == null && key != null) {
      throw new IllegalArgumentException("a hint that names a key names its group too (key '" + key + "')");
    }
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
