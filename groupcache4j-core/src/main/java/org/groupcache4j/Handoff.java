package org.groupcache4j;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.groupcache4j.internal.DaemonThreads;
import org.groupcache4j.internal.Entry;
import org.groupcache4j.internal.Failures;
import org.groupcache4j.internal.Timeouts;
import org.groupcache4j.peer.HandoffClient;
import org.groupcache4j.peer.HandoffEntry;
import org.groupcache4j.peer.OwnershipState;
import org.groupcache4j.peer.PeerClient;
import org.groupcache4j.peer.PeerValue;
import org.groupcache4j.peer.TakeBackAnswer;
import org.groupcache4j.ring.HashRing;

/**
 * The handoff of a planned departure, both ends: a node that closes hands the entries of its main
 * stores to the nodes that own their keys once it is gone, and a node that stays takes them.
 *
 * <p><b>The departing node</b> ({@link #depart}, from {@link GroupCache#close()}, which made it
 * {@linkplain org.groupcache4j.peer.OwnershipState#DRAINING draining} first: its answers say so,
 * it owns no keys on its own ring, and it still serves what it holds and applies writes):
 * <ol>
 *   <li>sends a notice to every peer that is up and one of ours ({@link HandoffClient}; a
 *       golang/groupcache peer is never sent one); the peers that answer are the receivers;</li>
 *   <li>then reads its main stores, most valuable first by each store's policy (groups in turn),
 *       and sends each fresh entry to the key's owner on the ring without it (and without the
 *       peers that own no keys now: down, catching up or draining, or that refused the notice):
 *       the entries of the keys it owns, and the copies it holds of keys another node owns (held
 *       while that node was away and not asked for since it came back, or a fallback load), which
 *       that owner keeps only if it has none, so that a rolling restart does not lose the keys the
 *       node restarted just before took back only in part; in batches, at most one batch in flight
 *       per receiver, within the time budget and under the bandwidth bound; entries whose next
 *       owner is not a receiver (a golang/groupcache peer) stay behind;</li>
 *   <li>a receiver that refuses a batch (it is departing too) is planned around: the batch and
 *       the entries after it go to the next owners without it;</li>
 *   <li>logs one INFO line with the counts and the time.</li>
 * </ol>
 *
 * <p><b>A receiver</b> ({@link #receive}): the notice records the sender as draining in this
 * node's view of its peers (as its next answer would: it owns no keys on this node's live ring
 * from now on, so reads and writes of them go to their next owners here, until it answers as
 * another state or incarnation), and opens a window, for as long as the sender said, during which
 * every write applied here is recorded ({@link WriteLog}, by {@link Flights}, where flights are
 * invalidated). An entry of a batch is kept only if {@link Flights#installHandedOff} finds
 * nothing that could be newer: no flight of the key, no main-store entry, no write since the
 * notice. The sender read the entry after the notice was answered, so a write of the key after
 * that read reached this node after the notice: it is in the log, or it arrives after the entry
 * and drops it, as any write does. A handed-off value therefore never wins over a newer one.
 * The window ends at its end or when the sender is judged down, whichever comes first; a node
 * that is not ready itself (draining, or catching up) refuses notices and batches.
 */
final class Handoff {
  private static final System.Logger LOG = System.getLogger("org.groupcache4j.handoff");
  /** How much longer than the sender's time budget a receiver keeps the sender's window open. */
  static final Duration WINDOW_MARGIN = Duration.ofSeconds(5);
  /** The longest window a receiver grants. */
  static final Duration MAX_WINDOW = Duration.ofMinutes(5);
  private static final int BATCH_ENTRIES = 512;
  private static final long BATCH_BYTES = 1 << 20;

  private final GroupCache cache;
  private final Duration budget;
  private final long bytesPerSecond;
  private final Map<String, Window> windows = new ConcurrentHashMap<>();

  final LongAdder handedOff = new LongAdder();
  final LongAdder handedOffKept = new LongAdder();
  final LongAdder received = new LongAdder();
  final LongAdder receivedDropped = new LongAdder();
  final LongAdder loadedAhead = new LongAdder();

