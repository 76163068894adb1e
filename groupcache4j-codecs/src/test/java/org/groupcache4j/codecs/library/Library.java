package org.groupcache4j.codecs.library;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import java.time.LocalDate;
import java.util.List;
import org.groupcache4j.codecs.gadget.Gadget;

/** Value types of the JSON codec's tests. */
public final class Library {
  private Library() {}

  /** A record that is not Serializable. */
  public record Book(String isbn, String title, List<String> authors, LocalDate published) {}

  /** Anything, typed by a class name in the JSON: what the codec must never follow. */
  public record Crate(String label, @JsonTypeInfo(use = JsonTypeInfo.Id.CLASS) Object content) {}

  /** A field of a class outside the allowed packages, declared in code. */
  public record Lamp(String name, Gadget gadget) {}

  /** Polymorphism by logical names declared in code. */
  @JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "kind")
  @JsonSubTypes({@JsonSubTypes.Type(value = Paper.class, name = "paper"), @JsonSubTypes.Type(value = Ebook.class, name = "ebook")})
  public sealed interface Edition permits Paper, Ebook {}

  public record Paper(int pages) implements Edition {}

  public record Ebook(String format) implements Edition {}

  public record Listing(String isbn, Edition edition) {}
}
