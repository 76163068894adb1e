package org.groupcache4j.ring;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.groupcache4j.internal.XxHash64;

/**
 * The {@link RingMode#BALANCED} placement: a consistent-hash ring with many points per member,
 * read through a table of {@value #SLOTS} slots, with a load bound (consistent hashing with
 * bounded loads, Mirrokni, Thorup and Zadimoghaddam, SODA 2018, applied to slots rather than keys).
 *
 * <ol>
 *   <li>Each member (named by its peer URL; members sorted, so only the set matters) puts
 *       {@value #POINTS_PER_MEMBER} points on a 64-bit ring at {@code splitmix64(XXH64(name) + i·φ)}.
 *   <li>Slot {@code s} covers the key hashes whose top 20 bits are {@code s}; its base owner is the
 *       member of the first point at or after the slot's start, as on any ring. With 2,000 points a
 *       member's base share is within about 2% (one standard deviation) of the mean.
 *   <li>No member keeps more than {@code C = floor(1.04 · SLOTS / N)} slots: one that has more
 *       keeps the {@code C} whose start lies closest before its points, and gives up the rest (the
 *       far ends of its longest arcs, exactly the slots a newcomer landing in those arcs would take
 *       first, so a join or leave seldom changes what it keeps).
 *   <li>The given-up slots, in slot order, go to the highest-scoring member by rendezvous hashing
 *       ({@code splitmix64(slotSeed ^ memberHash)}) among those still under {@code C}.
 * </ol>
 *
 * <p>So the busiest member owns at most 1.04× the mean share (a slot's share is exact: 2<sup>-20</sup>
 * of the hash space); keys move only when their slot changes owner, which a join or leave does to
 * its own share plus the few slots that the bound re-deals (about 5% more at 1,000 members, see
 * BENCHMARKS.md). A lookup is one XXH64 of the key and one array read. Members are limited to
 * 65,535 (the table holds {@code char}s); past about 20,000 the slots per member become too few for
 * the 4% bound to be kept exactly, and it degrades gracefully to one slot of difference.
 *
 * <p>Alternatives measured before this one (BENCHMARKS.md, "Ring balance"): Maglev hashing balances
 * exactly but moves 4 to 7 times the ideal share at 1,000 members; jump hashing over the sorted
 * member list renumbers every member after the place where one joins or leaves, moving most keys;
 * rendezvous hashing is ideal but costs one hash per member per lookup; a ring alone needs about
 * 5,000 points per member for 1.05 at 1,000 members.
 */
final class BalancedTable extends Placement {
  static final int SLOT_BITS = 20;
  static final int SLOTS = 1 << SLOT_BITS;
  static final int POINTS_PER_MEMBER = 2000;
  /** The load bound, in hundredths of the mean share. */
  static final int BOUND_PERCENT = 104;
  static final int MAX_MEMBERS = 65_535;
  /** What a fingerprint says of these parameters; change it with any of them. */
  static final String VERSION = "balanced/1:" + POINTS_PER_MEMBER + ":" + SLOT_BITS + ":" + BOUND_PERCENT;

  private static final long GOLDEN = 0x9E37_79B9_7F4A_7C15L;
  private static final long SPILL_SEED = 0x2545_F491_4F6C_DD1DL;
  private static final char NONE = Character.MAX_VALUE;

  private final String[] owners; // by sorted member index
  private final int[] givenIndex; // sorted index -> index in the order the ring was given
  private final char[] table; // slot -> sorted member index
  private final List<String> members; // as given
  /** The tables without each member (by sorted index), built when first asked; racy but idempotent. */
  private final BalancedTable[] withoutMember;
  /** Up to this many members, {@link #successor} is exact. */
  static final int EXACT_SUCCESSOR_MEMBERS = 16;

  /** @param members the peers in the order given (their names are the URLs), without duplicates */
  BalancedTable(List<String> members) {
    int n = members.size();
    if (n > MAX_MEMBERS) {
      throw new IllegalArgumentException("a balanced ring holds at most " + MAX_MEMBERS + " peers, was given " + n);
    }
    Integer[] order = new Integer[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    Arrays.sort(order, (a, b) -> members.get(a).compareTo(members.get(b)));
    this.owners = new String[n];
    this.givenIndex = new int[n];
    long[] memberHash = new long[n];
    for (int j = 0; j < n; j++) {
      givenIndex[j] = order[j];
      owners[j] = members.get(order[j]);
      memberHash[j] = XxHash64.hash(owners[j].getBytes(StandardCharsets.UTF_8), 0);
    }
    this.table = build(memberHash);
    this.members = List.copyOf(members);
    this.withoutMember = new BalancedTable[n <= EXACT_SUCCESSOR_MEMBERS ? n : 0];
  }

  static long splitmix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58_476D_1CE4_E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D0_49BB_1331_11EBL;
    return z ^ (z >>> 31);
  }