  /** A sender's window at this node: its start and end ({@link System#nanoTime()}). */
  private record Window(long startNanos, long endNanos) {
    boolean open(long now) {
      return endNanos - now > 0;
    }
  }

  Handoff(GroupCache cache, Duration budget, long bytesPerSecond) {
    this.cache = cache;
    this.budget = budget;
    this.bytesPerSecond = bytesPerSecond;
  }

  // ---- receiving

  /** {@code peer} was judged down: its window ends (batches that come after are refused). */
  boolean peerDown(String peer) {
    return windows.remove(peer) != null;
  }

  HandoffClient.Reply receive(String sender, Duration window, List<HandoffEntry> entries) {
    long now = System.nanoTime();
    if (entries.isEmpty()) {
      cache.peerDraining(sender); // first: whatever this node answers, the sender owns no keys here any more
    }
    OwnershipState self = cache.ownershipState();
    if (self != OwnershipState.READY) {
      throw new IllegalStateException("node " + cache.self() + " is " + self.wireName()
          + " itself and takes no handoff: hand its keys to another peer");
    }
    if (entries.isEmpty()) {
      Duration d = window.isNegative() || window.isZero() ? WINDOW_MARGIN
          : window.compareTo(MAX_WINDOW) > 0 ? MAX_WINDOW : window;
      long end = now + d.toNanos();
      windows.merge(sender, new Window(now, end), (old, fresh) -> old.open(now)
          ? new Window(old.startNanos, Math.max(old.endNanos, end)) : fresh);
      windows.entrySet().removeIf(w -> !w.getValue().open(now)); // the windows of senders long gone
      for (Group g : cache.groups()) {
        g.openWriteLog(end);
      }
      LOG.log(Level.DEBUG, () -> "node " + sender + " is departing: it owns no keys here from now on, and it hands "
          + "entries over for " + d.toMillis() + " ms");
      return new HandoffClient.Reply(0, 0);
    }
    Window w = windows.get(sender);
    if (w == null || !w.open(now)) {
      throw new IllegalStateException("node " + cache.self() + " has no open handoff window of " + sender
          + ": a handoff starts with a notice (no entries) and lasts as long as the notice said");
    }
    int kept = 0;
    int dropped = 0;
    for (HandoffEntry e : entries) {
      Group g = cache.group(e.group()).orElse(null);
      if (g != null && g.installHandedOff(e.key(), toEntry(e.value()), w.startNanos)) {
        kept++;
      } else {
        dropped++;
      }
    }
    received.add(kept);
    receivedDropped.add(dropped);
    return new HandoffClient.Reply(kept, dropped);
  }

  // ---- taking keys back (a node that starts again)

  /**
   * What a peer that starts again asks for ({@link #takeBack}): the fresh main-store entries of
   * {@code g} whose keys {@code requester} owns on the ring of the members, the most valuable
   * first, until they weigh {@code maxBytes}; and the keys of its that this node holds only as
   * copies made lately ({@link Group#copiedLately}, at most {@link #MAX_KEYS_IN_DEMAND}), which
   * callers asked for and the requester loads ahead. Only from a node that serves from its stores
   * (what they hold is not older than a write it missed), and only to a member: a node this one
   * does not list yet would miss the writes of those keys.
   */
  TakeBackAnswer takeBackFor(String requester, Group g, long maxBytes) {
    if (!cache.servesFromStores()) {
      throw new IllegalStateException("node " + cache.self() + " does not serve from its stores now ("
          + cache.ownershipState().wireName() + "): it gives no keys back; they are loaded or asked of it again later");
    }
    HashRing ring = cache.ring();
    if (!ring.peers().contains(requester)) {
      throw new IllegalStateException("node " + cache.self() + " does not list " + requester + " among its peers yet, "
          + "so it would not send it the writes of those keys: it gives none back");
    }
    List<HandoffEntry> out = new ArrayList<>();
    long bytes = 0;
    for (Map.Entry<String, Entry> e : g.mainStoreHottest()) {
      if (!requester.equals(ring.owner(e.getKey())) || !g.fresh(e.getValue())) {
        continue;
      }
      long weight = e.getValue().weight(e.getKey());
      if (bytes + weight > maxBytes) {
        break;
      }
      bytes += weight;
      out.add(new HandoffEntry(g.name(), e.getKey(), Group.toPeerValue(e.getValue())));
    }
    handedOff.add(out.size());
    List<String> inDemand = maxBytes == 0 ? List.of()
        : g.copiedLately(k -> requester.equals(ring.owner(k)), MAX_KEYS_IN_DEMAND);
    return new TakeBackAnswer(out, inDemand);
  }

