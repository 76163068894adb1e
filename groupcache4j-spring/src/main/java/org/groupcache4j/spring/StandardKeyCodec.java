package org.groupcache4j.spring;

import java.lang.reflect.Array;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import org.springframework.cache.interceptor.SimpleKey;

/** {@link CacheKeyCodec#standard()}: the format its class comment documents. */
final class StandardKeyCodec implements CacheKeyCodec {
  private static final Field SIMPLE_KEY_PARAMS = simpleKeyParams();

  private final List<String> packages; // each ends with '.'
  private final ClassLoader loader;

  private StandardKeyCodec(List<String> packages, ClassLoader loader) {
    this.packages = packages;
    this.loader = loader != null ? loader : StandardKeyCodec.class.getClassLoader();
  }

  static StandardKeyCodec withAllowedPackages(Collection<String> packages, ClassLoader loader) {
    List<String> p = new ArrayList<>();
    for (String s : packages) {
      p.add(s.endsWith(".") ? s : s + ".");
    }
    return new StandardKeyCodec(List.copyOf(p), loader);
  }

  private static Field simpleKeyParams() {
    try {
      Field f = SimpleKey.class.getDeclaredField("params");
      f.setAccessible(true);
      return f;
    } catch (ReflectiveOperationException | RuntimeException e) {
      return null; // reported when a SimpleKey is encoded
    }
  }

  // ---- encode

  @Override
  public String encode(Object key) {
    StringBuilder sb = new StringBuilder();
    write(sb, Objects.requireNonNull(key, "a cache key must not be null"), 0);
    return sb.toString();
  }

  private void write(StringBuilder sb, Object k, int depth) {
    if (depth > 16) {
      throw new IllegalArgumentException("cache key nests deeper than 16 levels");
    }
    if (k == null) {
      sb.append("~null");
    } else if (k instanceof String s) {
      if (s.startsWith("~")) {
        sb.append('~');
      }
      sb.append(s);
    } else if (k instanceof Integer) {
      sb.append("~int:").append(k);
    } else if (k instanceof Long) {
      sb.append("~long:").append(k);
    } else if (k instanceof Short) {
      sb.append("~short:").append(k);
    } else if (k instanceof Byte) {
      sb.append("~byte:").append(k);
    } else if (k instanceof Double) {
      sb.append("~double:").append(k);
    } else if (k instanceof Float) {
      sb.append("~float:").append(k);
    } else if (k instanceof BigInteger) {
      sb.append("~bigint:").append(k);
    } else if (k instanceof BigDecimal) {
      sb.append("~decimal:").append(k);
    } else if (k instanceof Boolean) {
      sb.append("~bool:").append(k);
    } else if (k instanceof Character) {
      sb.append("~char:").append(k);
    } else if (k instanceof UUID) {
      sb.append("~uuid:").append(k);
    } else if (k instanceof LocalDate) {
      sb.append("~date:").append(k);
    } else if (k instanceof LocalDateTime) {
      sb.append("~datetime:").append(k);
    } else if (k instanceof LocalTime) {
      sb.append("~time:").append(k);
    } else if (k instanceof Instant) {
      sb.append("~instant:").append(k);
    } else if (k instanceof Enum<?> e) {
      sb.append("~enum:").append(e.getDeclaringClass().getName()).append('#').append(e.name());
    } else if (k instanceof SimpleKey s) {
      writeAll(sb.append("~key["), params(s), depth);
    } else if (k instanceof List<?> l) {
      writeAll(sb.append("~list["), l.toArray(), depth);
    } else if (k.getClass().isArray()) {
      Object[] elements = new Object[Array.getLength(k)];
      for (int i = 0; i < elements.length; i++) {
        elements[i] = Array.get(k, i);
      }
      writeAll(sb.append("~array["), elements, depth);
    } else if (k instanceof Record r) {
      RecordComponent[] rc = r.getClass().getRecordComponents();
      Object[] values = new Object[rc.length];
      for (int i = 0; i < rc.length; i++) {
        try {
          rc[i].getAccessor().setAccessible(true);
          values[i] = rc[i].getAccessor().invoke(r);
        } catch (ReflectiveOperationException | RuntimeException e) {
          throw new IllegalArgumentException("cannot read component '" + rc[i].getName() + "' of cache key record "
              + r.getClass().getName() + ": " + e, e);
        }
      }
      writeAll(sb.append("~record:").append(r.getClass().getName()).append('['), values, depth);
    } else {
      throw new IllegalArgumentException("cache key of type " + k.getClass().getName() + " has no form in the "
          + "standard key codec (it writes strings, numbers, booleans, characters, UUIDs, enums, java.time dates and "
          + "instants, and SimpleKeys, lists, arrays and records of these): give the method a key expression "
          + "(@Cacheable(key = \"#p0.id\")), make the key a record, or configure a CacheKeyCodec");
    }
  }

