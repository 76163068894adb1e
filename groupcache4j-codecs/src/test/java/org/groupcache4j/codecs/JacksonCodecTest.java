package org.groupcache4j.codecs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.groupcache4j.ByteView;
import org.groupcache4j.ValueCodecException;
import org.groupcache4j.codecs.gadget.Gadget;
import org.groupcache4j.codecs.library.Library.Book;
import org.groupcache4j.codecs.library.Library.Crate;
import org.groupcache4j.codecs.library.Library.Ebook;
import org.groupcache4j.codecs.library.Library.Lamp;
import org.groupcache4j.codecs.library.Library.Listing;
import org.junit.jupiter.api.Test;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.DefaultTyping;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.jsontype.BasicPolymorphicTypeValidator;

/** JSON into a declared type: round trips, and every way a payload could try to pick a class. */
class JacksonCodecTest {
  private static final Book DUNE = new Book("978-0441013593", "Dune", List.of("Frank Herbert"), LocalDate.of(1965, 8, 1));

  @Test
  void aRecordRoundTripsAsPlainJson() {
    JacksonCodec<Book> c = JacksonCodec.builder(Book.class).build();
    byte[] json = c.encode(DUNE);
    assertThat(new String(json, java.nio.charset.StandardCharsets.UTF_8))
        .isEqualTo("{\"isbn\":\"978-0441013593\",\"title\":\"Dune\",\"authors\":[\"Frank Herbert\"],\"published\":\"1965-08-01\"}");
    assertThat(c.decode(ByteView.copyOf(json))).isEqualTo(DUNE);
  }

  @Test
  void aGenericTypeKeepsItsElementType() {
    JacksonCodec<List<Book>> c = JacksonCodec.builder(new TypeReference<List<Book>>() {}).build();
    List<Book> back = c.decode(ByteView.copyOf(c.encode(List.of(DUNE, DUNE))));
    assertThat(back).containsExactly(DUNE, DUNE);
    assertThat(back.get(0)).isInstanceOf(Book.class);
  }

  @Test
  void aClassNameInThePayloadIsRefusedBeforeTheClassIsLoaded() {
    JacksonCodec<Crate> c = JacksonCodec.builder(Crate.class).build();
    String json = "{\"label\":\"x\",\"content\":{\"@class\":\"org.groupcache4j.codecs.gadget.Trigger\"}}";
    assertThatThrownBy(() -> c.decode(ByteView.of(json)))
        .isInstanceOf(ValueCodecException.class)
        .hasMessageContaining("not JSON of " + Crate.class.getName())
        .hasMessageContaining("PolymorphicTypeValidator");
    assertThat(org.groupcache4j.codecs.gadget.Sightings.triggerInitialised).as("the named class was never initialised").isFalse();
  }

  @Test
  void aMapperWithDefaultTypingIsReadWithoutIt() {
    JsonMapper unsafe = JsonMapper.builder()
        .activateDefaultTyping(BasicPolymorphicTypeValidator.builder().allowIfSubType(Object.class).build(), DefaultTyping.NON_FINAL)
        .build();
    int before = Gadget.CREATED.get();
    // What default typing would have turned into a Gadget: ["class name", {...}]
    String json = "[\"org.groupcache4j.codecs.gadget.Gadget\",{\"command\":\"x\"}]";
    Object read = unsafe.readValue(json, Object.class);
    assertThat(read).isInstanceOf(Gadget.class); // the mapper given would have built it
    JacksonCodec<Object> c = JacksonCodec.builder(Object.class).mapper(unsafe).build();
    Object safe = c.decode(ByteView.of(json));
    assertThat(safe).isInstanceOf(List.class).isEqualTo(List.of("org.groupcache4j.codecs.gadget.Gadget", Map.of("command", "x")));
    assertThat(Gadget.CREATED.get()).isEqualTo(before + 1); // only the mapper's own read above
  }

  @Test
  void logicalTypeNamesDeclaredInCodeStillWork() {
    JacksonCodec<Listing> c = JacksonCodec.builder(Listing.class).build();
    Listing l = new Listing("1", new Ebook("epub"));
    assertThat(new String(c.encode(l), java.nio.charset.StandardCharsets.UTF_8)).contains("\"kind\":\"ebook\"");
    assertThat(c.decode(ByteView.copyOf(c.encode(l)))).isEqualTo(l);
    assertThatThrownBy(() -> c.decode(ByteView.of("{\"isbn\":\"1\",\"edition\":{\"kind\":\"org.groupcache4j.codecs.gadget.Gadget\"}}")))
        .isInstanceOf(ValueCodecException.class);
  }

  @Test
  void withAllowedPackagesNoBeanOutsideThemIsBuilt() {
    JacksonCodec<Lamp> strict = JacksonCodec.builder(Lamp.class).allowPackage("org.groupcache4j.codecs.library").build();
    String json = "{\"name\":\"desk\",\"gadget\":{\"command\":\"x\"}}";
    int before = Gadget.CREATED.get();
    assertThatThrownBy(() -> strict.decode(ByteView.of(json)))
        .isInstanceOf(ValueCodecException.class)
        .hasMessageContaining("class " + Gadget.class.getName() + " is not in the allowed packages [org.groupcache4j.codecs.library.*]");
    assertThat(Gadget.CREATED.get()).isEqualTo(before);
    assertThatThrownBy(() -> strict.encode(new Lamp("desk", new Gadget())))
        .isInstanceOf(ValueCodecException.class)
        .hasMessageContaining("class " + Gadget.class.getName() + " is not in the allowed packages")
        .hasMessageContaining("would not be read back");
    // JDK types need no entry; the package's own beans are read
    JacksonCodec<Book> books = JacksonCodec.builder(Book.class).allowPackage("org.groupcache4j.codecs.library").build();
    assertThat(books.decode(ByteView.copyOf(books.encode(DUNE)))).isEqualTo(DUNE);
  }

  @Test
  void bytesThatAreNotJsonOfTheTypeAreACodecError() {
    JacksonCodec<Book> c = JacksonCodec.builder(Book.class).build();
    assertThatThrownBy(() -> c.decode(ByteView.of("{\"isbn\":")))
        .isInstanceOf(ValueCodecException.class).hasMessageStartingWith("8 bytes are not JSON of " + Book.class.getName());
    assertThatThrownBy(() -> c.decode(ByteView.of("null")))
        .isInstanceOf(ValueCodecException.class).hasMessageContaining("JSON null");
    assertThatThrownBy(() -> c.decode(ByteView.copyOf(new byte[] {(byte) 0xac, (byte) 0xed, 0, 5})))
        .isInstanceOf(ValueCodecException.class);
    assertThatThrownBy(() -> c.encode(null)).isInstanceOf(NullPointerException.class);
  }

  @Test
  void deepNestingIsBoundedByTheParsersConstraints() {
    JacksonCodec<Object> c = JacksonCodec.builder(Object.class).build();
    String deep = "[".repeat(5000) + "]".repeat(5000);
    assertThatThrownBy(() -> c.decode(ByteView.of(deep)))
        .isInstanceOf(ValueCodecException.class).hasMessageContaining("nesting depth");
  }

  @Test
  void aValueOfAnotherTypeIsNotWritten() {
    @SuppressWarnings({"unchecked", "rawtypes"})
    JacksonCodec<Object> c = (JacksonCodec) JacksonCodec.builder(Book.class).build();
    assertThatThrownBy(() -> c.encode("text")).isInstanceOf(ValueCodecException.class)
        .hasMessageContaining("a java.lang.String is not a " + Book.class.getName());
  }
}
