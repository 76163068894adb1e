package org.groupcache4j.codecs;

import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.groupcache4j.ByteView;
import org.groupcache4j.ValueCodec;
import org.groupcache4j.ValueCodecException;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.BeanDescription;
import tools.jackson.databind.DatabindContext;
import tools.jackson.databind.DeserializationConfig;
import tools.jackson.databind.DeserializationContext;
import tools.jackson.databind.JavaType;
import tools.jackson.databind.KeyDeserializer;
import tools.jackson.core.JsonGenerator;
import tools.jackson.databind.ObjectReader;
import tools.jackson.databind.ObjectWriter;
import tools.jackson.databind.SerializationConfig;
import tools.jackson.databind.SerializationContext;
import tools.jackson.databind.ValueDeserializer;
import tools.jackson.databind.ValueSerializer;
import tools.jackson.databind.deser.ValueDeserializerModifier;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.jsontype.PolymorphicTypeValidator;
import tools.jackson.databind.module.SimpleModule;
import tools.jackson.databind.ser.ValueSerializerModifier;

/**
 * JSON through Jackson 3 into one declared type: the payload never chooses a class.
 *
 * <pre>{@code
 * ValueCodec<Book> books = JacksonCodec.builder(Book.class).build();
 * ValueCodec<List<Book>> lists = JacksonCodec.builder(new TypeReference<List<Book>>() {}).mapper(appMapper).build();
 * }</pre>
 *
 * <p>Jackson can be told to take class names from the JSON ("default typing", or
 * {@code @JsonTypeInfo(use = CLASS)} with an {@code "@class"} property); bytes from a peer are
 * untrusted, so this codec never lets it: whatever mapper it is given, it reads with a copy that
 * has default typing off and a {@link PolymorphicTypeValidator} that refuses every class name
 * from the payload before the class is loaded. Polymorphism by logical name
 * ({@code @JsonTypeInfo(use = NAME)} with {@code @JsonSubTypes}) still works: those subtypes are
 * declared in code. With {@link Builder#allowPackage} the codec also refuses to build any bean
 * (a POJO, a record, an enum, a map key) whose class is outside the allowed packages, whatever
 * the declared type's fields say, and to write one (so a value it would not read back is refused
 * when it is stored, not on every read).
 *
 * <p>What the input can make Jackson allocate is bounded by its length: strings and numbers are
 * read from the input itself, and Jackson's {@code StreamReadConstraints} (nesting depth 500,
 * number length 1000 by default) bound the rest. A payload that is not JSON of the declared type,
 * or that refers to a refused class, is a {@link ValueCodecException}.
 *
 * @param <T> the declared type
 */
public final class JacksonCodec<T> implements ValueCodec<T> {
  private final JavaType type;
  private final ObjectReader reader;
  private final ObjectWriter writer;
  private final List<String> packages;

  private JacksonCodec(JavaType type, JsonMapper safe, List<String> packages) {
    this.type = type;
    this.reader = safe.readerFor(type);
    this.writer = safe.writerFor(type);
    this.packages = packages;
  }

  /** Starts a codec for values of class {@code type}. */
  public static <T> Builder<T> builder(Class<T> type) {
    return new Builder<>(Objects.requireNonNull(type, "type"));
  }

  /** Starts a codec for values of a generic type, e.g. {@code new TypeReference<List<Book>>() {}}. */
  public static <T> Builder<T> builder(TypeReference<T> type) {
    return new Builder<>(Objects.requireNonNull(type, "type").getType());
  }

  /** The declared type. */
  public JavaType type() {
    return type;
  }

  @Override
  public byte[] encode(T value) {
    Objects.requireNonNull(value, "value");
    if (!type.getRawClass().isInstance(value)) {
      throw new ValueCodecException("a " + value.getClass().getName() + " is not a " + type.toCanonical()
          + ", the type this codec was declared for", null);
    }
    try {
      return writer.writeValueAsBytes(value);
    } catch (JacksonException e) {
      throw new ValueCodecException("a " + value.getClass().getName() + " cannot be written as JSON: "
          + e.getOriginalMessage(), e);
    }
  }