  private static char[] build(long[] memberHash) {
    int n = memberHash.length;
    char[] table = new char[SLOTS];
    if (n == 0) {
      return table;
    }
    int shift = 64 - SLOT_BITS;
    // 1. The first point in each slot (lowest unsigned position; equal positions: lower member).
    long[] first = new long[SLOTS];
    Arrays.fill(table, NONE);
    for (int j = 0; j < n; j++) {
      for (int i = 1; i <= POINTS_PER_MEMBER; i++) {
        long p = splitmix(memberHash[j] + i * GOLDEN);
        int s = (int) (p >>> shift);
        if (table[s] == NONE || Long.compareUnsigned(p, first[s]) < 0) {
          first[s] = p;
          table[s] = (char) j;
        }
      }
    }
    // 2. Base owner: the first point at or after the slot's start (an empty slot takes the next
    // slot's first point, wrapping); remember how far the slot's start lies before that point.
    long[] distance = new long[SLOTS];
    int firstSlot = 0;
    while (table[firstSlot] == NONE) {
      firstSlot++;
    }
    long nextPoint = first[firstSlot]; // slots after the last point wrap to the very first one
    char nextOwner = table[firstSlot];
    int[] load = new int[n];
    for (int s = SLOTS - 1; s >= 0; s--) {
      if (table[s] != NONE) {
        nextPoint = first[s];
        nextOwner = table[s];
      }
      table[s] = nextOwner;
      distance[s] = nextPoint - ((long) s << shift); // mod 2^64
      load[nextOwner]++;
    }
    // 3. The bound: a member over it keeps its C slots closest before its points.
    int bound = (int) Math.max(((long) SLOTS * BOUND_PERCENT) / (100L * n), ((long) SLOTS + n - 1) / n);
    int spilled = 0;
    int[] over = new int[n];
    for (int j = 0; j < n; j++) {
      if (load[j] > bound) {
        over[j] = load[j];
        spilled += load[j] - bound;
      }
    }
    if (spilled == 0) {
      return table;
    }
    long[][] slotsOf = new long[n][];
    int[] count = new int[n];
    for (int j = 0; j < n; j++) {
      if (over[j] > 0) {
        slotsOf[j] = new long[over[j]];
      }
    }
    for (int s = 0; s < SLOTS; s++) {
      int j = table[s];
      if (slotsOf[j] != null) {
        // distance (top 44 bits, as unsigned order) then slot index, in one signed-sortable long
        slotsOf[j][count[j]++] = (((distance[s] >>> SLOT_BITS) << SLOT_BITS) | s) ^ Long.MIN_VALUE;
      }
    }
    int[] given = new int[spilled];
    int g = 0;
    for (int j = 0; j < n; j++) {
      if (slotsOf[j] != null) {
        long[] sl = slotsOf[j];
        Arrays.sort(sl);
        for (int q = bound; q < sl.length; q++) {
          int s = (int) (sl[q] & (SLOTS - 1));
          given[g++] = s;
          table[s] = NONE;
        }
        load[j] = bound;
      }
    }
    // 4. Given-up slots, in slot order, to the rendezvous winner among members under the bound.
    Arrays.sort(given);
    for (int s : given) {
      long seed = splitmix(s + SPILL_SEED);
      int best = -1;
      long bestScore = 0;
      for (int j = 0; j < n; j++) {
        if (load[j] < bound) {
          long score = splitmix(seed ^ memberHash[j]);
          if (best < 0 || Long.compareUnsigned(score, bestScore) > 0) {
            best = j;
            bestScore = score;
          }
        }
      }
      table[s] = (char) best;
      load[best]++;
    }
    return table;
  }

  @Override
  String owner(byte[] key) {
    return owners[table[(int) (XxHash64.hash(key, 0) >>> (64 - SLOT_BITS))]];
  }

  /**
   * Exact for up to {@value #EXACT_SUCCESSOR_MEMBERS} members: the table of the members without the
   * owner, built the first time a key of that owner asks (a table is {@value #SLOTS} chars, 2 MiB)
   * and kept with this one. Past that, where tables per member would cost too much memory, the
   * owner of the next slot that another member owns: a fixed, well-spread other member, which the
   * owners that take the key over find by asking it.
   */
  @Override
  String successor(byte[] key) {
    if (owners.length < 2) {
      return null;
    }
    int slot = (int) (XxHash64.hash(key, 0) >>> (64 - SLOT_BITS));
    int owner = table[slot];
    if (owners.length <= EXACT_SUCCESSOR_MEMBERS) {
      BalancedTable without = withoutMember[owner];
      if (without == null) {
        List<String> rest = new ArrayList<>(members);
        rest.remove(owners[owner]);
        without = new BalancedTable(rest);
        withoutMember[owner] = without;
      }
      return without.owners[without.table[slot]];
    }
    for (int step = 1; step < SLOTS; step++) {
      int other = table[(slot + step) & (SLOTS - 1)];
      if (other != owner) {
        return owners[other];
      }
    }
    return null;
  }

  @Override
  double changedShare(Placement other) {
    BalancedTable o = (BalancedTable) other;
    int changed = 0;
    for (int s = 0; s < SLOTS; s++) {
      if (!owners[table[s]].equals(o.owners[o.table[s]])) {
        changed++;
      }
    }
    return changed / (double) SLOTS;
  }

  @Override
  double[] shares() {
    double[] shares = new double[owners.length];
    if (owners.length == 0) {
      return shares;
    }
    for (char j : table) {
      shares[givenIndex[j]] += 1.0 / SLOTS;
    }
    return shares;
  }
}
