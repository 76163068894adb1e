package org.groupcache4j.bench.internal;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.groupcache4j.internal.XxHash64;

/**
 * The placements considered for the balanced ring and not taken, so that the simulation can show
 * why: each maps a key's XXH64 to a member. Only the simulation uses them.
 */
public final class RingCandidates {
  private RingCandidates() {}

  /** A placement of key hashes over a fixed member list. */
  public interface Candidate {
    /** The member (index into the list it was built from) that owns a key of this XXH64. */
    int owner(long keyHash);

    /** Each member's exact share of the hash space, or null when the placement picks per key (uniform in expectation). */
    double[] shares();
  }

  /** How to build one candidate from a member list. */
  public interface Kind {
    String name();

    String lookupWork();

    Candidate build(List<String> members);
  }

  static long hash(String s) {
    return XxHash64.hash(s.getBytes(StandardCharsets.UTF_8), 0);
  }

  static long splitmix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58_476D_1CE4_E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D0_49BB_1331_11EBL;
    return z ^ (z >>> 31);
  }

  /** Eisenbud et al., NSDI 2016: a prime-size table that members fill in turns along their own permutations. */
  public static Kind maglev(int tableSize) {
    return new Kind() {
      public String name() {
        return "Maglev, table " + tableSize;
      }

      public String lookupWork() {
        return "1 hash, 1 table read";
      }

      public Candidate build(List<String> members) {
        int n = members.size();
        Integer[] order = sortedOrder(members);
        int[] table = new int[tableSize];
        Arrays.fill(table, -1);
        long[] skip = new long[n];
        long[] next = new long[n];
        for (int k = 0; k < n; k++) {
          String name = members.get(order[k]);
          next[k] = Long.remainderUnsigned(hash(name), tableSize);
          skip[k] = Long.remainderUnsigned(XxHash64.hash(name.getBytes(StandardCharsets.UTF_8), 1), tableSize - 1) + 1;
        }
        int filled = 0;
        outer:
        while (true) {
          for (int k = 0; k < n; k++) {
            long c = next[k];
            while (table[(int) c] >= 0) {
              c = (c + skip[k]) % tableSize;
            }
            table[(int) c] = order[k];
            next[k] = (c + skip[k]) % tableSize;
            if (++filled == tableSize) {
              break outer;
            }
          }
        }
        return new Candidate() {
          public int owner(long h) {
            return table[(int) (((h >>> 32) * tableSize) >>> 32)];
          }

          public double[] shares() {
            double[] s = new double[n];
            for (int j : table) {
              s[j] += 1.0 / tableSize;
            }
            return s;
          }
        };
      }
    };
  }

  /** Lamping and Veach's jump consistent hash over the members sorted by name. */
  public static Kind jumpOverSortedList() {
    return new Kind() {
      public String name() {
        return "jump hash over the sorted member list";
      }

      public String lookupWork() {
        return "1 hash, ~ln N steps";
      }

      public Candidate build(List<String> members) {
        Integer[] order = sortedOrder(members);
        int n = members.size();
        return new Candidate() {
          public int owner(long key) {
            long b = -1;
            long j = 0;
            while (j < n) {
              b = j;
              key = key * 2862933555777941757L + 1;
              j = (long) ((b + 1) * ((double) (1L << 31) / (double) ((key >>> 33) + 1)));
            }
            return order[(int) b];
          }

          public double[] shares() {
            return null;
          }
        };
      }
    };
  }

  /** Thaler and Ravishankar's highest random weight: every member scores every key. */
  public static Kind rendezvous() {
    return new Kind() {
      public String name() {
        return "rendezvous (highest random weight)";
      }

      public String lookupWork() {
        return "1 hash + N scores";
      }

      public Candidate build(List<String> members) {
        long[] mh = members.stream().mapToLong(RingCandidates::hash).toArray();
        return new Candidate() {
          public int owner(long key) {
            int best = 0;
            long bestScore = 0;
            for (int j = 0; j < mh.length; j++) {
              long s = splitmix(key ^ mh[j]);
              if (j == 0 || Long.compareUnsigned(s, bestScore) > 0) {
                best = j;
                bestScore = s;
              }
            }
            return best;
          }

          public double[] shares() {
            return null;
          }
        };
      }
    };
  }

  /** A ring of {@code points} points per member from a strong hash (the balanced ring without its table and bound). */
  public static Kind strongRing(int points) {
    return new Kind() {
      public String name() {
        return "ring, " + points + " XXH64 points per member";
      }

      public String lookupWork() {
        return "1 hash, binary search of " + points + "·N points";
      }

      public Candidate build(List<String> members) {
        int n = members.size();
        // (top 48 bits of the position, member) packed in a long and sorted as unsigned
        long[] keyed = new long[n * points];
        int k = 0;
        for (int j = 0; j < n; j++) {
          long h = hash(members.get(j));
          for (int i = 1; i <= points; i++) {
            keyed[k++] = (((splitmix(h + i * 0x9E37_79B9_7F4A_7C15L) >>> 16) << 16) | j) ^ Long.MIN_VALUE;
          }
        }
        Arrays.sort(keyed);
        int[] owners = new int[keyed.length];
        for (int i = 0; i < keyed.length; i++) {
          owners[i] = (int) (keyed[i] & 0xFFFF);
        }
        return new Candidate() {
          public int owner(long key) {
            int i = Arrays.binarySearch(keyed, ((key >>> 16) << 16) ^ Long.MIN_VALUE);
            if (i < 0) {
              i = -i - 1;
            }
            return owners[i == keyed.length ? 0 : i];
          }

          public double[] shares() {
            double[] s = new double[n];
            double ring = Math.pow(2, 64);
            for (int i = 0; i < keyed.length; i++) {
              long arc = (keyed[i] >>> 16) - (keyed[i == 0 ? keyed.length - 1 : i - 1] >>> 16) << 16; // mod 2^64
              s[owners[i]] += ((double) (arc >>> 1) * 2.0 + (arc & 1)) / ring;
            }
            return s;
          }
        };
      }
    };
  }

  private static Integer[] sortedOrder(List<String> members) {
    Integer[] order = new Integer[members.size()];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    Arrays.sort(order, (a, b) -> members.get(a).compareTo(members.get(b)));
    return order;
  }
}