  /** The most keys in demand a peer names in one answer to a take-back. */
  static final int MAX_KEYS_IN_DEMAND = 10_000;
  /** How many loads ahead a node that takes its keys back runs at once, so its origin sees a bounded burst. */
  static final int LOADS_AHEAD_AT_ONCE = 8;

  /**
   * Asks every member of ours for the entries of this node's keys it holds (each group in turn,
   * one request per peer and group, all at once), and keeps each that nothing newer here
   * supersedes ({@link Flights#installHandedOff} with the take-back's start as the window's: every
   * write applied here since is logged); then loads ahead the keys the peers held only as copies
   * made lately ({@link #loadAhead}). Within the time budget; returns the entries kept (not those
   * loaded ahead). The peers that gave nothing (down, not listing this node yet, catching up, or too
   * slow) are asked again in the background ({@link #askAgainLater}).
   */
  long takeBack(Map<String, PeerClient> clients) {
    if (budget.isZero() || budget.isNegative() || clients.isEmpty() || cache.groups().isEmpty()) {
      return 0;
    }
    Asking a = ask(clients);
    LOG.log(Level.INFO, () -> "take-back of " + cache.self() + ": " + a.kept + " entries (" + a.bytes + " value bytes) kept"
        + " from " + a.gave.size() + " peer" + (a.gave.size() == 1 ? "" : "s") + " in " + a.millis + " ms, " + a.dropped
        + " dropped (held here already, or written since the take-back began), " + a.loadedAhead
        + " loaded ahead (keys the peers held only as copies and were asked for lately)" + (a.none.isEmpty() ? ""
        : "; none from " + a.none + ", asked again every " + ASK_AGAIN_EVERY.toMillis() + " ms for up to "
        + ASK_AGAIN_FOR.toSeconds() + " s"));
    if (!a.none.isEmpty()) {
      askAgainLater(a.none.keySet(), System.nanoTime() + ASK_AGAIN_FOR.toNanos());
    }
    return a.kept;
  }

  /** How often, and how long after a take-back, the peers that gave nothing are asked again. */
  static final Duration ASK_AGAIN_EVERY = Duration.ofMillis(500);
  static final Duration ASK_AGAIN_FOR = Duration.ofSeconds(60);

  /**
   * Asks {@code peers} for this node's keys again after {@link #ASK_AGAIN_EVERY}, and again until
   * each gave (an empty answer counts) or {@code untilNanos} passed. What makes a scale-up warm: a
   * node that joins is listed by the others only after it started (in Kubernetes, once it is
   * ready), so at its take-back they refuse; once they list it, they give its keys back here.
   * Stops when this node no longer serves from its stores or a peer is no longer a member.
   */
  private void askAgainLater(java.util.Set<String> peers, long untilNanos) {
    // A thread of its own for each round, which waits for the peers' answers: not the failure
    // detector's thread it is scheduled on.
    cache.runLater(() -> DaemonThreads.start(() -> {
      try {
        askAgain(peers, untilNanos);
      } catch (RuntimeException e) {
        LOG.log(Level.WARNING, "take-back of " + cache.self() + ": asking " + peers + " again failed", e);
      }
    }, "groupcache4j-take-back " + cache.self()), ASK_AGAIN_EVERY);
  }

