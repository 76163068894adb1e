package org.groupcache4j.codecs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ListValue;
import com.google.protobuf.Struct;
import com.google.protobuf.Timestamp;
import com.google.protobuf.Value;
import org.groupcache4j.ByteView;
import org.groupcache4j.ValueCodecException;
import org.junit.jupiter.api.Test;

/** Messages of one type through its parser (protobuf-java's well-known types stand in for an application's). */
class ProtobufCodecTest {
  @Test
  void aMessageRoundTrips() {
    ProtobufCodec<Struct> c = ProtobufCodec.of(Struct.parser());
    Struct s = Struct.newBuilder()
        .putFields("title", Value.newBuilder().setStringValue("Dune").build())
        .putFields("pages", Value.newBuilder().setNumberValue(412).build())
        .build();
    assertThat(c.decode(ByteView.copyOf(c.encode(s)))).isEqualTo(s);
  }

  @Test
  void unknownFieldsOfANewerSchemaAreKept() {
    // field 3 is not in Timestamp: a newer writer's
    byte[] newer = Timestamp.newBuilder().setSeconds(7).build().toBuilder()
        .setUnknownFields(com.google.protobuf.UnknownFieldSet.newBuilder()
            .addField(3, com.google.protobuf.UnknownFieldSet.Field.newBuilder().addVarint(9).build()).build())
        .build().toByteArray();
    ProtobufCodec<Timestamp> c = ProtobufCodec.of(Timestamp.parser());
    Timestamp t = c.decode(ByteView.copyOf(newer));
    assertThat(t.getSeconds()).isEqualTo(7);
    assertThat(c.encode(t)).isEqualTo(newer);
  }

  @Test
  void bytesThatAreNotAMessageAreACodecError() {
    ProtobufCodec<Timestamp> c = ProtobufCodec.of(Timestamp.parser());
    assertThatThrownBy(() -> c.decode(ByteView.of("{\"seconds\": 7}")))
        .isInstanceOf(ValueCodecException.class).hasMessageStartingWith("14 bytes are not a message this parser reads");
    // a length-delimited field that claims 2^28 bytes in a 6-byte input: refused, not allocated
    byte[] claim = {0x0a, (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, 0x01};
    assertThatThrownBy(() -> ProtobufCodec.of(Struct.parser()).decode(ByteView.copyOf(claim)))
        .isInstanceOf(ValueCodecException.class);
  }

  @Test
  void nestingIsBounded() {
    Value v = Value.newBuilder().setStringValue("leaf").build();
    for (int i = 0; i < 30; i++) {
      v = Value.newBuilder().setListValue(ListValue.newBuilder().addValues(v)).build();
    }
    ProtobufCodec<Value> shallow = ProtobufCodec.of(Value.parser()).recursionLimit(20);
    byte[] bytes = shallow.encode(v);
    assertThatThrownBy(() -> shallow.decode(ByteView.copyOf(bytes)))
        .isInstanceOf(ValueCodecException.class).hasMessageContaining("too many levels of nesting");
    assertThat(ProtobufCodec.of(Value.parser()).decode(ByteView.copyOf(bytes))).isEqualTo(v);
    assertThatThrownBy(() -> shallow.recursionLimit(0)).isInstanceOf(IllegalArgumentException.class);
  }
}
