package org.groupcache4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.groupcache4j.codec.gadget.Gadget;
import org.groupcache4j.codec.library.Book;
import org.groupcache4j.codec.library.Shelf;
import org.junit.jupiter.api.Test;

/** Java serialization behind the allow-list: round trips, refusals, and the bounds on what a payload may claim. */
class JavaSerializationCodecTest {
  private static final Book DUNE = new Book("978-0441013593", "Dune", List.of("Frank Herbert"), LocalDate.of(1965, 8, 1));

  private final JavaSerializationCodec<Book> books = JavaSerializationCodec.builder(Book.class)
      .allowPackage("java").build();
  private final JavaSerializationCodec<Shelf> shelves = JavaSerializationCodec.builder(Shelf.class)
      .allowPackage("org.groupcache4j.codec.library").allowPackage("java").build();

  @Test
  void aRecordWithJdkTypesRoundTrips() {
    Book back = books.decode(ByteView.copyOf(books.encode(DUNE)));
    assertThat(back).isEqualTo(DUNE).isNotSameAs(DUNE);
  }

  @Test
  void aClassOutsideTheAllowListIsRefusedBeforeItIsRead() throws Exception {
    Gadget.READ.set(0);
    byte[] bytes = serialize(new Shelf("top", new Gadget()));

    assertThatThrownBy(() -> shelves.decode(ByteView.copyOf(bytes)))
        .isInstanceOf(ValueCodecException.class)
        .hasMessageContaining("names class " + Gadget.class.getName() + ", which is not allowed")
        .hasMessageContaining("org.groupcache4j.codec.library.*");
    assertThat(Gadget.READ).as("the gadget's readObject never ran").hasValue(0);
    // The same bytes with the gadget's package allowed: the filter was all that stood in the way.
    JavaSerializationCodec<Shelf> lax = JavaSerializationCodec.builder(Shelf.class).allowPackage("org.groupcache4j.codec")
        .allowPackage("java").build();
    assertThat(lax.decode(ByteView.copyOf(bytes)).item()).isInstanceOf(Gadget.class);
    assertThat(Gadget.READ).hasValue(1);
  }

  @Test
  void aValueHoldingAClassTheReaderWouldRefuseIsRefusedWhenWritten() {
    assertThatThrownBy(() -> shelves.encode(new Shelf("top", new Gadget())))
        .isInstanceOf(ValueCodecException.class)
        .hasMessageContaining("holds a " + Gadget.class.getName() + ", a class this codec would refuse to read back");
  }

