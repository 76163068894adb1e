package org.groupcache4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.LocalDate;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.groupcache4j.codec.library.Book;
import org.groupcache4j.testing.InMemoryNetwork;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A group seen through a codec, on a cluster of three (socket-less) nodes. */
class TypedGroupTest {
  private static final List<String> PEERS = List.of("mem://a", "mem://b", "mem://c");
  private final InMemoryNetwork network = new InMemoryNetwork();
  private final ValueCodec<Book> codec = JavaSerializationCodec.builder(Book.class).allowPackage("java").build();
  private final AtomicInteger loads = new AtomicInteger();
  private final List<GroupCache> nodes = PEERS.stream().map(url -> {
    GroupCache n = GroupCache.builder().self(url).transport(network.transport()).build();
    n.setPeers(PEERS);
    n.newGroup("books", 1 << 20, key -> {
      loads.incrementAndGet();
      if (key.equals("garbage")) {
        return "not a book".getBytes(java.nio.charset.StandardCharsets.UTF_8);
      }
      return codec.encode(new Book(key, "Title " + key, List.of("A. Author"), LocalDate.of(2020, 1, 1)));
    });
    return n;
  }).toList();

  @AfterEach
  void stop() {
    nodes.forEach(GroupCache::close);
  }

  private TypedGroup<Book> at(int i) {
    return TypedGroup.of(nodes.get(i).group("books").orElseThrow(), codec);
  }

  @Test
  void getLoadsOnceAcrossTheNodesAndDecodes() throws Exception {
    assertThat(at(0).get("42").title()).isEqualTo("Title 42");
    assertThat(at(1).get("42").title()).isEqualTo("Title 42");
    assertThat(at(2).getAsync("42").get().isbn()).isEqualTo("42");
    assertThat(loads).hasValue(1);
  }

  @Test
  void setAndRemoveChangeWhatEveryNodeReads() {
    Book mine = new Book("7", "Mine", List.of(), LocalDate.of(1999, 9, 9));
    WriteResult r = at(1).set("7", mine);
    assertThat(r.allTold()).isTrue();
    for (int i = 0; i < 3; i++) {
      assertThat(at(i).get("7")).isEqualTo(mine);
    }
    assertThat(loads).hasValue(0);
    at(2).remove("7");
    assertThat(at(0).get("7").title()).isEqualTo("Title 7");
    assertThat(loads).hasValue(1);
  }

  @Test
  void bytesThatNoLongerDecodeAreAMissDroppedCountedAndLoadedAgain() throws Exception {
    // what another version of the application stored under the key: bytes this codec does not read
    Group raw = nodes.get(1).group("books").orElseThrow();
    raw.set("9", ByteView.copyOf("a book of another version".getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    TypedGroup<Book> books = at(0);
    assertThat(books.get("9").title()).isEqualTo("Title 9");
    assertThat(books.decodeFailures()).isEqualTo(1);
    assertThat(loads).hasValue(1);
    assertThat(at(2).get("9").title()).as("the reloaded value, at every node").isEqualTo("Title 9");
    assertThat(loads).hasValue(1);

    raw.set("10", ByteView.copyOf(new byte[] {1, 2, 3}));
    TypedGroup<Book> async = at(2);
    assertThat(async.getAsync("10").get().title()).isEqualTo("Title 10");
    assertThat(async.decodeFailures()).isEqualTo(1);
    assertThat(loads).hasValue(2);
  }

  @Test
  void bytesThatStillDoNotDecodeOnceLoadedAgainAreReportedWithGroupAndKey() {
    TypedGroup<Book> books = at(0);
    assertThatThrownBy(() -> books.get("garbage"))
        .isInstanceOfSatisfying(ValueCodecException.class, e -> {
          assertThat(e.group()).isEqualTo("books");
          assertThat(e.key()).isEqualTo("garbage");
        })
        .hasMessageStartingWith("cannot decode the value of group 'books', key 'garbage': ");
    assertThat(loads).as("loaded, dropped, loaded again").hasValue(2);
    assertThat(books.decodeFailures()).isEqualTo(1);
    assertThat(books.getAsync("garbage")).failsWithin(java.time.Duration.ofSeconds(5))
        .withThrowableOfType(java.util.concurrent.ExecutionException.class)
        .withCauseInstanceOf(ValueCodecException.class);
    assertThat(books.decodeFailures()).isEqualTo(2);
  }

  @Test
  void aValueTheCodecCannotEncodeIsNotStored() {
    ValueCodec<Object> refusing = new ValueCodec<>() {
      @Override
      public byte[] encode(Object value) {
        throw new ValueCodecException("no " + value.getClass().getSimpleName() + " please", null);
      }

      @Override
      public Object decode(ByteView bytes) {
        return bytes;
      }
    };
    TypedGroup<Object> g = TypedGroup.of(nodes.get(0).group("books").orElseThrow(), refusing);
    assertThatThrownBy(() -> g.set("1", "x"))
        .isInstanceOf(ValueCodecException.class).hasMessage("cannot encode the value of group 'books', key '1': no String please");
    assertThat(g.setAsync("1", "x", null)).isCompletedExceptionally();
    assertThatThrownBy(() -> g.set("1", null)).isInstanceOf(NullPointerException.class);
    assertThat(nodes.get(0).group("books").orElseThrow().stats().sets()).isZero();
  }
}
