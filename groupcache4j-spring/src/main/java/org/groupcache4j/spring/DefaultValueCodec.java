package org.groupcache4j.spring;

import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.groupcache4j.ByteView;
import org.groupcache4j.JavaSerializationCodec;
import org.groupcache4j.ValueCodec;
import org.groupcache4j.ValueCodecException;

/**
 * The value codec a Spring cache uses unless told otherwise: any {@link Serializable} value
 * (records included) through Java serialization, any other through JSON (Jackson 3, when it is on
 * the class path), and in both cases only classes of an allow-list.
 *
 * <pre>{@code
 * ValueCodec<Object> values = DefaultValueCodec.builder().allowPackage("com.example").build();
 * }</pre>
 *
 * <p>The allow-list is packages (each with its sub-packages); {@code java.*} is always in it. The
 * Spring Boot starter fills it with the application's packages (those of
 * {@code @SpringBootApplication}) and {@code groupcache4j.allowed-packages}. Nothing outside it is
 * ever instantiated from the bytes, which may come from another node:
 * <ul>
 *   <li>Serializable values are read by a {@link JavaSerializationCodec}, whose
 *       {@code ObjectInputFilter} refuses every other class before it is read, and bounds what a
 *       payload can make it allocate;</li>
 *   <li>other values are written as JSON after the name of their class; reading checks the name
 *       against the allow-list before the class is looked up (without initialising it), then reads
 *       the JSON into that class with default typing off, every class name in the JSON refused,
 *       and no bean of a class outside the allow-list built (see
 *       {@link org.groupcache4j.codecs.JacksonCodec}).</li>
 * </ul>
 * A value that holds a class outside the list is refused when it is written, with the class
 * named, so a missing package shows at the first put.
 *
 * <p>A {@code List}, {@code Set} or {@code Map} whose elements are not Serializable (a list of
 * records, say) is written as JSON after the names of its element classes: every element (and,
 * for a map, every key and every value) must then be of one class, so that the JSON reads back
 * as written; it reads back as an {@code ArrayList}, a {@code LinkedHashSet} or a
 * {@code LinkedHashMap}. Another collection, or one of mixed classes, is refused with the fix
 * (an array or a record that holds the elements).
 *
 * <p>Format: one byte {@code 1} and a Java serialization stream; or one byte {@code 2}, the class
 * name's length (one unsigned byte pair, big-endian), the class name in UTF-8, and the JSON; or
 * one byte {@code 3}, one byte {@code L}, {@code S} or {@code M} (list, set, map), the element
 * class name (a map: the key class name, then the value class name), each as in format 2, and the
 * JSON.
 */
public final class DefaultValueCodec implements ValueCodec<Object> {
  static final byte JAVA = 1;
  static final byte JSON = 2;
  static final byte JSON_CONTAINER = 3;

  private final List<String> packages; // each ends with '.'; "java." first
  private final ClassLoader loader;
  private final JavaSerializationCodec<Object> java;
  private final Object jsonMapper; // a tools.jackson.databind.json.JsonMapper, or null for a default one
  private final boolean jsonAvailable;
  private final Map<Class<?>, ValueCodec<Object>> jsonCodecs = new ConcurrentHashMap<>();
  private final Map<List<Object>, ValueCodec<Object>> containerCodecs = new ConcurrentHashMap<>();

  private DefaultValueCodec(Builder b) {
    Set<String> p = new LinkedHashSet<>();
    p.add("java.");
    for (String s : b.packages) {
      p.add(s.endsWith(".") ? s : s + ".");
    }
    this.packages = List.copyOf(p);
    this.loader = b.loader != null ? b.loader : DefaultValueCodec.class.getClassLoader();
    JavaSerializationCodec.Builder<Object> jb = JavaSerializationCodec.builder(Object.class).classLoader(loader);
    packages.forEach(jb::allowPackage);
    this.java = jb.build();
    this.jsonMapper = b.jsonMapper;
    this.jsonAvailable = b.json && jacksonPresent(loader);
  }

  /** Starts a codec that allows {@code java.*} and what the builder adds. */
  public static Builder builder() {
    return new Builder();
  }

  static boolean jacksonPresent(ClassLoader loader) {
    try {
      Class.forName("tools.jackson.databind.json.JsonMapper", false, loader);
      Class.forName("org.groupcache4j.codecs.JacksonCodec", false, DefaultValueCodec.class.getClassLoader());
      return true;
    } catch (ClassNotFoundException | LinkageError e) {
      return false;
    }
  }

  /** The allowed packages, each as a prefix ending with '.'. */
  public List<String> allowedPackages() {
    return packages;
  }

  /** Whether values that are not Serializable can be written (Jackson 3 is on the class path). */
  public boolean writesJson() {
    return jsonAvailable;
  }