  @Test
  void classesAreResolvedWithTheGivenLoader() throws Exception {
    ClassLoader parent = getClass().getClassLoader();
    java.util.concurrent.atomic.AtomicInteger asked = new java.util.concurrent.atomic.AtomicInteger();
    ClassLoader counting = new ClassLoader(parent) {
      @Override
      protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
        if (name.equals(Book.class.getName())) {
          asked.incrementAndGet();
        }
        return super.loadClass(name, resolve);
      }
    };
    JavaSerializationCodec<Book> c = JavaSerializationCodec.builder(Book.class).allowPackage("java").classLoader(counting).build();
    assertThat(c.decode(ByteView.copyOf(c.encode(DUNE)))).isEqualTo(DUNE);
    assertThat(asked).hasPositiveValue();
  }

  @Test
  void onlyTheDeclaredTypeIsAllowedUnlessMoreIsAdded() {
    JavaSerializationCodec<Book> strict = JavaSerializationCodec.builder(Book.class).build();
    byte[] bytes = books.encode(DUNE);
    assertThatThrownBy(() -> strict.decode(ByteView.copyOf(bytes)))
        .isInstanceOf(ValueCodecException.class)
        .hasMessageContaining("not allowed for " + Book.class.getName());
    assertThat(strict.allows(Book.class)).isTrue();
    assertThat(strict.allows(Book[].class)).isTrue();
    assertThat(strict.allows(int[][].class)).isTrue();
    assertThat(strict.allows(String.class)).isFalse();
  }

  @Test
  void aPackageAllowsItsSubPackagesAndNothingThatMerelySharesAPrefix() {
    JavaSerializationCodec<Object> c = JavaSerializationCodec.builder(Object.class).allowPackage("java.util").build();
    assertThat(c.allows(java.util.ArrayList.class)).isTrue();
    assertThat(c.allows(java.util.concurrent.ConcurrentHashMap.class)).isTrue();
    assertThat(c.allows(java.lang.String.class)).isFalse();
    assertThatThrownBy(() -> JavaSerializationCodec.builder(Object.class).allowPackage("java.*"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no wildcard needed");
  }

  @Test
  void aValueOfAnotherTypeIsRefused() throws Exception {
    JavaSerializationCodec<Book> c = JavaSerializationCodec.builder(Book.class).allowPackage("java").build();
    assertThatThrownBy(() -> c.decode(ByteView.copyOf(serialize(new ArrayList<>(List.of("x"))))))
        .isInstanceOf(ValueCodecException.class).hasMessageContaining("is a java.util.ArrayList, not a " + Book.class.getName());
  }

  @Test
  void anArrayClaimingMoreElementsThanTheBytesCouldHoldIsRefusedBeforeItIsAllocated() throws Exception {
    byte[] bytes = serialize(new long[] {7, 7, 7});
    // TC_ARRAY's length is the int before the three longs at the end: claim 2^30 elements (8 GiB).
    int at = bytes.length - 3 * 8 - 4;
    assertThat(bytes[at + 3]).isEqualTo((byte) 3);
    bytes[at] = 0x40;
    bytes[at + 3] = 0;
    JavaSerializationCodec<long[]> c = JavaSerializationCodec.builder(long[].class).build();
    assertThatThrownBy(() -> c.decode(ByteView.copyOf(bytes)))
        .isInstanceOf(ValueCodecException.class)
        .hasMessageContaining("claims an array or collection of " + (1 << 30) + " elements in " + bytes.length + " bytes");
  }

  @Test
  void depthAndReferencesAreBounded() {
    JavaSerializationCodec<Node> shallow = JavaSerializationCodec.builder(Node.class).maxDepth(5).build();
    Node deep = null;
    for (int i = 0; i < 10; i++) {
      deep = new Node(deep);
    }
    byte[] bytes = shallow.encode(deep);
    assertThatThrownBy(() -> shallow.decode(ByteView.copyOf(bytes)))
        .isInstanceOf(ValueCodecException.class).hasMessageContaining("deeper than 5 objects (maxDepth)");
    JavaSerializationCodec<Node> few = JavaSerializationCodec.builder(Node.class).maxReferences(3).build();
    assertThatThrownBy(() -> few.decode(ByteView.copyOf(bytes)))
        .isInstanceOf(ValueCodecException.class).hasMessageContaining("more than 3 object references");
    assertThat(JavaSerializationCodec.builder(Node.class).build().decode(ByteView.copyOf(bytes))).isNotNull();
  }

  @Test
  void bytesThatAreNotASerializedObjectAreACodecError() {
    assertThatThrownBy(() -> books.decode(ByteView.of("{\"isbn\":\"1\"}")))
        .isInstanceOf(ValueCodecException.class).hasMessageContaining("are not a serialized " + Book.class.getName());
    byte[] cut = books.encode(DUNE);
    assertThatThrownBy(() -> books.decode(ByteView.copyOf(cut, 0, cut.length / 2)))
        .isInstanceOf(ValueCodecException.class);
    byte[] twice = new byte[cut.length + 1];
    System.arraycopy(cut, 0, twice, 0, cut.length);
    assertThatThrownBy(() -> books.decode(ByteView.copyOf(twice)))
        .isInstanceOf(ValueCodecException.class).hasMessageContaining("more than one serialized object");
  }

  @Test
  void aValueThatIsNotSerializableSaysWhichPartIsNot() {
    JavaSerializationCodec<Shelf> c = shelves;
    assertThatThrownBy(() -> c.encode(new Shelf("top", new Object())))
        .isInstanceOf(ValueCodecException.class)
        .hasMessageContaining("java.lang.Object, which does not implement java.io.Serializable");
  }

  @Test
  void enumsAndBoxedNumbersNeedNoMoreThanTheirOwnType() {
    JavaSerializationCodec<Long> longs = JavaSerializationCodec.builder(Long.class).build();
    assertThat(longs.decode(ByteView.copyOf(longs.encode(42L)))).isEqualTo(42L);
    JavaSerializationCodec<java.time.DayOfWeek> days = JavaSerializationCodec.builder(java.time.DayOfWeek.class).build();
    // DayOfWeek is written as an enum constant: its class and java.lang.Enum, nothing else
    assertThat(days.decode(ByteView.copyOf(days.encode(java.time.DayOfWeek.FRIDAY)))).isEqualTo(java.time.DayOfWeek.FRIDAY);
  }

  /** A linked list node, for depth. */
  record Node(Node next) implements Serializable {}

  private static byte[] serialize(Object o) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ObjectOutputStream oo = new ObjectOutputStream(out)) {
      oo.writeObject(o);
    }
    return out.toByteArray();
  }
}