  @Override
  public T decode(ByteView bytes) {
    try {
      T v = reader.readValue(bytes.newInputStream());
      if (v == null) {
        throw new ValueCodecException(bytes.length() + " bytes are JSON null, not a " + type.toCanonical(), null);
      }
      return v;
    } catch (JacksonException e) {
      throw new ValueCodecException(bytes.length() + " bytes are not JSON of " + type.toCanonical() + ": "
          + e.getOriginalMessage(), e);
    } catch (StackOverflowError e) {
      throw new ValueCodecException("the JSON value nests too deeply for this thread's stack", null);
    }
  }

  @Override
  public String toString() {
    return "JacksonCodec[" + type.toCanonical() + (packages.isEmpty() ? "" : ", beans of " + packages) + "]";
  }

  /** Refuses every class name taken from a payload, before the class is looked up. */
  static final class NoClassNamesFromPayload extends PolymorphicTypeValidator.Base {
    private static final long serialVersionUID = 1L;

    @Override
    public Validity validateBaseType(DatabindContext ctxt, JavaType baseType) {
      return Validity.INDETERMINATE; // logical names (Id.NAME) are declared in code and stay allowed
    }

    @Override
    public Validity validateSubClassName(DatabindContext ctxt, JavaType baseType, String subClassName) {
      return Validity.DENIED;
    }

    @Override
    public Validity validateSubType(DatabindContext ctxt, JavaType baseType, JavaType subType) {
      return Validity.DENIED;
    }
  }

  /**
   * Builds no bean, enum or key deserializer for a class outside the allowed packages; the JDK's
   * and Jackson's own types are always read.
   */
  static final class AllowedBeans extends ValueDeserializerModifier {
    private static final long serialVersionUID = 1L;
    private final List<String> packages; // each ends with '.'

    AllowedBeans(List<String> packages) {
      this.packages = packages;
    }

    boolean allows(Class<?> c) {
      while (c.isArray()) {
        c = c.getComponentType();
      }
      if (c.isPrimitive()) {
        return true;
      }
      String n = c.getName();
      if (n.startsWith("java.") || n.startsWith("tools.jackson.")) {
        return true; // read by Jackson's own deserializers, chosen by the declared type, not the payload
      }
      for (String p : packages) {
        if (n.startsWith(p)) {
          return true;
        }
      }
      return false;
    }

    @Override
    public ValueDeserializer<?> modifyDeserializer(DeserializationConfig config, BeanDescription.Supplier bean,
        ValueDeserializer<?> deserializer) {
      return allows(bean.getBeanClass()) ? deserializer : new Refused(bean.getBeanClass(), packages);
    }

    @Override
    public ValueDeserializer<?> modifyEnumDeserializer(DeserializationConfig config, JavaType type,
        BeanDescription.Supplier bean, ValueDeserializer<?> deserializer) {
      return allows(type.getRawClass()) ? deserializer : new Refused(type.getRawClass(), packages);
    }

    @Override
    public KeyDeserializer modifyKeyDeserializer(DeserializationConfig config, JavaType type, KeyDeserializer deserializer) {
      if (allows(type.getRawClass())) {
        return deserializer;
      }
      Refused refused = new Refused(type.getRawClass(), packages);
      return new KeyDeserializer() {
        @Override
        public Object deserializeKey(String key, DeserializationContext ctxt) {
          return refused.deserialize(null, ctxt);
        }
      };
    }
  }

  /** Writes no bean or enum of a class that {@link AllowedBeans} would not read back. */
  static final class AllowedBeansWritten extends ValueSerializerModifier {
    private static final long serialVersionUID = 1L;
    private final AllowedBeans allowed;

    AllowedBeansWritten(AllowedBeans allowed) {
      this.allowed = allowed;
    }

    @Override
    public ValueSerializer<?> modifySerializer(SerializationConfig config, BeanDescription.Supplier bean,
        ValueSerializer<?> serializer) {
      return allowed.allows(bean.getBeanClass()) ? serializer : new RefusedWrite(bean.getBeanClass(), allowed.packages);
    }

