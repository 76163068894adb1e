package org.groupcache4j.http.internal.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class WriteIdsTest {
  @Test
  void aWriteIdRoundTripsAsSixteenHexDigits() {
    for (long id : new long[] {1, -1, 0x00c0ffee00c0ffeeL, Long.MIN_VALUE + 1, 42}) {
      String line = WriteIds.writeLine(id);
      assertThat(line).startsWith("x-groupcache4j-write: ").endsWith("\r\n");
      String value = line.substring("x-groupcache4j-write: ".length(), line.length() - 2);
      assertThat(value).hasSize(16);
      assertThat(WriteIds.parseWrite(value)).isEqualTo(id);
    }
    assertThat(WriteIds.writeLine(0)).as("no write, no header").isNull();
  }

  @Test
  void theWritesAFetchWaitsForRoundTripWithTheirAgesInMicroseconds() {
    long[] applied = {7, 1_500_000, -3, 0};
    String line = WriteIds.afterLine(applied);
    assertThat(line).isEqualTo("x-groupcache4j-after: 0000000000000007:1500,fffffffffffffffd:0\r\n");
    long[] back = WriteIds.parseAfter(line.substring("x-groupcache4j-after: ".length(), line.length() - 2));
    assertThat(back).containsExactly(7, 1_500_000, -3, 0);
    assertThat(WriteIds.afterLine(new long[0])).isNull();
  }

  @Test
  void aHeaderThatDoesNotParseNamesNoWrite() {
    assertThat(WriteIds.parseWrite("xyz")).isZero();
    assertThat(WriteIds.parseWrite("zzzzzzzzzzzzzzzz")).isZero();
    assertThat(WriteIds.parseWrite(null)).isZero();
    assertThat(WriteIds.parseAfter("0000000000000007:-5,00000000000000zz:1,0000000000000009:2,short:1"))
        .as("only the well-formed entry").containsExactly(9, 2000);
    assertThat(WriteIds.parseAfter("")).isEmpty();
  }

  @Test
  void atMostSixteenWritesAreSentOrRead() {
    long[] many = new long[2 * 40];
    for (int i = 0; i < 40; i++) {
      many[2 * i] = i + 1;
      many[2 * i + 1] = 1000;
    }
    String line = WriteIds.afterLine(many);
    String value = line.substring("x-groupcache4j-after: ".length(), line.length() - 2);
    assertThat(value.split(",")).hasSize(WriteIds.MAX);
    assertThat(WriteIds.parseAfter(value + "," + value)).hasSize(2 * WriteIds.MAX);
  }
}
