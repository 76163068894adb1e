package org.groupcache4j.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.groupcache4j.spring.app.BookId;
import org.groupcache4j.spring.app.Color;
import org.junit.jupiter.api.Test;
import org.springframework.cache.interceptor.SimpleKey;

/** The documented key format: what each key type becomes, that equal keys alone collide, and the way back. */
class StandardKeyCodecTest {
  private final CacheKeyCodec codec = CacheKeyCodec.standard(List.of("org.groupcache4j.spring.app"), null);

  @Test
  void eachKeyTypeHasItsDocumentedForm() {
    assertThat(codec.encode("Tom")).isEqualTo("Tom");
    assertThat(codec.encode("~tilde")).isEqualTo("~~tilde");
    assertThat(codec.encode(42)).isEqualTo("~int:42");
    assertThat(codec.encode(42L)).isEqualTo("~long:42");
    assertThat(codec.encode(new BigDecimal("1.50"))).isEqualTo("~decimal:1.50");
    assertThat(codec.encode(UUID.fromString("123e4567-e89b-12d3-a456-426614174000")))
        .isEqualTo("~uuid:123e4567-e89b-12d3-a456-426614174000");
    assertThat(codec.encode(LocalDate.of(2024, 2, 29))).isEqualTo("~date:2024-02-29");
    assertThat(codec.encode(Color.RED)).isEqualTo("~enum:org.groupcache4j.spring.app.Color#RED");
    assertThat(codec.encode(SimpleKey.EMPTY)).isEqualTo("~key[]");
    assertThat(codec.encode(new SimpleKey("a,b", 7L))).isEqualTo("~key[3:a,b,7:~long:7]");
    assertThat(codec.encode(new SimpleKey("x", null))).isEqualTo("~key[1:x,5:~null]");
    assertThat(codec.encode(new BookId("A", 3))).isEqualTo("~record:org.groupcache4j.spring.app.BookId[1:A,7:~long:3]");
    assertThat(codec.encode(List.of(1, "b"))).isEqualTo("~list[6:~int:1,1:b]");
    assertThat(codec.encode(new int[] {1, 2})).isEqualTo("~array[6:~int:1,6:~int:2]");
  }

  @Test
  void keysThatAreNotEqualNeverShareAString() {
    List<Object> keys = List.of("1", 1, 1L, (short) 1, (byte) 1, 1.0, 1.0f, BigInteger.ONE, BigDecimal.ONE,
        new BigDecimal("1.0"), '1', true, "true", "~int:1", "~~", "~", "", new SimpleKey("1"), new SimpleKey(1),
        new SimpleKey("1", "2"), new SimpleKey("1,2"), new SimpleKey("1:2"), List.of("1", "2"), new SimpleKey(List.of("1", "2")),
        new SimpleKey(new SimpleKey("a", "b"), "c"), new SimpleKey("a", new SimpleKey("b", "c")), new SimpleKey("3:a,b"),
        "~key[1:1]", new BookId("1", 2), new SimpleKey("1", 2L), Color.RED, "RED", LocalDateTime.of(2024, 1, 1, 0, 0),
        LocalDate.of(2024, 1, 1), Instant.EPOCH, new SimpleKey((Object) null));
    Set<String> encoded = new HashSet<>();
    for (Object k : keys) {
      assertThat(encoded.add(codec.encode(k))).as("%s (%s) has a string of its own", k, k.getClass().getSimpleName()).isTrue();
    }
  }

  @Test
  void decodeGivesBackAnEqualKey() {
    List<Object> keys = List.of("Tom", "~x", "", 42, 42L, (short) 7, (byte) -1, 2.5, 2.5f, new BigInteger("123456789012345678901234567890"),
        new BigDecimal("1.50"), true, 'c', UUID.randomUUID(), LocalDate.of(2024, 2, 29), LocalDateTime.of(2024, 2, 29, 13, 14, 15),
        Instant.parse("2024-02-29T13:14:15.123Z"), Color.GREEN, new BookId("A,]", 3), SimpleKey.EMPTY,
        new SimpleKey("a,b", 7L, null, new SimpleKey("x", 1)), List.of("p", 3));
    for (Object k : keys) {
      assertThat(codec.decode(codec.encode(k))).as("%s", k).isEqualTo(k);
    }
    assertThat((Object[]) codec.decode(codec.encode(new String[] {"a", "b"}))).containsExactly("a", "b");
  }

  @Test
  void aKeyTypeWithoutAFormIsRefusedWithTheFix() {
    assertThatThrownBy(() -> codec.encode(new Object()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("cache key of type java.lang.Object has no form in the standard key codec")
        .hasMessageContaining("@Cacheable(key = \"#p0.id\")");
    assertThatThrownBy(() -> codec.encode(new SimpleKey("ok", new StringBuilder("no"))))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("java.lang.StringBuilder");
  }

  @Test
  void decodeRefusesClassesOutsideTheAllowedPackagesAndMalformedStrings() {
    String enumKey = CacheKeyCodec.standard().encode(Color.RED);
    assertThatThrownBy(() -> CacheKeyCodec.standard().decode(enumKey))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("class org.groupcache4j.spring.app.Color is not in the allowed packages []");
    assertThatThrownBy(() -> codec.decode("~record:java.lang.ProcessBuilder[0:]"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not in the allowed packages");
    for (String bad : Arrays.asList("~int:x", "~nope:1", "~key[", "~key[5:ab]", "~key[1:a", "~key[1:a]x", "~key[x:a]",
        "~bool:yes", "~char:ab", "~date:2024-13-01", "~enum:org.groupcache4j.spring.app.Color#BLUE", "~enum:x")) {
      assertThatThrownBy(() -> codec.decode(bad)).as(bad).isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith("not a key of the standard key codec:");
    }
  }
}