  /** Whether a class of this name ({@link Class#getName()}, arrays included) may be read. */
  public boolean allows(String className) {
    int dims = 0;
    while (dims < className.length() && className.charAt(dims) == '[') {
      dims++;
    }
    if (dims > 0) {
      String element = className.substring(dims);
      if (element.length() == 1) {
        return "ZBCSIJFD".contains(element); // an array of a primitive type
      }
      if (!element.startsWith("L") || !element.endsWith(";")) {
        return false;
      }
      className = element.substring(1, element.length() - 1);
    }
    for (String p : packages) {
      if (className.startsWith(p)) {
        return true;
      }
    }
    return false;
  }

  @Override
  public byte[] encode(Object value) {
    Objects.requireNonNull(value, "value");
    ValueCodecException notSerializable = null;
    if (value instanceof Serializable) {
      try {
        return prefixed(JAVA, null, java.encode(value));
      } catch (ValueCodecException e) {
        if (!(e.getCause() instanceof java.io.NotSerializableException)) {
          throw e;
        }
        notSerializable = e; // e.g. a list of records that are not Serializable: JSON may still do
      }
    }
    Class<?> c = value.getClass();
    if (value instanceof Collection<?> || value instanceof Map<?, ?>) {
      return encodeContainer(value, notSerializable);
    }
    checkJson(c, notSerializable);
    return prefixed(JSON, name(c), json(c).encode(value));
  }

  /** A class whose instances may be written as JSON (Jackson present, a named class of the allow-list). */
  private void checkJson(Class<?> c, ValueCodecException notSerializable) {
    if (!jsonAvailable) {
      throw new ValueCodecException("a " + c.getName() + " is not Serializable, and without Jackson 3 "
          + "(tools.jackson.core:jackson-databind) on the class path it cannot be written as JSON either: implement "
          + "java.io.Serializable or add Jackson", notSerializable);
    }
    if (c.isAnonymousClass() || c.isLocalClass() || c.isSynthetic() || c.getName().contains("$$")) {
      throw new ValueCodecException("a " + c.getName() + " is an anonymous, local or generated class, whose name "
          + "another node cannot look up; store a named class", null);
    }
    if (!allows(c.getName())) {
      throw new ValueCodecException("a " + c.getName() + " is not in the allowed packages " + described()
          + ", so it would not be read back; add its package to the allow-list (groupcache4j.allowed-packages)", null);
    }
  }

  private static byte[] name(Class<?> c) {
    byte[] name = c.getName().getBytes(StandardCharsets.UTF_8);
    if (name.length > 0xffff) {
      throw new ValueCodecException("class name of " + name.length + " bytes", null);
    }
    return name;
  }

  /** A List, Set or Map (not Serializable as a whole) as JSON after its element classes; one class each. */
  private byte[] encodeContainer(Object value, ValueCodecException notSerializable) {
    Class<?> c = value.getClass();
    byte kind;
    List<Class<?>> classes = new ArrayList<>();
    if (value instanceof List<?> || value instanceof Set<?>) {
      kind = value instanceof List<?> ? (byte) 'L' : (byte) 'S';
      classes.add(oneClass(c, "element", (Collection<?>) value, notSerializable));
    } else if (value instanceof Map<?, ?> m) {
      kind = 'M';
      classes.add(oneClass(c, "key", m.keySet(), notSerializable));
      classes.add(oneClass(c, "value", m.values(), notSerializable));
    } else {
      throw containerRefused(c, "it is neither a List, a Set nor a Map", notSerializable);
    }
    List<byte[]> names = new ArrayList<>();
    int head = 2;
    for (Class<?> e : classes) {
      checkJson(e, notSerializable);
      byte[] n = name(e);
      names.add(n);
      head += 2 + n.length;
    }
    byte[] body = container(kind, classes).encode(value);
    byte[] out = new byte[head + body.length];
    out[0] = JSON_CONTAINER;
    out[1] = kind;
    int at = 2;
    for (byte[] n : names) {
      out[at] = (byte) (n.length >>> 8);
      out[at + 1] = (byte) n.length;
      System.arraycopy(n, 0, out, at + 2, n.length);
      at += 2 + n.length;
    }
    System.arraycopy(body, 0, out, at, body.length);
    return out;
  }

  /** The one class of the non-null {@code elements}; refused if there are none or several. */
  private static Class<?> oneClass(Class<?> container, String what, Collection<?> elements, ValueCodecException cause) {
    Class<?> one = null;
    for (Object e : elements) {
      if (e == null) {
        continue;
      }
      if (one == null) {
        one = e.getClass();
      } else if (one != e.getClass()) {
        throw containerRefused(container, "its " + what + "s are of several classes (" + one.getName() + ", "
            + e.getClass().getName() + ")", cause);
      }
    }
    if (one == null) {
      throw containerRefused(container, "it has no " + what + " to take the class of", cause);
    }
    return one;
  }

