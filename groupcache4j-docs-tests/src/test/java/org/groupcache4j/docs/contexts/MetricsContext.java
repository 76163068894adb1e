package org.groupcache4j.docs.contexts;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/** {@code metrics}: {@code cache}, and the application's Micrometer {@code meterRegistry}. */
public abstract class MetricsContext extends CacheContext {
  protected final MeterRegistry meterRegistry = new SimpleMeterRegistry();
}
