package org.groupcache4j.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.groupcache4j.ByteView;
import org.groupcache4j.ValueCodecException;
import org.groupcache4j.spring.app.Author;
import org.groupcache4j.spring.app.Book;
import org.groupcache4j.spring.other.Outsider;
import org.groupcache4j.spring.other.Stranger;
import org.junit.jupiter.api.Test;

/** The default value codec: Serializable values through Java serialization, others as JSON, both behind the allow-list. */
class DefaultValueCodecTest {
  private static final Book DUNE = new Book("1", "Dune", List.of("Frank Herbert"), LocalDate.of(1965, 8, 1));
  private final DefaultValueCodec codec = DefaultValueCodec.builder().allowPackage("org.groupcache4j.spring.app").build();

  private Object roundTrip(Object v) {
    return codec.decode(ByteView.copyOf(codec.encode(v)));
  }

  @Test
  void serializableValuesAndJdkTypesRoundTripThroughJavaSerialization() {
    assertThat(codec.encode(DUNE)[0]).isEqualTo(DefaultValueCodec.JAVA);
    assertThat(roundTrip(DUNE)).isEqualTo(DUNE);
    assertThat(roundTrip("text")).isEqualTo("text");
    assertThat(roundTrip(42L)).isEqualTo(42L);
    assertThat(roundTrip(new ArrayList<>(List.of(DUNE)))).isEqualTo(List.of(DUNE));
    assertThat(roundTrip(Map.of("k", 1))).isEqualTo(Map.of("k", 1));
  }

  @Test
  void aRecordThatIsNotSerializableIsWrittenAsJsonAfterItsClassName() {
    Author a = new Author("Ursula K. Le Guin", 1929, List.of("The Dispossessed"));
    byte[] b = codec.encode(a);
    assertThat(b[0]).isEqualTo(DefaultValueCodec.JSON);
    assertThat(new String(b, 3, b.length - 3, StandardCharsets.UTF_8))
        .isEqualTo(Author.class.getName() + "{\"name\":\"Ursula K. Le Guin\",\"born\":1929,\"titles\":[\"The Dispossessed\"]}");
    assertThat(roundTrip(a)).isEqualTo(a);
    assertThat(roundTrip(new Author[] {a})).isEqualTo(new Author[] {a});
  }

  @Test
  void aClassOutsideTheAllowListIsRefusedWhenWrittenAndWhenRead() {
    assertThatThrownBy(() -> codec.encode(new Outsider("x")))
        .isInstanceOf(ValueCodecException.class)
        .hasMessageContaining("holds a " + Outsider.class.getName());
    DefaultValueCodec lax = DefaultValueCodec.builder().allowPackage("org.groupcache4j.spring").build();
    byte[] fromLax = lax.encode(new Outsider("x"));
    assertThatThrownBy(() -> codec.decode(ByteView.copyOf(fromLax)))
        .isInstanceOf(ValueCodecException.class)
        .hasMessageContaining("names class " + Outsider.class.getName() + ", which is not allowed");
    // JSON naming a class outside the list: refused before the class is looked up
    byte[] name = "com.evil.Gadget".getBytes(StandardCharsets.UTF_8);
    byte[] json = new byte[3 + name.length + 2];
    json[0] = DefaultValueCodec.JSON;
    json[2] = (byte) name.length;
    System.arraycopy(name, 0, json, 3, name.length);
    json[json.length - 2] = '{';
    json[json.length - 1] = '}';
    assertThatThrownBy(() -> codec.decode(ByteView.copyOf(json)))
        .isInstanceOf(ValueCodecException.class)
        .hasMessageContaining("names class com.evil.Gadget, which is not in the allowed packages [java.*, org.groupcache4j.spring.app.*]");
  }

