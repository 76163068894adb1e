package org.groupcache4j.spring.boot;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.groupcache4j.GroupCache;
import org.groupcache4j.ValueCodec;
import org.groupcache4j.micrometer.GroupCacheMetrics;
import org.groupcache4j.spring.CacheValueLoader;
import org.groupcache4j.spring.DefaultValueCodec;
import org.groupcache4j.spring.GroupCacheCacheManager;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurationPackages;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.cache.autoconfigure.CacheAutoConfiguration;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.Environment;
import org.springframework.cache.CacheManager;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Condition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * Auto-configures a groupcache4j node ({@link GroupCacheNode}) from the {@code groupcache4j.*}
 * properties (read through the node's table of settings, see {@link StarterSettings}) and makes
 * its caches the application's {@link CacheManager}.
 *
 * <ul>
 *   <li>The cache manager backs off when the application defines a {@link CacheManager} of its
 *       own, and the whole configuration when {@code spring.cache.type} asks Spring Boot for
 *       another provider (caffeine, redis, ...) or {@code groupcache4j.enabled=false}.</li>
 *   <li>Every cache name that {@code @Cacheable}, {@code @CachePut}, {@code @CacheEvict} and
 *       {@code @Caching} use must be declared ({@code groupcache4j.caches.<name>.*}); an
 *       undeclared one fails the start, naming the cache, the method and the fix.</li>
 *   <li>A cache's values come from its cached methods, each computed once across the cluster under
 *       a lease from the key's owner; or, for a cache with a {@link CacheValueLoader} bean, from
 *       that loader at the key's owner.</li>
 *   <li>Values: {@link DefaultValueCodec}, allowing {@code java.*}, the application's packages
 *       (those of {@code @SpringBootApplication}, see {@link AutoConfigurationPackages}) and
 *       {@code groupcache4j.allowed-packages}; JSON with the application's {@code JsonMapper}
 *       when it has one.</li>
 *   <li>With Actuator: the health contributor {@code groupcache} ({@link GroupCacheHealthIndicator}),
 *       the standard cache meters of each cache ({@link GroupCacheCacheMeterBinderProvider}) and
 *       the node's own meters ({@link GroupCacheMetrics}).</li>
 * </ul>
 */
@AutoConfiguration(before = CacheAutoConfiguration.class)
@ConditionalOnClass(CacheManager.class)
@ConditionalOnProperty(name = "groupcache4j.enabled", havingValue = "true", matchIfMissing = true)
@Conditional(GroupCacheAutoConfiguration.NoOtherCacheType.class)
public class GroupCacheAutoConfiguration {

  @Bean(destroyMethod = "close")
  @ConditionalOnMissingBean
  GroupCacheNode groupCacheNode(Environment environment, ListableBeanFactory beans,
      ObjectProvider<CacheValueLoader> loaders) {
    StarterSettings.Resolved settings = StarterSettings.resolve(Binder.get(environment));
    ClassLoader loader = beanClassLoader(beans);
    List<String> allowed = allowedPackages(beans, settings.allowedPackages());
    DefaultValueCodec.Builder values = DefaultValueCodec.builder().allowPackages(allowed).classLoader(loader);
    DefaultJsonMapper.find(beans, loader).ifPresent(values::jsonMapper);
    DefaultValueCodec javaOnly = DefaultValueCodec.builder().allowPackages(allowed).classLoader(loader).json(false).build();
    GroupCacheNode.Codecs codecs = new GroupCacheNode.Codecs(values.build(), javaOnly, name -> {
      if (!beans.containsBean(name) || !ValueCodec.class.isAssignableFrom(beans.getType(name))) {
        return null;
      }
      return beans.getBean(name, ValueCodec.class);
    });
    return new GroupCacheNode(settings, codecs, loaders.orderedStream().toList());
  }

  @Bean
  @ConditionalOnMissingBean
  GroupCache groupCache(GroupCacheNode node) {
    return node.cache();
  }

  @Bean
  @ConditionalOnMissingBean(CacheManager.class)
  GroupCacheCacheManager cacheManager(GroupCacheNode node) {
    return node.cacheManager();
  }

  @Bean
  @ConditionalOnBean(GroupCacheCacheManager.class)
  DeclaredCachesCheck groupCacheDeclaredCachesCheck(ListableBeanFactory beans, GroupCacheCacheManager manager) {
    return new DeclaredCachesCheck(beans, manager);
  }

  /** Matches unless {@code spring.cache.type} asks Spring Boot for a provider of its own. */
  static final class NoOtherCacheType implements Condition {
    @Override
    public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
      String type = context.getEnvironment().getProperty("spring.cache.type");
      return type == null || type.isBlank();
    }
  }

  private static ClassLoader beanClassLoader(BeanFactory beans) {
    if (beans instanceof org.springframework.beans.factory.config.ConfigurableBeanFactory c && c.getBeanClassLoader() != null) {
      return c.getBeanClassLoader();
    }
    return GroupCacheAutoConfiguration.class.getClassLoader();
  }

  /** The application's packages and {@code groupcache4j.allowed-packages} ({@code java.*} is always allowed). */
  static List<String> allowedPackages(BeanFactory beans, List<String> configured) {
    Set<String> p = new LinkedHashSet<>();
    if (AutoConfigurationPackages.has(beans)) {
      p.addAll(AutoConfigurationPackages.get(beans));
    }
    configured.forEach(c -> p.add(c.strip()));
    p.removeIf(String::isBlank);
    return new ArrayList<>(p);
  }

  /** The health contributor {@code groupcache}, with Actuator. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(name = "org.springframework.boot.health.contributor.HealthIndicator")
  static class Health {
    @Bean
    @ConditionalOnMissingBean(name = "groupcacheHealthIndicator")
    GroupCacheHealthIndicator groupcacheHealthIndicator(GroupCacheNode node) {
      return new GroupCacheHealthIndicator(node);
    }
  }

  /** Cache meters and the node's meters, with Micrometer. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(name = {"io.micrometer.core.instrument.MeterRegistry",
      "org.springframework.boot.cache.metrics.CacheMeterBinderProvider"})
  static class Metrics {
    @Bean
    @ConditionalOnMissingBean
    GroupCacheCacheMeterBinderProvider groupCacheCacheMeterBinderProvider() {
      return new GroupCacheCacheMeterBinderProvider();
    }

    @Bean
    @ConditionalOnMissingBean
    GroupCacheMetrics groupCacheMetrics(GroupCacheNode node) {
      return new GroupCacheMetrics(node.cache());
    }
  }
}