  private static ValueCodecException containerRefused(Class<?> c, String why, ValueCodecException cause) {
    return new ValueCodecException("a " + c.getName() + " whose elements are not all Serializable cannot be stored: "
        + why + ", so its JSON would not read back as written" + (cause != null ? " (" + cause.getMessage() + ")" : "")
        + "; make the elements Serializable, or return an array or a record that holds them", cause);
  }

  private static byte[] prefixed(byte format, byte[] name, byte[] body) {
    int head = name == null ? 1 : 3 + name.length;
    byte[] out = new byte[head + body.length];
    out[0] = format;
    if (name != null) {
      out[1] = (byte) (name.length >>> 8);
      out[2] = (byte) name.length;
      System.arraycopy(name, 0, out, 3, name.length);
    }
    System.arraycopy(body, 0, out, head, body.length);
    return out;
  }

  @Override
  public Object decode(ByteView bytes) {
    int n = bytes.length();
    if (n == 0) {
      throw new ValueCodecException("an empty value is not one this codec wrote", null);
    }
    byte format = bytes.byteAt(0);
    if (format == JAVA) {
      return java.decode(slice(bytes, 1));
    }
    if (format != JSON && format != JSON_CONTAINER) {
      throw new ValueCodecException("a value that starts with byte " + (format & 0xff) + " is not one this codec "
          + "wrote (1: Java serialization, 2: JSON, 3: JSON of a collection); was it written with another codec?", null);
    }
    if (format == JSON_CONTAINER) {
      return decodeContainer(bytes);
    }
    if (n < 3) {
      throw new ValueCodecException("a JSON value of " + n + " bytes has no class name", null);
    }
    int[] at = {1};
    Class<?> c = readClass(bytes, at);
    return json(c).decode(slice(bytes, at[0]));
  }

