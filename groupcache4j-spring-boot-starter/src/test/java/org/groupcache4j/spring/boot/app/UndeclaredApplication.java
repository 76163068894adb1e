package org.groupcache4j.spring.boot.app;

import org.springframework.boot.autoconfigure.AutoConfigurationPackage;
import org.springframework.cache.annotation.CacheConfig;
import org.springframework.cache.annotation.Cacheable;
import org.springframework.cache.annotation.CachePut;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** An application that uses caches it did not declare. */
@Configuration(proxyBeanMethods = false)
@EnableCaching
@AutoConfigurationPackage
public class UndeclaredApplication {
  @Bean
  Authors authors() {
    return new Authors();
  }

  /** Uses 'authors' (through @CacheConfig) and 'portraits'. */
  @CacheConfig(cacheNames = "authors")
  public static class Authors {
    @Cacheable
    public String find(String name) {
      return name;
    }

    @CachePut(cacheNames = "portraits")
    public byte[] portrait(String name) {
      return new byte[0];
    }
  }
}
