package org.groupcache4j;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InvalidClassException;
import java.io.NotSerializableException;
import java.io.ObjectInputFilter;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.ObjectStreamClass;
import java.io.Serializable;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Java serialization behind an {@link ObjectInputFilter} allow-list: the codec for
 * {@link Serializable} types (records included) that nobody wants to map by hand.
 *
 * <pre>{@code
 * ValueCodec<Book> books = JavaSerializationCodec.builder(Book.class)
 *     .allowPackage("com.example.library")   // Book and what it holds
 *     .allowPackage("java")                  // String, List, LocalDate, ...
 *     .build();
 * }</pre>
 *
 * <p>Plain {@link ObjectInputStream} instantiates whatever class the bytes name, which is how
 * deserialization attacks work; bytes from a peer are untrusted input. This codec's filter sees
 * every class descriptor before an object of it is created and refuses all but:
 * <ul>
 *   <li>the declared type, the classes and the packages given to the builder (a package allows
 *       its sub-packages: {@code "java"} allows {@code java.util.ArrayList});</li>
 *   <li>primitive types, and arrays of allowed types.</li>
 * </ul>
 * A class's serializable superclasses are described in the stream too and must be allowed as
 * well, except {@link Enum} and {@link Number}, which the JDK's own enums and numbers extend.
 * Dynamic proxies are refused. It also bounds what a payload can make the reader allocate: an
 * array or collection may claim at most {@value #ELEMENTS_PER_BYTE} elements per byte of input
 * (every element takes at least a byte on the stream), and graph depth and object references have
 * limits ({@link Builder#maxDepth}, {@link Builder#maxReferences}). A refused payload is a
 * {@link ValueCodecException}; nothing of it was instantiated beyond the allowed classes read
 * before the refusal.
 *
 * <p>{@link #encode} refuses a value that holds a class the filter would refuse, so a
 * misconfigured allow-list shows at the first write rather than as values that never read back.
 * Records are read through their canonical constructor, so their invariants hold. The object
 * decoded must be an instance of the declared type. Serialized form is large and slow next to a
 * purpose-built format (JSON, Protocol Buffers): choose this codec for convenience, not speed.
 *
 * @param <T> the declared type
 */
public final class JavaSerializationCodec<T> implements ValueCodec<T> {
  /** Elements an array or collection may claim per byte of the payload. */
  public static final int ELEMENTS_PER_BYTE = 2;
  /** Superclasses the stream describes with the JDK's own types (an enum's, a Long's); no value is one of them alone. */
  private static final Set<String> BASES = Set.of("java.lang.Enum", "java.lang.Number");

  private final Class<T> type;
  private final Set<String> packages; // each ends with '.'
  private final Set<String> classes;
  private final int maxDepth;
  private final int maxReferences;
  private final ClassLoader classLoader; // null: ObjectInputStream's own choice

  private JavaSerializationCodec(Builder<T> b) {
    this.type = b.type;
    this.packages = Set.copyOf(b.packages);
    Set<String> c = new LinkedHashSet<>(b.classes);
    c.add(b.type.getName());
    this.classes = Set.copyOf(c);
    this.maxDepth = b.maxDepth;
    this.maxReferences = b.maxReferences;
    this.classLoader = b.classLoader;
  }

  /**
   * Starts a codec for values of {@code type}; the type itself is allowed, nothing else until
   * added. Types that the values hold (fields, elements) must be added too, e.g. with
   * {@code allowPackage("java")} for the JDK's.
   */
  public static <T> Builder<T> builder(Class<T> type) {
    return new Builder<>(type);
  }

  /** The declared type. */
  public Class<T> type() {
    return type;
  }

  /** Whether the filter lets objects of {@code c} (or arrays of it) be read. */
  public boolean allows(Class<?> c) {
    while (c.isArray()) {
      c = c.getComponentType();
    }
    if (c.isPrimitive()) {
      return true;
    }
    if (Proxy.isProxyClass(c)) {
      return false;
    }
    return allowsName(c.getName());
  }

  private boolean allowsName(String name) {
    if (classes.contains(name) || BASES.contains(name)) {
      return true;
    }
    for (int dot = name.lastIndexOf('.'); dot > 0; dot = name.lastIndexOf('.', dot - 1)) {
      if (packages.contains(name.substring(0, dot + 1))) {
        return true;
      }
    }
    return false;
  }

  @Override
  public byte[] encode(T value) {
    Objects.requireNonNull(value, "value");
    if (!type.isInstance(value)) {
      throw new ValueCodecException("a " + value.getClass().getName() + " is not a " + type.getName()
          + ", the type this codec was declared for", null);
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(256);
    CheckedOutput o = null;
    try (CheckedOutput checked = new CheckedOutput(out)) {
      o = checked;
      checked.writeObject(value);
    } catch (NotAllowedException e) {
      // ObjectOutputStream then writes the exception itself, which is refused again: report the first refusal
      String refused = o != null && o.refused != null ? o.refused : e.getMessage();
      throw new ValueCodecException("a " + value.getClass().getName() + " holds a " + refused
          + ", a class this codec would refuse to read back (allowed: " + describeAllowed() + "); allow it", null);
    } catch (NotSerializableException e) {
      throw new ValueCodecException("a " + value.getClass().getName() + " cannot be serialized: it holds a "
          + e.getMessage() + ", which does not implement java.io.Serializable", e);
    } catch (IOException | RuntimeException e) {
      throw new ValueCodecException("a " + value.getClass().getName() + " cannot be serialized: " + e, e);
    }
    return out.toByteArray();
  }

  @Override
  public T decode(ByteView bytes) {
    int length = bytes.length();
    Refusal refusal = new Refusal();
    Object o;
    try (ObjectInputStream in = new LoaderInput(bytes.newInputStream(), classLoader)) {
      in.setObjectInputFilter(info -> check(info, length, refusal));
      o = in.readObject();
      if (trailing(in)) {
        throw new ValueCodecException(length + " bytes hold more than one serialized object", null);
      }
    } catch (InvalidClassException e) {
      throw new ValueCodecException(refusal.why != null ? refusal.why : "the value's class does not match this "
          + "version's (" + e.getMessage() + "); was it written by another version of the class?", e);
    } catch (ClassNotFoundException e) {
      throw new ValueCodecException("the value names a class this JVM does not have: " + e.getMessage(), e);
    } catch (IOException | RuntimeException e) {
      throw new ValueCodecException(refusal.why != null ? refusal.why
          : length + " bytes are not a serialized " + type.getName() + ": " + e, e);
    } catch (StackOverflowError e) {
      throw new ValueCodecException("the serialized value nests too deeply for this thread's stack", null);
    }
    if (!type.isInstance(o)) {
      throw new ValueCodecException("the value is a " + (o == null ? "null" : o.getClass().getName()) + ", not a "
          + type.getName(), null);
    }
    return type.cast(o);
  }

  private static boolean trailing(ObjectInputStream in) {
    try {
      return in.read() != -1;
    } catch (IOException e) {
      return true; // not block data: another object, or garbage
    }
  }

  /** What the filter refused, so that the exception says it (ObjectInputStream's own says "filter status: REJECTED"). */
  private static final class Refusal {
    String why;
  }

  private ObjectInputFilter.Status check(ObjectInputFilter.FilterInfo info, int length, Refusal refusal) {
    if (info.depth() > maxDepth) {
      return refuse(refusal, "the value nests deeper than " + maxDepth + " objects (maxDepth)");
    }
    if (info.references() > maxReferences) {
      return refuse(refusal, "the value holds more than " + maxReferences + " object references (maxReferences)");
    }
    if (info.arrayLength() > (long) ELEMENTS_PER_BYTE * length + 16) {
      return refuse(refusal, "the value claims an array or collection of " + info.arrayLength()
          + " elements in " + length + " bytes");
    }
    Class<?> c = info.serialClass();
    if (c == null) {
      return ObjectInputFilter.Status.UNDECIDED; // a limits-only check, passed
    }
    if (allows(c)) {
      return ObjectInputFilter.Status.ALLOWED;
    }
    Class<?> base = c;
    while (base.isArray()) {
      base = base.getComponentType();
    }
    return refuse(refusal, "the value names class " + base.getName() + ", which is not allowed for "
        + type.getName() + " (allowed: " + describeAllowed() + ")");
  }

  private static ObjectInputFilter.Status refuse(Refusal refusal, String why) {
    if (refusal.why == null) {
      refusal.why = why;
    }
    return ObjectInputFilter.Status.REJECTED;
  }

  private String describeAllowed() {
    List<String> all = new ArrayList<>(classes);
    for (String p : packages) {
      all.add(p + "*");
    }
    all.sort(null);
    return String.join(", ", all);
  }

  @Override
  public String toString() {
    return "JavaSerializationCodec[" + type.getName() + ", allowed " + describeAllowed() + "]";
  }

  /** Writes only classes that {@link #decode} would read back: a value is refused when written, not on every read. */
  private final class CheckedOutput extends ObjectOutputStream {
    String refused; // the first class refused

    CheckedOutput(ByteArrayOutputStream out) throws IOException {
      super(out);
    }

    @Override
    protected void annotateClass(Class<?> cl) throws IOException {
      if (!allows(cl)) {
        Class<?> base = cl;
        while (base.isArray()) {
          base = base.getComponentType();
        }
        throw refuse(base.getName());
      }
    }

    @Override
    protected void annotateProxyClass(Class<?> cl) throws IOException {
      throw refuse("dynamic proxy " + cl.getName());
    }

    private NotAllowedException refuse(String what) {
      if (refused == null) {
        refused = what;
      }
      return new NotAllowedException(what);
    }
  }

  private static final class NotAllowedException extends IOException {
    private static final long serialVersionUID = 1L;

    NotAllowedException(String what) {
      super(what);
    }
  }

  /** Resolves classes with the given loader (the application's), after the filter allowed them. */
  private static final class LoaderInput extends ObjectInputStream {
    private final ClassLoader loader;

    LoaderInput(InputStream in, ClassLoader loader) throws IOException {
      super(in);
      this.loader = loader;
    }

    @Override
    protected Class<?> resolveClass(ObjectStreamClass desc) throws IOException, ClassNotFoundException {
      if (loader == null) {
        return super.resolveClass(desc);
      }
      try {
        return Class.forName(desc.getName(), false, loader);
      } catch (ClassNotFoundException e) {
        return super.resolveClass(desc); // primitives' and the platform's classes
      }
    }
  }

  /**
   * Configures a {@link JavaSerializationCodec}. Defaults: only the declared type allowed,
   * {@code maxDepth} 64, {@code maxReferences} 100 000.
   */
  public static final class Builder<T> {
    private final Class<T> type;
    private final Set<String> packages = new LinkedHashSet<>();
    private final Set<String> classes = new LinkedHashSet<>();
    private int maxDepth = 64;
    private int maxReferences = 100_000;
    private ClassLoader classLoader;

    private Builder(Class<T> type) {
      this.type = Objects.requireNonNull(type, "type");
      if (type.isPrimitive()) {
        throw new IllegalArgumentException("the declared type must be a class, not the primitive " + type
            + "; use its wrapper (e.g. Long.class)");
      }
    }

    /** Allows the classes of package {@code name} and of its sub-packages (e.g. {@code "com.example"}). */
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

    /** Allows class {@code c} (alone, not its package). */
    public Builder<T> allowClass(Class<?> c) {
      classes.add(Objects.requireNonNull(c, "class").getName());
      return this;
    }

    /** The deepest nesting of objects a value may have (default 64). */
    public Builder<T> maxDepth(int depth) {
      if (depth < 1) {
        throw new IllegalArgumentException("maxDepth must be >= 1, was " + depth);
      }
      this.maxDepth = depth;
      return this;
    }

    /** The most object references a value may hold (default 100 000). */
    public Builder<T> maxReferences(int references) {
      if (references < 1) {
        throw new IllegalArgumentException("maxReferences must be >= 1, was " + references);
      }
      this.maxReferences = references;
      return this;
    }

    /**
     * The class loader that reads the allowed classes (e.g. the application's, in a container or
     * an executable jar); default: {@link ObjectInputStream}'s choice, the nearest one on the stack.
     */
    public Builder<T> classLoader(ClassLoader loader) {
      this.classLoader = Objects.requireNonNull(loader, "classLoader");
      return this;
    }

    public JavaSerializationCodec<T> build() {
      return new JavaSerializationCodec<>(this);
    }
  }
}
