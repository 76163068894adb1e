/**
 * Value codecs beyond the JDK's: {@link org.groupcache4j.codecs.JacksonCodec} (JSON through
 * Jackson 3) and {@link org.groupcache4j.codecs.ProtobufCodec} (Protocol Buffers). Both libraries
 * are optional dependencies ({@code requires static}): the application brings the one it uses.
 */
@SuppressWarnings({"module", "requires-automatic"})
module org.groupcache4j.codecs {
  requires transitive org.groupcache4j;
  requires static tools.jackson.databind;
  requires static tools.jackson.core;
  requires static com.google.protobuf;

  exports org.groupcache4j.codecs;
}