  private void writeAll(StringBuilder sb, Object[] elements, int depth) {
    for (int i = 0; i < elements.length; i++) {
      if (i > 0) {
        sb.append(',');
      }
      StringBuilder e = new StringBuilder();
      write(e, elements[i], depth + 1);
      sb.append(e.length()).append(':').append(e);
    }
    sb.append(']');
  }

  private static Object[] params(SimpleKey k) {
    if (SIMPLE_KEY_PARAMS == null) {
      throw new IllegalArgumentException("cannot read the elements of " + k + ": this Spring version's SimpleKey "
          + "has no field 'params' this codec can read; configure a CacheKeyCodec or a KeyGenerator of your own");
    }
    try {
      return ((Object[]) SIMPLE_KEY_PARAMS.get(k)).clone();
    } catch (IllegalAccessException e) {
      throw new IllegalArgumentException("cannot read the elements of " + k + ": " + e, e);
    }
  }

  // ---- decode

  @Override
  public Object decode(String key) {
    Objects.requireNonNull(key, "key");
    Reader r = new Reader(key, 0, key.length());
    Object o = r.value(0);
    return o;
  }

  /** Parses {@code s[from, to)} as one encoded key. */
  private final class Reader {
    final String s;
    final int from;
    final int to;

    Reader(String s, int from, int to) {
      this.s = s;
      this.from = from;
      this.to = to;
    }

    Object value(int depth) {
      if (depth > 16) {
        throw bad("nests deeper than 16 levels");
      }
      if (!s.startsWith("~", from) || to - from == 0) {
        return s.substring(from, to);
      }
      if (s.startsWith("~~", from)) {
        return s.substring(from + 1, to);
      }
      if (s.startsWith("~null", from) && to - from == 5) {
        return null;
      }
      int colon = s.indexOf(':', from);
      int bracket = s.indexOf('[', from);
      if (bracket >= 0 && bracket < to && (colon < 0 || colon > bracket)) {
        String tag = s.substring(from + 1, bracket);
        Object[] elements = elements(bracket + 1, depth);
        return switch (tag) {
          case "key" -> new SimpleKey(elements);
          case "list" -> java.util.Arrays.asList(elements);
          case "array" -> elements;
          default -> throw bad("unknown tag '~" + tag + "['");
        };
      }
      if (colon < 0 || colon >= to) {
        throw bad("no ':' after the tag");
      }
      String tag = s.substring(from + 1, colon);
      String text = s.substring(colon + 1, to);
      try {
        return switch (tag) {
          case "int" -> Integer.valueOf(text);
          case "long" -> Long.valueOf(text);
          case "short" -> Short.valueOf(text);
          case "byte" -> Byte.valueOf(text);
          case "double" -> Double.valueOf(text);
          case "float" -> Float.valueOf(text);
          case "bigint" -> new BigInteger(text);
          case "decimal" -> new BigDecimal(text);
          case "bool" -> switch (text) {
            case "true" -> Boolean.TRUE;
            case "false" -> Boolean.FALSE;
            default -> throw bad("'" + text + "' is not true or false");
          };
          case "char" -> {
            if (text.length() != 1) {
              throw bad("'~char:' takes one character");
            }
            yield text.charAt(0);
          }
          case "uuid" -> UUID.fromString(text);
          case "date" -> LocalDate.parse(text);
          case "datetime" -> LocalDateTime.parse(text);
          case "time" -> LocalTime.parse(text);
          case "instant" -> Instant.parse(text);
          case "enum" -> enumOf(text);
          case "record" -> record(colon + 1, depth);
          default -> throw bad("unknown tag '~" + tag + ":'");
        };
      } catch (IllegalArgumentException e) {
        throw e.getMessage() != null && e.getMessage().startsWith("not a key") ? e : bad(e.getMessage());
      } catch (java.time.DateTimeException e) {
        throw bad(e.getMessage());
      }
    }