  private void askAgain(java.util.Set<String> peers, long untilNanos) {
    if (cache.ownershipState() == OwnershipState.DRAINING) {
      return;
    }
    Map<String, PeerClient> clients = new LinkedHashMap<>();
    for (String p : peers) {
      PeerClient c = cache.memberClient(p);
      if (c != null) {
        clients.put(p, c);
      }
    }
    if (clients.isEmpty()) {
      return;
    }
    Asking a = cache.servesFromStores() ? ask(clients) : null;
    if (a != null && !a.gave.isEmpty()) {
      LOG.log(Level.INFO, () -> "take-back of " + cache.self() + ", asked again: " + a.kept + " entries (" + a.bytes
          + " value bytes) kept from " + a.gave + " in " + a.millis + " ms, " + a.dropped + " dropped (held here "
          + "already, or written since), " + a.loadedAhead + " loaded ahead");
    }
    java.util.Set<String> left = a == null ? clients.keySet() : a.none.keySet();
    if (left.isEmpty()) {
      return;
    }
    if (System.nanoTime() - untilNanos < 0) {
      askAgainLater(new HashSet<>(left), untilNanos);
    } else {
      LOG.log(Level.INFO, () -> "take-back of " + cache.self() + ": " + left + " gave nothing within "
          + ASK_AGAIN_FOR.toSeconds() + " s; its keys there are asked of them on a miss, within the previous-owner grace");
    }
  }

  /** What one round of asking did. */
  private static final class Asking {
    int kept;
    int loadedAhead;
    int dropped;
    long bytes;
    long millis;
    final Set<String> gave = new HashSet<>();
    final Map<String, String> none = new java.util.TreeMap<>();
  }

  /** One round: asks {@code clients} (those of ours) for every group, at once, and keeps what it may, within the budget. */
  private Asking ask(Map<String, PeerClient> clients) {
    long start = System.nanoTime();
    long deadline = start + budget.toNanos();
    for (Group g : cache.groups()) {
      g.openWriteLog(deadline + WINDOW_MARGIN.toNanos());
    }
    record Asked(String peer, Group group, CompletableFuture<TakeBackAnswer> answer) {}
    List<Asked> asked = new ArrayList<>();
    for (Map.Entry<String, PeerClient> c : clients.entrySet()) {
      if (!(c.getValue() instanceof HandoffClient hc)) {
        continue;
      }
      for (Group g : cache.groups()) {
        asked.add(new Asked(c.getKey(), g, request(() -> hc.takeBack(cache.self(), g.name(), g.cacheBytes()))));
      }
    }
    Asking out = new Asking();
    Map<Group, Set<String>> inDemand = new LinkedHashMap<>();
    for (Asked a : asked) {
      TakeBackAnswer answer;
      try {
        answer = a.answer().get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      } catch (TimeoutException e) {
        a.answer().cancel(false);
        out.none.putIfAbsent(a.peer(), "no answer within the budget of " + budget.toMillis() + " ms");
        continue;
      } catch (ExecutionException e) {
        Throwable t = Failures.unwrap(e.getCause());
        if (!(t instanceof UnsupportedOperationException)) { // not ours: never asked, not worth a word
          out.none.putIfAbsent(a.peer(), String.valueOf(t.getMessage()));
        }
        continue;
      }
      out.gave.add(a.peer());
      inDemand.computeIfAbsent(a.group(), g -> new LinkedHashSet<>()).addAll(answer.keysInDemand());
      for (HandoffEntry e : answer.entries()) {
        if (a.group().installHandedOff(e.key(), toEntry(e.value()), start)) {
          out.kept++;
          out.bytes += e.value().found() ? e.value().value().length() : 0;
        } else {
          out.dropped++;
        }
      }
    }
    out.none.keySet().removeAll(out.gave); // a peer that gave for one group and not another: not asked again
    for (Map.Entry<Group, Set<String>> d : inDemand.entrySet()) {
      out.loadedAhead += loadAhead(d.getKey(), d.getValue(), start, deadline);
    }
    received.add(out.kept);
    receivedDropped.add(out.dropped);
    out.millis = (System.nanoTime() - start) / 1_000_000;
    return out;
  }