  private Object decodeContainer(ByteView bytes) {
    if (bytes.length() < 2) {
      throw new ValueCodecException("a JSON collection of " + bytes.length() + " bytes has no kind", null);
    }
    byte kind = bytes.byteAt(1);
    int count = switch (kind) {
      case 'L', 'S' -> 1;
      case 'M' -> 2;
      default -> throw new ValueCodecException("a JSON collection of kind " + (kind & 0xff) + " (L, S or M expected)", null);
    };
    int[] at = {2};
    List<Class<?>> classes = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      classes.add(readClass(bytes, at));
    }
    return container(kind, classes).decode(slice(bytes, at[0]));
  }

  /** The class named at {@code at[0]} (length-prefixed), checked against the allow-list before it is looked up; moves {@code at[0]} past it. */
  private Class<?> readClass(ByteView bytes, int[] at) {
    int n = bytes.length();
    int i = at[0];
    if (i + 2 > n) {
      throw new ValueCodecException("a JSON value of " + n + " bytes has no class name", null);
    }
    int len = (bytes.byteAt(i) & 0xff) << 8 | (bytes.byteAt(i + 1) & 0xff);
    if (i + 2 + len > n) {
      throw new ValueCodecException("a JSON value of " + n + " bytes claims a class name of " + len + " bytes", null);
    }
    byte[] nameBytes = new byte[len];
    bytes.asReadOnlyByteBuffer().position(i + 2).get(nameBytes);
    at[0] = i + 2 + len;
    String name = new String(nameBytes, StandardCharsets.UTF_8);
    if (!allows(name)) {
      throw new ValueCodecException("the value names class " + org.groupcache4j.spring.internal.Keys.quote(name)
          + ", which is not in the allowed packages " + described(), null);
    }
    if (!jsonAvailable) {
      throw new ValueCodecException("the value is JSON of " + name + ", and Jackson 3 is not on this node's class path", null);
    }
    try {
      return Class.forName(name, false, loader);
    } catch (ClassNotFoundException | LinkageError e) {
      throw new ValueCodecException("the value names class " + name + ", which this node does not have", e);
    }
  }

  private static ByteView slice(ByteView bytes, int from) {
    java.nio.ByteBuffer b = bytes.asReadOnlyByteBuffer();
    b.position(from);
    return ByteView.copyOf(b);
  }

  private ValueCodec<Object> json(Class<?> c) {
    return jsonCodecs.computeIfAbsent(c, k -> Json.codec(k, jsonMapper, packages));
  }

  private ValueCodec<Object> container(byte kind, List<Class<?>> classes) {
    List<Object> id = new ArrayList<>(classes);
    id.add(0, kind);
    return containerCodecs.computeIfAbsent(id, k -> Json.container(kind, classes, jsonMapper, packages));
  }

  private String described() {
    return packages.stream().map(p -> p + "*").toList().toString();
  }

  @Override
  public String toString() {
    return "DefaultValueCodec[allowed " + described() + (jsonAvailable ? ", JSON for values not Serializable" : "") + "]";
  }

  /** Jackson, in a class of its own so that it is loaded only when Jackson is there. */
  private static final class Json {
    @SuppressWarnings("unchecked")
    static ValueCodec<Object> codec(Class<?> c, Object mapper, List<String> packages) {
      org.groupcache4j.codecs.JacksonCodec.Builder<Object> b =
          org.groupcache4j.codecs.JacksonCodec.builder((Class<Object>) c);
      if (mapper != null) {
        b.mapper((tools.jackson.databind.json.JsonMapper) mapper);
      }
      List<String> beans = new ArrayList<>(packages);
      beans.remove("java.");
      if (beans.isEmpty()) {
        beans.add("java."); // a list that allows only the JDK's types
      }
      return b.allowPackages(beans).build();
    }

    /** A codec of List&lt;E&gt;, Set&lt;E&gt; (read as a LinkedHashSet) or Map&lt;K, V&gt; (read as a LinkedHashMap). */
    @SuppressWarnings("unchecked")
    static ValueCodec<Object> container(byte kind, List<Class<?>> classes, Object mapper, List<String> packages) {
      Class<?> raw = kind == 'L' ? List.class : kind == 'S' ? LinkedHashSet.class : Map.class;
      java.lang.reflect.Type type = org.springframework.core.ResolvableType
          .forClassWithGenerics(raw, classes.toArray(new Class<?>[0])).getType();
      ValueCodec<Object> typed = codec(type, mapper, packages);
      if (kind != 'S') {
        return typed;
      }
      // written as any Set (the declared type's raw class is only what reads)
      return new ValueCodec<>() {
        @Override
        public byte[] encode(Object value) {
          return typed.encode(value instanceof LinkedHashSet<?> ? value : new LinkedHashSet<>((Set<?>) value));
        }

        @Override
        public Object decode(ByteView bytes) {
          return typed.decode(bytes);
        }
      };
    }

    @SuppressWarnings("unchecked")
    private static ValueCodec<Object> codec(java.lang.reflect.Type type, Object mapper, List<String> packages) {
      tools.jackson.core.type.TypeReference<Object> ref = new tools.jackson.core.type.TypeReference<>() {
        @Override
        public java.lang.reflect.Type getType() {
          return type;
        }
      };
      org.groupcache4j.codecs.JacksonCodec.Builder<Object> b = org.groupcache4j.codecs.JacksonCodec.builder(ref);
      if (mapper != null) {
        b.mapper((tools.jackson.databind.json.JsonMapper) mapper);
      }
      List<String> beans = new ArrayList<>(packages);
      beans.remove("java.");
      if (beans.isEmpty()) {
        beans.add("java.");
      }
      return b.allowPackages(beans).build();
    }
  }

  /** Configures a {@link DefaultValueCodec}. */
  public static final class Builder {
    private final Set<String> packages = new LinkedHashSet<>();
    private ClassLoader loader;
    private Object jsonMapper;
    private boolean json = true;

    private Builder() {}

    /** Allows the classes of package {@code name} and its sub-packages. */
    public Builder allowPackage(String name) {
      Objects.requireNonNull(name, "package name");
      String p = name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
      if (p.isEmpty() || p.startsWith(".") || p.contains("..") || p.contains("*") || p.contains("/")) {
        throw new IllegalArgumentException("'" + name + "' is not a package name (write e.g. \"com.example\"; "
            + "a package allows its sub-packages, no wildcard needed)");
      }
      packages.add(p);
      return this;
    }

    /** {@link #allowPackage} for each of {@code names}. */
    public Builder allowPackages(Iterable<String> names) {
      names.forEach(this::allowPackage);
      return this;
    }

    /** The loader of the application's classes (default: this class's). */
    public Builder classLoader(ClassLoader loader) {
      this.loader = Objects.requireNonNull(loader, "classLoader");
      return this;
    }

    /**
     * The application's {@code tools.jackson.databind.json.JsonMapper} (its modules and naming),
     * which the codec copies with default typing off. Default: a plain one.
     */
    public Builder jsonMapper(Object mapper) {
      if (!mapper.getClass().getName().startsWith("tools.jackson.")) {
        throw new IllegalArgumentException("jsonMapper takes a tools.jackson.databind.json.JsonMapper, not a "
            + mapper.getClass().getName());
      }
      this.jsonMapper = mapper;
      return this;
    }

    /** Whether values that are not Serializable are written as JSON when Jackson is present (default true). */
    public Builder json(boolean enabled) {
      this.json = enabled;
      return this;
    }

    public DefaultValueCodec build() {
      return new DefaultValueCodec(this);
    }
  }
}