    @Override
    public ValueSerializer<?> modifyEnumSerializer(SerializationConfig config, JavaType type,
        BeanDescription.Supplier bean, ValueSerializer<?> serializer) {
      return allowed.allows(type.getRawClass()) ? serializer : new RefusedWrite(type.getRawClass(), allowed.packages);
    }
  }

  /** Stands in for the serializer of a class that is not allowed: writing one fails. */
  static final class RefusedWrite extends ValueSerializer<Object> {
    private final Class<?> refused;
    private final List<String> packages;

    RefusedWrite(Class<?> refused, List<String> packages) {
      this.refused = refused;
      this.packages = packages;
    }

    @Override
    public void serialize(Object value, JsonGenerator gen, SerializationContext ctxt) {
      ctxt.reportBadDefinition(refused, "class " + refused.getName() + " is not in the allowed packages "
          + packages.stream().map(s -> s + "*").toList() + ", so a value holding it would not be read back; "
          + "allow its package");
    }
  }

  /** Stands in for the deserializer of a class that is not allowed: reading one fails. */
  static final class Refused extends ValueDeserializer<Object> {
    private final Class<?> refused;
    private final List<String> packages;

    Refused(Class<?> refused, List<String> packages) {
      this.refused = refused;
      this.packages = packages;
    }

    @Override
    public Object deserialize(JsonParser p, DeserializationContext ctxt) {
      return ctxt.reportBadDefinition(refused, "class " + refused.getName() + " is not in the allowed packages "
          + packages.stream().map(s -> s + "*").toList() + "; allow its package to read it");
    }
  }

  /** Configures a {@link JacksonCodec}. */
  public static final class Builder<T> {
    private final Type type;
    private JsonMapper mapper;
    private final Set<String> packages = new LinkedHashSet<>();

    private Builder(Type type) {
      this.type = type;
    }

    /**
     * The mapper whose modules, naming and features to use (e.g. the application's); default a
     * plain {@code JsonMapper} with the modules found on the class path. The codec reads and
     * writes with a copy of it: default typing off, class names from payloads refused.
     */
    public Builder<T> mapper(JsonMapper mapper) {
      this.mapper = Objects.requireNonNull(mapper, "mapper");
      return this;
    }

    /**
     * Reads beans (POJOs, records, enums, map keys) only of classes in package {@code name} and its
     * sub-packages, and in the other packages given; the JDK's types (collections, {@code java.time})
     * are read by Jackson's own deserializers and need no entry. Default: no bean restriction
     * beyond the declared type's own structure.
     */
    public Builder<T> allowPackage(String name) {
      Objects.requireNonNull(name, "package name");
      String p = name.endsWith(".") ? name : name + ".";
      if (p.length() < 2 || p.startsWith(".") || p.contains("..") || p.contains("*")) {
        throw new IllegalArgumentException("'" + name + "' is not a package name (write e.g. \"com.example\"; "
            + "a package allows its sub-packages, no wildcard needed)");
      }
      packages.add(p);
      return this;
    }

    /** {@link #allowPackage} for each of {@code names}. */
    public Builder<T> allowPackages(Iterable<String> names) {
      names.forEach(this::allowPackage);
      return this;
    }

    public JacksonCodec<T> build() {
      JsonMapper.Builder b = mapper != null ? mapper.rebuild() : JsonMapper.builder().findAndAddModules();
      b.deactivateDefaultTyping().polymorphicTypeValidator(new NoClassNamesFromPayload());
      List<String> allowed = List.copyOf(new ArrayList<>(packages));
      if (!allowed.isEmpty()) {
        AllowedBeans beans = new AllowedBeans(allowed);
        b.addModule(new SimpleModule("groupcache4j-allowed-beans").setDeserializerModifier(beans)
            .setSerializerModifier(new AllowedBeansWritten(beans)));
      }
      JsonMapper safe = b.build();
      return new JacksonCodec<>(safe.constructType(type), safe, allowed);
    }
  }
}