  /**
   * Loads ahead the {@code keys} of {@code g} that the peers held only as copies and were asked
   * for lately, and that nothing here holds or loads: what the first requests after ready would
   * otherwise wait on the origin for (after a crash, the keys the peers served from their copies
   * while this node was away, so that nobody loaded them). At most {@link #LOADS_AHEAD_AT_ONCE} at
   * a time, none begun after {@code deadline}. Each is a flight of its own ({@link Group#loadAhead}):
   * not begun for a key written here since the take-back began at {@code windowStart}; a write
   * while it loads drops its value, as it does any load's; and a peer that already routes the key
   * here, and asks for it meanwhile, waits for it rather than loading it again. A load that fails
   * is left to the key's first get.
   *
   * @return the entries kept within the budget
   */
  private int loadAhead(Group g, Set<String> keys, long windowStart, long deadline) {
    Semaphore slots = new Semaphore(LOADS_AHEAD_AT_ONCE);
    AtomicInteger kept = new AtomicInteger();
    try {
      for (String key : keys) {
        if (g.holdsOrLoads(key)) {
          continue; // given back, or asked for already
        }
        if (!slots.tryAcquire(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
          break; // the budget ran out
        }
        g.loadAhead(key, windowStart).whenComplete((stored, err) -> {
          if (Boolean.TRUE.equals(stored)) {
            kept.incrementAndGet();
            loadedAhead.increment(); // also when it lands after the budget
          }
          slots.release();
        });
      }
      slots.tryAcquire(LOADS_AHEAD_AT_ONCE, Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return kept.get();
  }

  private static Entry toEntry(PeerValue v) {
    long expireAt = Expiry.fromUnixNanos(v.expireUnixNanos());
    return v.found() ? Entry.of(v.value(), expireAt) : Entry.notFound(v.notFoundDetail(), expireAt);
  }

  // ---- departing

  /** What one departure did, for its log line and the tests. */
  record Outcome(int receivers, int sent, int kept, int dropped, long bytes, int notHanded, int left, long millis) {}

  /**
   * Hands this node's main-store entries to their next owners (see the class comment); returns
   * at the latest after the time budget. From now on this node refuses handoffs.
   */
  Outcome depart(Map<String, PeerClient> clients) {
    if (budget.isZero() || clients.isEmpty() || cache.groups().stream().allMatch(Group::mainStoreEmpty)) {
      return null; // nothing to hand over, or nobody to take it: the peers are not even told
    }
    if (!cache.servesFromStores()) {
      LOG.log(Level.INFO, () -> "handoff of " + cache.self() + ": nothing handed over, since what its stores hold may "
          + "be older than writes it missed (it was " + OwnershipState.CATCHING_UP.wireName() + " or out of its own "
          + "peer list when it began to depart)");
      return null;
    }
    long start = System.nanoTime();
    long deadline = start + budget.toNanos();
    Duration window = budget.plus(WINDOW_MARGIN);
    // 1. The notice, to every peer of ours that is up.
    Map<String, CompletableFuture<HandoffClient.Reply>> notices = new LinkedHashMap<>();
    long noticeTimeout = Math.min(budget.toNanos() / 2, Duration.ofSeconds(2).toNanos());
    for (Map.Entry<String, PeerClient> c : clients.entrySet()) {
      if (c.getValue() instanceof HandoffClient hc && !cache.isDown(c.getKey())) {
        notices.put(c.getKey(), Timeouts.orTimeout(send(hc, window, List.of()), noticeTimeout));
      }
    }
    Set<String> receivers = new HashSet<>();
    Set<String> unfit = new HashSet<>(); // down, refused or unanswered: not an owner once this node is gone
    for (Map.Entry<String, CompletableFuture<HandoffClient.Reply>> n : notices.entrySet()) {
      Throwable err = outcome(n.getValue());
      if (err == null) {
        receivers.add(n.getKey());
      } else if (!(err instanceof UnsupportedOperationException)) { // not ours: stays an owner, sent nothing
        unfit.add(n.getKey());
      }
    }
    for (String p : clients.keySet()) {
      if (cache.ownsNoKeys(p)) { // down, catching up or draining: not an owner of anything now
        unfit.add(p);
      }
    }
    if (notices.isEmpty()) {
      return null; // no peer of ours (an in-memory transport, or golang/groupcache peers only)
    }
    if (receivers.isEmpty()) {
      Outcome o = new Outcome(0, 0, 0, 0, 0, 0, 0, (System.nanoTime() - start) / 1_000_000);
      LOG.log(Level.INFO, () -> "handoff of " + cache.self() + ": none of the " + notices.size() + " peers up took "
          + "the notice (golang/groupcache peers are not sent one); its entries are not handed over");
      return o;
    }
    // 2. The entries, most valuable first, to their owners on the ring without this node.
    Sender s = new Sender(clients, receivers, unfit, window, deadline);
    s.run();
    Outcome o = s.finish(start);
    LOG.log(Level.INFO, () -> "handoff of " + cache.self() + ": " + o.sent() + " entries (" + o.bytes()
        + " bytes) handed to " + o.receivers() + " peer" + (o.receivers() == 1 ? "" : "s") + " in " + o.millis()
        + " ms: " + o.kept() + " kept, " + o.dropped() + " dropped by the receivers (written there since the notice, "
        + "or held there already); " + o.notHanded() + " not handed (their next owner is not one of our nodes or did "
        + "not take them), " + o.left() + " left when the time budget of " + budget.toMillis() + " ms ran out");
    return o;
  }

  private CompletableFuture<HandoffClient.Reply> send(HandoffClient c, Duration window, List<HandoffEntry> entries) {
    return request(() -> c.handoff(cache.self(), window, entries));
  }

  /** What {@code call} starts, or a failed future if it throws or gives none (a transport's bug must not stop a handoff). */
  private static <T> CompletableFuture<T> request(java.util.function.Supplier<CompletableFuture<T>> call) {
    try {
      CompletableFuture<T> f = call.get();
      return f != null ? f : CompletableFuture.failedFuture(new IllegalStateException("no answer"));
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /** The failure {@code f} completed with (unwrapped), or null; waits for it. */
  private static Throwable outcome(CompletableFuture<?> f) {
    try {
      f.get();
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return e;
    } catch (ExecutionException e) {
      return Failures.unwrap(e.getCause());
    }
  }

  /** One departure's sending: the plan, the batches per receiver, the bandwidth bound. */
  private final class Sender {
    private final Map<String, PeerClient> clients;
    private final Set<String> receivers;
    private final Set<String> unfit;
    private final Duration window;
    private final long deadline;
    private HashRing target;
    private final Map<String, Batch> open = new HashMap<>();
    private final Map<String, Batch> inFlight = new HashMap<>();
    private final Deque<HandoffEntry> again = new ArrayDeque<>(); // of batches refused: to their next owners
    private final long startNanos = System.nanoTime();
    private long bytesSent;
    private int sent;
    private int kept;
    private int dropped;
    private long bytes;
    private int notHanded;
    private int left;

    private final class Batch {
      final List<HandoffEntry> entries = new ArrayList<>();
      long bytes;
      CompletableFuture<HandoffClient.Reply> reply;
    }

    Sender(Map<String, PeerClient> clients, Set<String> receivers, Set<String> unfit, Duration window, long deadline) {
      this.clients = clients;
      this.receivers = receivers;
      this.unfit = unfit;
      this.window = window;
      this.deadline = deadline;
      plan();
    }

    /** The ring the others will use once this node is gone: without it, and without the unfit peers. */
    private void plan() {
      List<String> peers = new ArrayList<>(cache.ring().peers());
      peers.remove(cache.self());
      peers.removeAll(unfit);
      target = cache.ring().withPeers(peers);
    }

    void run() {
      List<Group> groups = new ArrayList<>(cache.groups());
      List<Iterator<Map.Entry<String, Entry>>> entries = new ArrayList<>();
      for (Group g : groups) {
        entries.add(g.mainStoreHottest().iterator());
      }
      boolean more = true;
      while (more) {
        more = false;
        for (int i = 0; i < groups.size(); i++) {
          Iterator<Map.Entry<String, Entry>> it = entries.get(i);
          if (!it.hasNext()) {
            continue;
          }
          more = true;
          Map.Entry<String, Entry> e = it.next();
          Group g = groups.get(i);
          if (!g.fresh(e.getValue())) {
            continue;
          }
          boolean added = retryRefused();
          if (!added) {
            left++;
          }
          if (!added || !add(new HandoffEntry(g.name(), e.getKey(), Group.toPeerValue(e.getValue())),
              e.getValue().weight(e.getKey()))) {
            for (Iterator<Map.Entry<String, Entry>> rest : entries) {
              while (rest.hasNext()) {
                rest.next();
                left++;
              }
            }
            return;
          }
        }
      }
      do {
        for (String to : new ArrayList<>(open.keySet())) {
          if (!flush(to)) {
            return;
          }
        }
        for (String to : new ArrayList<>(inFlight.keySet())) {
          settle(to);
        }
        if (!retryRefused()) {
          return;
        }
      } while (!open.isEmpty() || !inFlight.isEmpty());
    }

    /** Re-plans the entries of refused batches; false when the time is up (the rest counted as left). */
    private boolean retryRefused() {
      while (!again.isEmpty()) {
        HandoffEntry e = again.poll();
        if (!add(e, e.value().found() ? e.value().value().length() + e.key().length() : e.key().length())) {
          left += again.size();
          again.clear();
          return false;
        }
      }
      return true;
    }

    /**
     * Adds {@code e} to the batch of its next owner, sending the batch when it is full; false when
     * the time is up ({@code e} and the batches not sent are then counted as left).
     */
    private boolean add(HandoffEntry e, long weight) {
      if (System.nanoTime() - deadline >= 0) {
        left++;
        return false;
      }
      String to = target.owner(e.key());
      if (to == null || !receivers.contains(to)) {
        notHanded++;
        return true;
      }
      Batch b = open.computeIfAbsent(to, k -> new Batch());
      b.entries.add(e);
      b.bytes += weight;
      return b.entries.size() < BATCH_ENTRIES && b.bytes < BATCH_BYTES || flush(to);
    }

    /** Sends {@code to}'s open batch, after its previous one was answered and within the bandwidth; false when the time is up. */
    private boolean flush(String to) {
      Batch b = open.remove(to);
      if (b == null || b.entries.isEmpty()) {
        return true;
      }
      settle(to);
      if (!receivers.contains(to)) { // refused meanwhile: to the next owners
        again.addAll(b.entries);
        return true;
      }
      long now = System.nanoTime();
      if (bytesPerSecond > 0) {
        long allowedAt = startNanos + (long) ((bytesSent + b.bytes) * 1e9 / bytesPerSecond);
        long wait = allowedAt - now;
        if (wait > 0) {
          if (allowedAt - deadline >= 0) {
            left += b.entries.size();
            return false;
          }
          try {
            TimeUnit.NANOSECONDS.sleep(wait);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            left += b.entries.size();
            return false;
          }
        }
      }
      long remaining = deadline - System.nanoTime();
      if (remaining <= 0) {
        left += b.entries.size();
        return false;
      }
      bytesSent += b.bytes;
      b.reply = Timeouts.orTimeout(send((HandoffClient) clients.get(to), window, List.copyOf(b.entries)), remaining);
      inFlight.put(to, b);
      return true;
    }

    /** Waits (until the deadline) for {@code to}'s batch in flight and counts its answer; a refusal plans around {@code to}. */
    private void settle(String to) {
      Batch b = inFlight.remove(to);
      if (b == null) {
        return;
      }
      try {
        HandoffClient.Reply r = b.reply.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        sent += b.entries.size();
        kept += r.kept();
        dropped += r.dropped();
        bytes += b.bytes;
      } catch (TimeoutException e) {
        left += b.entries.size();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        left += b.entries.size();
      } catch (ExecutionException e) {
        receivers.remove(to);
        unfit.add(to);
        plan();
        again.addAll(b.entries);
        LOG.log(Level.DEBUG, () -> "handoff of " + cache.self() + ": " + to + " refused a batch ("
            + Failures.unwrap(e.getCause()) + "); its entries go to their next owners");
      }
    }

    Outcome finish(long start) {
      for (String to : new ArrayList<>(inFlight.keySet())) {
        settle(to);
      }
      for (Batch b : open.values()) {
        left += b.entries.size();
      }
      left += again.size();
      handedOff.add(sent);
      handedOffKept.add(kept);
      return new Outcome(receivers.size(), sent, kept, dropped, bytes, notHanded, left,
          (System.nanoTime() - start) / 1_000_000);
    }
  }
}
