package org.groupcache4j.spring.boot;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.groupcache4j.spring.GroupCacheCacheManager;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.cache.interceptor.CacheOperation;
import org.springframework.cache.interceptor.CacheOperationSource;
import org.springframework.util.ClassUtils;
import org.springframework.util.ReflectionUtils;

/**
 * Checks, once every singleton exists, that each cache name the application's beans use in
 * {@code @Cacheable}, {@code @CachePut}, {@code @CacheEvict} and {@code @Caching} (directly or
 * through {@code @CacheConfig}) is a declared cache. Caches are declared rather than made on first
 * use because a peer can answer only for a group it has: a cache that one node made on the fly
 * would be unknown to the others. Operations with a cache manager or resolver of their own are
 * not this manager's and are skipped; names a resolver computes at run time cannot be checked
 * (those fail when used, as Spring reports a missing cache).
 */
final class DeclaredCachesCheck implements SmartInitializingSingleton {
  private final ListableBeanFactory beans;
  private final GroupCacheCacheManager manager;

  DeclaredCachesCheck(ListableBeanFactory beans, GroupCacheCacheManager manager) {
    this.beans = beans;
    this.manager = manager;
  }

  @Override
  public void afterSingletonsInstantiated() {
    Map<String, CacheOperationSource> sources = beans.getBeansOfType(CacheOperationSource.class, false, false);
    if (sources.isEmpty()) {
      return; // caching is not enabled (@EnableCaching): nothing uses the caches through annotations
    }
    Map<String, List<String>> undeclared = new LinkedHashMap<>(); // cache name -> where it is used
    for (String name : beans.getBeanDefinitionNames()) {
      if (infrastructure(name)) {
        continue;
      }
      Class<?> type;
      try {
        type = beans.getType(name, false);
      } catch (RuntimeException e) {
        continue;
      }
      if (type == null) {
        continue;
      }
      Class<?> user = ClassUtils.getUserClass(type);
      for (Method m : ReflectionUtils.getUniqueDeclaredMethods(user, ReflectionUtils.USER_DECLARED_METHODS)) {
        for (CacheOperationSource source : sources.values()) {
          Collection<CacheOperation> ops = source.getCacheOperations(m, user);
          if (ops == null) {
            continue;
          }
          for (CacheOperation op : ops) {
            if (!op.getCacheManager().isEmpty() || !op.getCacheResolver().isEmpty()) {
              continue;
            }
            for (String cache : op.getCacheNames()) {
              if (manager.getCache(cache) == null) {
                undeclared.computeIfAbsent(cache, k -> new ArrayList<>())
                    .add(annotation(op) + " on " + user.getName() + "." + m.getName() + "()");
              }
            }
          }
        }
      }
    }
    if (!undeclared.isEmpty()) {
      throw new UndeclaredCacheException(undeclared, manager.getCacheNames());
    }
  }

  private boolean infrastructure(String name) {
    if (beans instanceof ConfigurableListableBeanFactory c && c.containsBeanDefinition(name)) {
      return c.getBeanDefinition(name).getRole() == BeanDefinition.ROLE_INFRASTRUCTURE;
    }
    return false;
  }

  private static String annotation(CacheOperation op) {
    String simple = op.getClass().getSimpleName(); // CacheableOperation, CachePutOperation, CacheEvictOperation
    return "@" + (simple.endsWith("Operation") ? simple.substring(0, simple.length() - "Operation".length()) : simple);
  }
}