  @Test
  void aListSetOrMapOfRecordsThatAreNotSerializableIsWrittenAsJsonAfterTheElementsClass() {
    Author a = new Author("A", 1900, List.of("One"));
    Author b = new Author("B", 1950, List.of());
    byte[] list = codec.encode(List.of(a, b));
    assertThat(list[0]).isEqualTo(DefaultValueCodec.JSON_CONTAINER);
    assertThat((char) list[1]).isEqualTo('L');
    assertThat(roundTrip(List.of(a, b))).isInstanceOf(ArrayList.class).isEqualTo(List.of(a, b));
    assertThat(roundTrip(new ArrayList<>(java.util.Arrays.asList(a, null, b)))).isEqualTo(java.util.Arrays.asList(a, null, b));
    assertThat(roundTrip(Set.of(a, b))).isInstanceOf(LinkedHashSet.class).isEqualTo(Set.of(a, b));
    Map<String, Author> byName = new LinkedHashMap<>();
    byName.put("a", a);
    byName.put("b", b);
    assertThat(roundTrip(byName)).isInstanceOf(LinkedHashMap.class).isEqualTo(byName);
    assertThat(roundTrip(Map.of(7L, a))).isEqualTo(Map.of(7L, a));
  }

  @Test
  void aCollectionThatWouldNotReadBackAsWrittenIsRefusedWithTheFix() {
    Author a = new Author("A", 1900, List.of());
    assertThatThrownBy(() -> codec.encode(List.of(a, new Outsider("x"))))
        .isInstanceOf(ValueCodecException.class)
        .hasMessageContaining("its elements are of several classes")
        .hasMessageContaining("return an array or a record that holds them");
    assertThatThrownBy(() -> codec.encode(new java.util.ArrayDeque<>(List.of(a))))
        .isInstanceOf(ValueCodecException.class)
        .hasMessageContaining("neither a List, a Set nor a Map");
    assertThatThrownBy(() -> codec.encode(List.of(new Stranger("x"), new Stranger("y"))))
        .isInstanceOf(ValueCodecException.class)
        .hasMessageContaining("a " + Stranger.class.getName() + " is not in the allowed packages");
    // a list naming a class outside the list: refused before the class is looked up
    byte[] name = "com.evil.Gadget".getBytes(StandardCharsets.UTF_8);
    byte[] json = new byte[4 + name.length + 2];
    json[0] = DefaultValueCodec.JSON_CONTAINER;
    json[1] = 'L';
    json[3] = (byte) name.length;
    System.arraycopy(name, 0, json, 4, name.length);
    json[json.length - 2] = '[';
    json[json.length - 1] = ']';
    assertThatThrownBy(() -> codec.decode(ByteView.copyOf(json)))
        .isInstanceOf(ValueCodecException.class)
        .hasMessageContaining("names class com.evil.Gadget, which is not in the allowed packages");
    assertThatThrownBy(() -> codec.decode(ByteView.copyOf(new byte[] {3, 'Q'})))
        .isInstanceOf(ValueCodecException.class).hasMessageContaining("kind 81");
  }

  @Test
  void bytesOfAnotherFormatAreACodecError() {
    assertThatThrownBy(() -> codec.decode(ByteView.of("{}"))).isInstanceOf(ValueCodecException.class)
        .hasMessageContaining("starts with byte 123");
    assertThatThrownBy(() -> codec.decode(ByteView.empty())).isInstanceOf(ValueCodecException.class);
    assertThatThrownBy(() -> codec.decode(ByteView.copyOf(new byte[] {2, 0, 50, 'a'}))).isInstanceOf(ValueCodecException.class)
        .hasMessageContaining("claims a class name of 50 bytes");
  }

  @Test
  void withoutJsonAValueThatIsNotSerializableSaysWhatToDo() {
    DefaultValueCodec javaOnly = DefaultValueCodec.builder().allowPackage("org.groupcache4j.spring.app").json(false).build();
    assertThatThrownBy(() -> javaOnly.encode(new Author("A", 1, List.of())))
        .isInstanceOf(ValueCodecException.class)
        .hasMessageContaining("is not Serializable, and without Jackson 3");
  }
}