    private Object[] elements(int at, int depth) {
      List<Object> out = new ArrayList<>();
      int i = at;
      if (i < to && s.charAt(i) == ']') {
        if (i + 1 != to) {
          throw bad("text after ']'");
        }
        return new Object[0];
      }
      while (true) {
        int colon = s.indexOf(':', i);
        if (colon < 0 || colon >= to) {
          throw bad("an element has no length");
        }
        int len;
        try {
          len = Integer.parseInt(s.substring(i, colon));
        } catch (NumberFormatException e) {
          throw bad("'" + s.substring(i, colon) + "' is not an element length");
        }
        int start = colon + 1;
        int end = start + len;
        if (len < 0 || end >= to) {
          throw bad("an element runs past the end");
        }
        out.add(new Reader(s, start, end).value(depth + 1));
        char c = s.charAt(end);
        if (c == ']') {
          if (end + 1 != to) {
            throw bad("text after ']'");
          }
          return out.toArray();
        }
        if (c != ',') {
          throw bad("expected ',' or ']' after an element");
        }
        i = end + 1;
      }
    }

    private Object enumOf(String text) {
      int hash = text.lastIndexOf('#');
      if (hash < 0) {
        throw bad("'~enum:' takes CLASS#NAME");
      }
      Class<?> c = allowedClass(text.substring(0, hash));
      if (!c.isEnum()) {
        throw bad(c.getName() + " is not an enum");
      }
      for (Object constant : c.getEnumConstants()) {
        if (((Enum<?>) constant).name().equals(text.substring(hash + 1))) {
          return constant;
        }
      }
      throw bad(c.getName() + " has no constant " + text.substring(hash + 1));
    }

    private Object record(int at, int depth) {
      int bracket = s.indexOf('[', at);
      if (bracket < 0 || bracket >= to) {
        throw bad("'~record:' takes CLASS[components]");
      }
      Class<?> c = allowedClass(s.substring(at, bracket));
      if (!c.isRecord()) {
        throw bad(c.getName() + " is not a record");
      }
      Object[] values = elements(bracket + 1, depth);
      RecordComponent[] rc = c.getRecordComponents();
      if (rc.length != values.length) {
        throw bad(c.getName() + " has " + rc.length + " components, the key " + values.length);
      }
      Class<?>[] types = new Class<?>[rc.length];
      for (int i = 0; i < rc.length; i++) {
        types[i] = rc[i].getType();
      }
      try {
        Constructor<?> k = c.getDeclaredConstructor(types);
        k.setAccessible(true);
        return k.newInstance(values);
      } catch (InvocationTargetException e) {
        throw bad("the constructor of " + c.getName() + " refused the components: " + e.getCause());
      } catch (ReflectiveOperationException | RuntimeException e) {
        throw bad("cannot make a " + c.getName() + " of the components: " + e);
      }
    }

    private Class<?> allowedClass(String name) {
      boolean allowed = false;
      for (String p : packages) {
        allowed |= name.startsWith(p);
      }
      if (!allowed) {
        throw bad("class " + name + " is not in the allowed packages "
            + packages.stream().map(p -> p + "*").toList());
      }
      try {
        return Class.forName(name, false, loader);
      } catch (ClassNotFoundException e) {
        throw bad("no class " + name);
      }
    }

    private IllegalArgumentException bad(String why) {
      return new IllegalArgumentException("not a key of the standard key codec: '"
          + org.groupcache4j.spring.internal.Keys.quote(s) + "': " + why);
    }
  }

  @Override
  public String toString() {
    return "CacheKeyCodec.standard()";
  }
}
