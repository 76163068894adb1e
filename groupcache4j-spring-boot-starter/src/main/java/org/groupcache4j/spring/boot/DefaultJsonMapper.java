package org.groupcache4j.spring.boot;

import java.util.Optional;
import org.springframework.beans.factory.ListableBeanFactory;

/** The application's Jackson 3 {@code JsonMapper} bean, if Jackson is there and the application has one. */
final class DefaultJsonMapper {
  private static final String JSON_MAPPER = "tools.jackson.databind.json.JsonMapper";

  private DefaultJsonMapper() {}

  static Optional<Object> find(ListableBeanFactory beans, ClassLoader loader) {
    Class<?> type;
    try {
      type = Class.forName(JSON_MAPPER, false, loader);
    } catch (ClassNotFoundException | LinkageError e) {
      return Optional.empty();
    }
    return Optional.ofNullable(beans.getBeanProvider(type).getIfUnique());
  }
}
