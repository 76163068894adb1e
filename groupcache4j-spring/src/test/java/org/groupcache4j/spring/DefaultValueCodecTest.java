package org.groupcache4j.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.groupcache4j.ByteView;
import org.groupcache4j.ValueCodecException;
import org.groupcache4j.spring.app.Author;
import org.groupcache4j.spring.app.Book;
import org.groupcache4j.spring.other.Outsider;
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
  void aCollectionOfValuesThatAreNotSerializableIsRefusedWithTheFix() {
    List<Author> authors = new ArrayList<>(List.of(new Author("A", 1900, List.of())));
    assertThatThrownBy(() -> codec.encode(authors))
        .isInstanceOf(ValueCodecException.class)
        .hasMessageContaining("return an array or a record that holds them");
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
